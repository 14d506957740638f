// tinycondor's curl_plugin: the file-transfer plugin HTCondor's FILETRANSFER_PLUGINS names first, with its
// command line (-classad; -infile F -outfile F [-upload]), its result ads and its error texts
// (multifile_curl_plugin.cpp), written with node's own file system and HTTP instead of libcurl. It offers
// http, https, file, dav and davs; not ftp (node has no FTP client), so an ftp:// job matches no slot here.
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { trustedCas } from '@tinycondor/client/extra-ca';
import { quoteString } from '@tinycondor/shared/classad/index';
import { strerror } from '@tinycondor/shared/submit/file-probe';
import { parsePluginResults } from '@tinycondor/shared/url-transfer';
import type { CommandIo } from '../cli-error.js';

const SUPPORTED_METHODS = 'http,https,file,dav,davs';
const PLUGIN_VERSION = '2.0.0';
const MAX_REDIRECTS = 10;

/** What one file's transfer published (FileTransferStats::Publish's names). */
interface FileStats {
  TransferSuccess: boolean;
  TransferError: string;
  TransferUrl: string;
  TransferProtocol: string;
  TransferType: 'download' | 'upload';
  TransferFileName: string;
  TransferFileBytes: number;
  TransferTotalBytes: number;
  TransferStartTime: number;
  TransferEndTime: number;
  TransferHTTPStatusCode?: number;
}

class TransferFailed extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

function usage(io: CommandIo): number {
  io.stderr('Usage: curl_plugin -infile <input-filename> -outfile <output-filename> [-upload]\n       curl_plugin -classad\n');
  return 1;
}

export async function curlPlugin(args: string[], io: CommandIo): Promise<number> {
  if (args.length === 1 && args[0] === '-classad') {
    io.stdout(`MultipleFileSupport = true\nPluginVersion = "${PLUGIN_VERSION}"\nPluginType = "FileTransfer"\nProtocolVersion = 2\nSupportedMethods = "${SUPPORTED_METHODS}"\n`);
    return 0;
  }
  let infile: string | undefined;
  let outfile: string | undefined;
  let upload = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-infile') infile = args[++i];
    else if (args[i] === '-outfile') outfile = args[++i];
    else if (args[i] === '-upload') upload = true;
    else if (args[i] !== '-diagnostic') return usage(io);
  }
  if (infile === undefined || outfile === undefined) return usage(io);
  let requests: { url: string; local: string }[];
  try {
    requests = parsePluginResults(fs.readFileSync(infile, 'utf8')).map((ad) => ({ url: ad.getString('Url') ?? '', local: ad.getString('LocalFileName') ?? '' }));
  } catch (err) {
    io.stderr(`ERROR: could not read the input file ${infile}: ${(err as Error).message}\n`);
    return 1;
  }
  let anyError = false;
  let results = '';
  for (const { url, local } of requests) {
    const stats = await transferOne(url, local, upload);
    if (!stats.TransferSuccess) anyError = true;
    results += statsText(stats);
  }
  fs.writeFileSync(outfile, results);
  return anyError ? 1 : 0;
}

function statsText(stats: FileStats): string {
  const attrs = Object.entries(stats).map(([name, value]) => `${name} = ${typeof value === 'string' ? quoteString(value) : String(value)}`);
  return `[ ${attrs.join('; ')} ]\n`;
}

async function transferOne(url: string, local: string, upload: boolean): Promise<FileStats> {
  const scheme = url.slice(0, Math.max(0, url.indexOf('://'))).toLowerCase();
  // Everything before the last '+' names a credential (osdf+https); the transfer uses what follows.
  const plain = url.slice(scheme.lastIndexOf('+') + 1);
  const stats: FileStats = {
    TransferSuccess: false,
    TransferError: '',
    TransferUrl: url,
    TransferProtocol: scheme.split('+').pop() ?? scheme,
    TransferType: upload ? 'upload' : 'download',
    TransferFileName: local,
    TransferFileBytes: 0,
    TransferTotalBytes: 0,
    TransferStartTime: Math.floor(Date.now() / 1000),
    TransferEndTime: 0,
  };
  try {
    const bytes = plain.startsWith('file://') ? await copyFileUrl(plain, local, upload) : await transferHttp(plain, local, upload, stats);
    stats.TransferSuccess = true;
    stats.TransferFileBytes = bytes;
    stats.TransferTotalBytes = bytes;
  } catch (err) {
    stats.TransferError = (err as Error).message;
    if (err instanceof TransferFailed && err.httpStatus !== undefined) stats.TransferHTTPStatusCode = err.httpStatus;
  }
  stats.TransferEndTime = Math.floor(Date.now() / 1000);
  return stats;
}

/** OpenLocalFile's words for a local file that cannot be opened. */
function openLocal(local: string, flags: 'r' | 'w'): number {
  try {
    return fs.openSync(local, flags);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TransferFailed(`could not open local file ${local}, error ${-(e.errno ?? 0)} (${strerror(e)})`);
  }
}

/** A file:// URL: a copy, as libcurl's FILE protocol does (only the local host). */
async function copyFileUrl(url: string, local: string, upload: boolean): Promise<number> {
  let remote: string;
  try {
    remote = fileURLToPath(url);
  } catch (err) {
    throw new TransferFailed(`URL rejected: Malformed input to a URL function (${(err as Error).message})`);
  }
  const localFd = openLocal(local, upload ? 'r' : 'w');
  try {
    let remoteFd: number;
    try {
      remoteFd = fs.openSync(remote, upload ? 'w' : 'r');
    } catch {
      throw new TransferFailed(`Couldn't open file ${remote}`);
    }
    const [from, to] = upload ? [localFd, remoteFd] : [remoteFd, localFd];
    await pipeline(fs.createReadStream('', { fd: from, autoClose: false }), fs.createWriteStream('', { fd: to, autoClose: false }));
    fs.closeSync(remoteFd);
    return fs.fstatSync(localFd).size;
  } finally {
    fs.closeSync(localFd);
  }
}

/** http(s) and dav(s): GET (following redirects) or PUT; an HTTP error status fails as CURLOPT_FAILONERROR makes it. */
async function transferHttp(url: string, local: string, upload: boolean, stats: FileStats): Promise<number> {
  const target = new URL(url.replace(/^dav(s?):/i, 'http$1:'));
  if (upload) {
    const fd = openLocal(local, 'r');
    const size = fs.fstatSync(fd).size;
    const status = await request(target, 'PUT', fs.createReadStream('', { fd }), size);
    stats.TransferHTTPStatusCode = status.code;
    status.response.resume();
    return size;
  }
  let response = await request(target, 'GET');
  for (let hops = 0; response.code >= 300 && response.code < 400 && response.location; hops++) {
    response.response.resume();
    if (hops === MAX_REDIRECTS) throw new TransferFailed(`Maximum (${MAX_REDIRECTS}) redirects followed`);
    response = await request(new URL(response.location, target), 'GET');
  }
  stats.TransferHTTPStatusCode = response.code;
  const fd = openLocal(local, 'w');
  const out = fs.createWriteStream('', { fd });
  await pipeline(response.response, out);
  return out.bytesWritten;
}

async function request(target: URL, method: 'GET' | 'PUT', body?: NodeJS.ReadableStream, size?: number): Promise<{ code: number; location?: string; response: http.IncomingMessage }> {
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (client === undefined) throw new TransferFailed(`Protocol "${target.protocol.slice(0, -1)}" not supported or disabled in libcurl`);
  // NODE_EXTRA_CA_CERTS, which the bin script kept from node, is trusted as by the condor_* commands' connections.
  const ca = target.protocol === 'https:' ? trustedCas(process.env, (text) => process.stderr.write(text)) : undefined;
  const headers = { 'user-agent': `condor_curl_plugin/${PLUGIN_VERSION}`, ...(size !== undefined ? { 'content-length': size } : {}) };
  const req = client.request(target, { method, headers, ...(ca === undefined ? {} : { ca }) });
  const responded = once(req, 'response') as Promise<[http.IncomingMessage]>;
  if (body) body.pipe(req);
  else req.end();
  let response: http.IncomingMessage;
  try {
    [response] = await responded;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOTFOUND') throw new TransferFailed(`Could not resolve host: ${target.hostname}`);
    if (e.code === 'ECONNREFUSED') throw new TransferFailed(`Failed to connect to ${target.hostname} port ${target.port || (target.protocol === 'https:' ? 443 : 80)}: Connection refused`);
    throw new TransferFailed(e.message);
  }
  const code = response.statusCode ?? 0;
  if (code >= 400) {
    response.resume();
    throw new TransferFailed(`The requested URL returned error: ${code}`, code);
  }
  return { code, ...(response.headers.location ? { location: response.headers.location } : {}), response };
}
