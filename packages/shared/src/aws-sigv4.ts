// AWS Signature Version 4 query-string presigning of s3:// and gs:// URLs, as HTCondor's shadow does it
// (src/condor_utils/AWSv4-utils.cpp, generate_presigned_url) before a transfer plugin gets the URL: the
// plugin receives an https:// URL carrying the X-Amz-* parameters, and needs no keys of its own.
import crypto from 'node:crypto';

/** What signs a job's URLs: the contents of its key files (EC2AccessKeyId, EC2SecretAccessKey, EC2SessionToken) and its AWSRegion. */
export interface S3Keys {
  accessKeyId: string;
  secretAccessKey: string;
  /** The session token ("security token" in the API): X-Amz-Security-Token when set. */
  securityToken?: string;
  region?: string;
}

/** A URL that cannot be signed: HTCondor's CondorError code ("AWS SigV4" subsystem) and message. */
export class SigV4Error extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'SigV4Error';
  }
}

/** generate_presigned_url's expiry: one hour. */
export const PRESIGNED_URL_EXPIRES_SECONDS = 3600;
/** generate_presigned_url signs as of 5 s ago, "to allow for modest clock skews". */
export const PRESIGN_CLOCK_SKEW_SECONDS = 5;

/** The schemes HTCondor signs (case-insensitively), with SIGN_S3_URLS. */
export function isSignedScheme(url: string): boolean {
  return /^(s3|gs):\/\//i.test(url);
}

/**
 * AWSv4Impl::amazonURLEncode: A-Z a-z 0-9 - _ . ~ kept, every other byte (of the UTF-8 text) `%XY` in
 * upper-case hex.
 */
export function amazonUrlEncode(input: string): string {
  let output = '';
  for (const byte of Buffer.from(input, 'utf8')) {
    const c = String.fromCharCode(byte);
    output += /[A-Za-z0-9_.~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return output;
}

/** AWSv4Impl::pathEncode: each segment between slashes encoded, the slashes kept. */
export function pathEncode(original: string): string {
  return original
    .split('/')
    .map((segment) => amazonUrlEncode(segment))
    .join('/');
}

/** isPathStyleBucket: a bucket name with `_` or an upper-case letter cannot be part of a DNS name. */
function isPathStyleBucket(bucket: string): boolean {
  return bucket.includes('_') || /[A-Z]/.test(bucket);
}

/** Where a signed request goes: the Host header (with any port), its region, and the canonical URI. */
export interface S3Target {
  host: string;
  region: string;
  canonicalUri: string;
}

/**
 * generate_presigned_url's reading of the URL: gs://bucket/key is s3://storage.googleapis.com/bucket/key;
 * s3://bucket/key goes to bucket.s3[.region].amazonaws.com (s3.amazonaws.com/bucket in us-east-1 for a
 * bucket not valid in DNS); s3://bucket.s3.region.amazonaws.com/key names its region; any other host
 * (with a dot) is taken as is, its path the key. A port stays on the host. `region` is the job's AWSRegion.
 */
export function s3Target(url: string, region?: string): S3Target {
  let theUrl = url;
  if (/^gs:\/\//i.test(url)) theUrl = `s3://storage.googleapis.com/${url.slice(5)}`;
  if (!/^s3:\/\//i.test(theUrl)) throw new SigV4Error(1, 'an S3 URL must begin with s3://');
  const middle = theUrl.indexOf('/', 5);
  if (middle < 0) {
    throw new SigV4Error(
      2,
      'an S3 URL must be of the form s3://<bucket>/<object>, s3://<bucket>.s3.<region>.amazonaws.com/<object>, or s3://.../... for non-AWS endpoints',
    );
  }
  let theRegion = region ?? '';
  let canonicalUri = '/';
  let bucketOrHostname = theUrl.slice(5, middle);
  // The port is set aside while the host is worked out.
  const portIndex = bucketOrHostname.indexOf(':');
  const port = portIndex < 0 ? '' : bucketOrHostname.slice(portIndex + 1);
  if (portIndex >= 0) bucketOrHostname = bucketOrHostname.slice(0, portIndex);
  let host = bucketOrHostname;
  if (!bucketOrHostname.includes('.')) {
    const bucket = bucketOrHostname;
    if (theRegion !== '') {
      host = `${bucket}.s3.${theRegion}.amazonaws.com`;
    } else {
      host = `${bucket}.s3.amazonaws.com`;
      if (isPathStyleBucket(bucket)) {
        host = 's3.amazonaws.com';
        theRegion = 'us-east-1';
        canonicalUri += `${pathEncode(bucket)}/`;
      }
    }
  } else if (bucketOrHostname.endsWith('.amazonaws.com')) {
    const bucketAndRegion = bucketOrHostname.slice(0, -'.amazonaws.com'.length);
    const last = bucketAndRegion.lastIndexOf('.s3.');
    if (last < 0) throw new SigV4Error(3, 'invalid format for domain-based buckets; must be of the form s3://<bucket>.s3.<region>.amazonaws.com/<object>');
    theRegion = bucketAndRegion.slice(last + 4);
  }
  if (port !== '') host += `:${port}`;
  canonicalUri += pathEncode(theUrl.slice(middle + 1));
  return { host, region: theRegion === '' ? 'us-east-1' : theRegion, canonicalUri };
}

function hmac(key: crypto.BinaryLike, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}

/** AWSv4Impl::createSignature: the signing key derived from the secret, date, region and service, then the HMAC of the string to sign. */
export function sigV4Signature(secretAccessKey: string, date: string, region: string, service: string, stringToSign: string): string {
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return crypto.createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** `YYYYMMDDThhmmssZ` in UTC, the X-Amz-Date. */
export function amzDate(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * The presigned https:// URL of an s3:// or gs:// URL for `verb` (GET to fetch, PUT to upload), signed as
 * of `time` (the X-Amz-Date) for `expiresSeconds`: only the Host header is signed, the payload is
 * UNSIGNED-PAYLOAD. Throws SigV4Error for a URL HTCondor refuses.
 */
export function presignS3Url(url: string, keys: S3Keys, verb: 'GET' | 'PUT', time: Date, expiresSeconds = PRESIGNED_URL_EXPIRES_SECONDS): string {
  const target = s3Target(url, keys.region);
  const dateAndTime = amzDate(time);
  const date = dateAndTime.slice(0, 8);
  const credentialScope = `${date}/${target.region}/s3/aws4_request`;
  const queries: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${keys.accessKeyId}/${credentialScope}`],
    ['X-Amz-Date', dateAndTime],
    ['X-Amz-Expires', String(expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (keys.securityToken !== undefined && keys.securityToken !== '') queries.push(['X-Amz-Security-Token', keys.securityToken]);
  // A std::map: sorted by name.
  queries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalQuery = queries.map(([name, value]) => `${amazonUrlEncode(name)}=${amazonUrlEncode(value)}`).join('&');
  const canonicalRequest = [verb, target.canonicalUri, canonicalQuery, `host:${target.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const requestHash = crypto.createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  const stringToSign = `AWS4-HMAC-SHA256\n${dateAndTime}\n${credentialScope}\n${requestHash}`;
  const signature = sigV4Signature(keys.secretAccessKey, date, target.region, 's3', stringToSign);
  return `https://${target.host}${target.canonicalUri}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/** The signing time generate_presigned_url uses at `now`: PRESIGN_CLOCK_SKEW_SECONDS earlier, in whole seconds. */
export function presignTime(now: number): Date {
  return new Date((Math.floor(now / 1000) - PRESIGN_CLOCK_SKEW_SECONDS) * 1000);
}
