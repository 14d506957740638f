// The shadow's side of s3:// and gs:// transfers (file_transfer.cpp, DoUpload and DoDownload's SignUrls):
// which of the URLs the execution point asks about it signs, with which of the job's key files, and the
// hold reason when it cannot. The key files are read by the caller (the schedd, with the job owner's rights).
import type { ClassAd } from './classad/index.js';
import { isSignedScheme, presignS3Url, presignTime, SigV4Error, type S3Keys } from './aws-sigv4.js';
import { listedInputFiles, parseRemaps } from './transfer-files.js';

/** GET fetches an input (DoUpload signs it before sending it); PUT uploads an output (DoDownload's SignList). */
export type SignVerb = 'GET' | 'PUT';

/** Reads a key file (htcondor::readShortFile): its contents, or undefined when it cannot be read. */
export type ShortFileReader = (file: string) => string | undefined;

/**
 * The keys htcondor::generate_presigned_url(jobAd, …) reads: the files EC2AccessKeyId and EC2SecretAccessKey
 * name (EC2SessionToken's too, when set), each trimmed, and AWSRegion. Throws SigV4Error with its codes 7-11.
 */
export function jobS3Keys(ad: Pick<ClassAd, 'getString'>, read: ShortFileReader): S3Keys {
  const readKey = (attribute: string, undefinedCode: number, undefinedMessage: string, unreadableMessage: string): string => {
    const file = ad.getString(attribute) ?? '';
    if (file === '') throw new SigV4Error(undefinedCode, undefinedMessage);
    const text = read(file);
    if (text === undefined) throw new SigV4Error(undefinedCode + 1, unreadableMessage);
    return text.trim();
  };
  const accessKeyId = readKey('EC2AccessKeyId', 7, 'access key file not defined', 'unable to read from access key file');
  const secretAccessKey = readKey('EC2SecretAccessKey', 9, 'secret key file not defined', 'unable to read from secret key file');
  let securityToken: string | undefined;
  const tokenFile = ad.getString('EC2SessionToken') ?? '';
  if (tokenFile !== '') {
    const text = read(tokenFile);
    if (text === undefined) throw new SigV4Error(11, 'unable to read from security token file');
    securityToken = text.trim();
  }
  const region = ad.getString('AWSRegion') ?? '';
  return { accessKeyId, secretAccessKey, ...(securityToken === undefined ? {} : { securityToken }), ...(region === '' ? {} : { region }) };
}

/**
 * Whether the shadow signs `url` for the job. An input (GET) is one of the job's own inputs, or a file of
 * its checkpoint_destination (a checkpoint fetched back); an output (PUT) starts with one of DoDownload's
 * output_url_prefixes (checkpoint_destination, output_destination, the URLs of transfer_output_remaps).
 * A URL with `/..` never is ("we don't deal with normalization correctly").
 */
export function signsUrlFor(ad: Pick<ClassAd, 'getString'>, verb: SignVerb, url: string): boolean {
  if (!isSignedScheme(url) || url.includes('/..')) return false;
  const checkpointDestination = ad.getString('CheckpointDestination') ?? '';
  const prefixes = checkpointDestination === '' ? [] : [checkpointDestination];
  if (verb === 'GET') return listedInputFiles(ad).includes(url) || prefixes.some((prefix) => url.startsWith(prefix));
  const outputDestination = ad.getString('OutputDestination');
  if (outputDestination !== undefined) prefixes.push(outputDestination);
  let remaps: Map<string, string>;
  try {
    remaps = parseRemaps(ad.getString('TransferOutputRemaps'));
  } catch {
    remaps = new Map();
  }
  prefixes.push(...remaps.values());
  return prefixes.some((prefix) => url.startsWith(prefix));
}

/** A URL the shadow could not sign: the hold's code, subcode and the reason's details (HTCondor's words). */
export interface SigningFailure {
  holdCode: number;
  subCode: number;
  details: string;
}

/**
 * The signed URLs, in order, for what the execution point asks: '' for a URL the shadow does not sign
 * (DoDownload's empty SignList entry: the execution point keeps the URL as it is). A key file that cannot
 * be read fails the transfer: an input at the first URL (DoUpload: hold code 13, UploadFileError, subcode
 * 3), an output with the last URL that failed (DoDownload: code 12, DownloadFileError, and the signing
 * error's code).
 */
export function signJobUrls(ad: Pick<ClassAd, 'getString'>, verb: SignVerb, urls: readonly string[], now: number, read: ShortFileReader): { urls: string[] } | { failure: SigningFailure } {
  const signed: string[] = [];
  let failure: SigningFailure | undefined;
  let keys: S3Keys | SigV4Error | undefined;
  const side = verb === 'GET' ? 'DoUpload' : 'DoDownload';
  for (const url of urls) {
    if (!signsUrlFor(ad, verb, url)) {
      signed.push('');
      continue;
    }
    try {
      if (keys === undefined) {
        try {
          keys = jobS3Keys(ad, read);
        } catch (err) {
          if (!(err instanceof SigV4Error)) throw err;
          keys = err;
        }
      }
      if (keys instanceof SigV4Error) throw keys;
      signed.push(presignS3Url(url, keys, verb, presignTime(now)));
    } catch (err) {
      if (!(err instanceof SigV4Error)) throw err;
      failure = { holdCode: verb === 'GET' ? 13 : 12, subCode: verb === 'GET' ? 3 : err.code, details: `${side}: Failure when signing URL '${url}': ${err.message}` };
      if (verb === 'GET') return { failure };
      signed.push('');
    }
  }
  return failure === undefined ? { urls: signed } : { failure };
}
