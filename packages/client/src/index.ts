export { ScheddClient, type AdsQuery, type JobAdsQuery, type ScheddClientOptions } from './schedd-client.js';
export { NOT_JSON, ScheddRefused, ScheddReplyInvalid, ScheddUnreachable } from './errors.js';
export type { TarBody } from './transport.js';
export { trustedCas } from './extra-ca.js';
