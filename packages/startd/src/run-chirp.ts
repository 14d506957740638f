import type { Logger } from 'pino';
import { ScheddRefused, type ScheddClient } from '@tinycondor/client';
import { ClassAdParseError, parseOldExpr, unparse, type ClassAd } from '@tinycondor/shared/classad/index';
import { ChirpError, MAX_DELAYED_VALUE_LENGTH } from '@tinycondor/shared/chirp/protocol';
import { chirpCodeOfErrno, MAX_REMOTE_BUF_SIZE, whoAnswer } from '@tinycondor/shared/chirp/remote-files';
import type { RunFileCallBody, RunFileCallReply } from '@tinycondor/shared/rest-schemas';
import type { ActionableRequest, ChirpAnswer, ChirpBackend } from './chirp-server.js';
import { delayedExpression, type DelayedUpdates } from './delayed-updates.js';

/**
 * The code a job gets when its request could not be carried out on the submit side: what the schedd
 * refused, as the shadow's errno converts (EACCES, EINVAL); anything else (the schedd unreachable, the
 * run no longer current) as a starter cut off from its shadow answers, ETIMEDOUT.
 */
/**
 * What the job wrote to set_job_attr or constrain, in the form the schedd stores: the shadow's SetAttribute
 * and AssignExpr read it in old ClassAd syntax (ParseClassAdRvalExpr). undefined when it does not parse.
 */
function storedValue(expr: string): string | undefined {
  try {
    return unparse(parseOldExpr(expr));
  } catch (err) {
    if (err instanceof ClassAdParseError) return undefined;
    throw err;
  }
}

function failureCode(err: unknown): number {
  if (err instanceof ScheddRefused && err.status === 422) return chirpCodeOfErrno(errnoOf(err.body));
  if (err instanceof ScheddRefused && err.status === 403) return ChirpError.NotAuthorized;
  if (err instanceof ScheddRefused && err.status === 400) return ChirpError.InvalidRequest;
  return ChirpError.Offline;
}

/** The errno a failed file request's reply names (EIO when it names none). */
function errnoOf(body: string): string {
  try {
    const errno = (JSON.parse(body) as { errno?: unknown }).errno;
    return typeof errno === 'string' ? errno : 'EIO';
  } catch {
    return 'EIO';
  }
}

/** Where a read or write goes: at the descriptor's position, at an offset (pread, pwrite) or in strides (sread, swrite). */
function placement(request: Extract<ActionableRequest, { kind: 'read' | 'pread' | 'sread' | 'write' | 'pwrite' | 'swrite' }>): { offset?: number; strideLength?: number; strideSkip?: number } {
  if (!('offset' in request)) return {};
  if (!('strideLength' in request)) return { offset: request.offset };
  return { offset: request.offset, strideLength: request.strideLength, strideSkip: request.strideSkip };
}

/**
 * What a run's Chirp requests do: the delayed updates kept here (sent with the run's updates), the
 * others asked of the schedd for the run's job, as the starter asks its shadow.
 */
export function runChirpBackend(opts: { client: ScheddClient; jobId: string; runId: string; jobAd: ClassAd; delayed: DelayedUpdates; log: Logger }): ChirpBackend {
  const { client, jobId, runId, jobAd, delayed, log } = opts;
  const remote = async (what: string, call: () => Promise<unknown>): Promise<ChirpAnswer> => {
    try {
      await call();
      return { code: 0 };
    } catch (err) {
      log.info({ err, request: what }, 'chirp request not carried out');
      return { code: failureCode(err) };
    }
  };
  const fetched = async (what: string, call: () => Promise<string | Buffer>): Promise<ChirpAnswer> => {
    try {
      return { value: await call() };
    } catch (err) {
      log.info({ err, request: what }, 'chirp request not carried out');
      return { code: failureCode(err) };
    }
  };
  const written = async (path: string, mode: number, data: Buffer): Promise<{ code: number }> => {
    try {
      return { code: await client.putRunFile(jobId, runId, path, mode, data) };
    } catch (err) {
      log.info({ err, request: 'putfile' }, 'chirp request not carried out');
      return { code: failureCode(err) };
    }
  };
  const fileCall = async (body: RunFileCallBody, answer: (reply: RunFileCallReply) => ChirpAnswer): Promise<ChirpAnswer> => {
    try {
      return answer(await client.runFileCall(jobId, runId, body));
    } catch (err) {
      log.info({ err, request: body.call }, 'chirp request not carried out');
      return { code: failureCode(err) };
    }
  };
  return {
    async answer(request: ActionableRequest): Promise<ChirpAnswer> {
      switch (request.kind) {
        case 'set_job_attr_delayed': {
          // As the proxy: a value too long is ENAMETOOLONG, which it converts to UNKNOWN; one that does not
          // parse is dropped yet answered 0; a refused name is answered 1 (its "!recorded").
          if (Buffer.byteLength(request.expr) > MAX_DELAYED_VALUE_LENGTH) return { code: ChirpError.Unknown };
          const expr = delayedExpression(request.expr);
          if (expr === undefined) {
            log.warn({ attribute: request.name, value: request.expr }, 'Failed to parse line to a ClassAd expression');
            return { code: 0 };
          }
          return { code: delayed.record(request.name, expr) ? 0 : 1 };
        }
        case 'get_job_attr_delayed': {
          const value = delayed.lookup(request.name, jobAd);
          return value === undefined ? { code: ChirpError.DoesntExist } : { value };
        }
        case 'set_job_attr': {
          const value = storedValue(request.expr);
          if (value === undefined) return { code: ChirpError.InvalidRequest };
          return remote('set_job_attr', () => client.setRunJobAttr(jobId, runId, request.name, value));
        }
        case 'get_job_attr':
          try {
            return { value: await client.getRunJobAttr(jobId, runId, request.name) };
          } catch (err) {
            log.info({ err, request: 'get_job_attr' }, 'chirp request not carried out');
            return { code: failureCode(err) };
          }
        case 'ulog':
          return remote('ulog', () => client.runUlog(jobId, runId, request.text));
        case 'constrain': {
          const value = storedValue(request.expr);
          if (value === undefined) return { code: ChirpError.InvalidRequest };
          return remote('constrain', () => client.runConstrain(jobId, runId, value));
        }
        case 'unlink':
          return remote('unlink', () => client.removeRunFile(jobId, runId, request.path));
        case 'getfile':
          return fetched('getfile', () => client.getRunFile(jobId, runId, request.path));
        case 'getdir':
        case 'getlongdir':
          return fetched(request.kind, () => client.getRunDirectory(jobId, runId, request.path, request.kind === 'getlongdir'));
        case 'putfile': {
          // The shadow refuses a length over MAX_REMOTE_BUF_SIZE (a negative one, as size_t, too) before it
          // opens anything; otherwise it creates or truncates the file and answers, then takes the bytes.
          const { path, mode, length } = request;
          if (length < 0 || length > MAX_REMOTE_BUF_SIZE) return { code: ChirpError.TooBig };
          const opened = await written(path, mode, Buffer.alloc(0));
          if (opened.code < 0 || length === 0) return opened;
          return { code: 0, receive: { length, then: (bytes) => written(path, mode, bytes) } };
        }
        case 'open':
          return fileCall({ call: 'open', path: request.path, flags: request.flags, mode: request.mode }, (r) => ({ code: r.result, data: r.line ?? '\n' }));
        case 'close':
        case 'fsync':
          return fileCall({ call: request.kind, fd: request.fd }, (r) => ({ code: r.result }));
        case 'lseek':
          return fileCall({ call: 'lseek', fd: request.fd, offset: request.offset, whence: request.whence }, (r) => ({ code: r.result }));
        case 'fstat':
        case 'fstatfs':
          return fileCall({ call: request.kind, fd: request.fd }, (r) => ({ code: r.result, data: r.line }));
        case 'fchown':
          return fileCall({ call: 'fchown', fd: request.fd, uid: request.uid, gid: request.gid }, (r) => ({ code: r.result }));
        case 'fchmod':
          return fileCall({ call: 'fchmod', fd: request.fd, mode: request.mode }, (r) => ({ code: r.result }));
        case 'ftruncate':
          return fileCall({ call: 'ftruncate', fd: request.fd, length: request.length }, (r) => ({ code: r.result }));
        case 'rename':
        case 'link':
        case 'symlink':
          return fileCall({ call: request.kind, path: request.path, newPath: request.newPath }, (r) => ({ code: r.result }));
        case 'mkdir':
        case 'access':
        case 'chmod':
          return fileCall({ call: request.kind, path: request.path, mode: request.mode }, (r) => ({ code: r.result }));
        case 'rmdir':
        case 'rmall':
          return fileCall({ call: request.kind, path: request.path }, (r) => ({ code: r.result }));
        case 'stat':
        case 'lstat':
        case 'statfs':
          return fileCall({ call: request.kind, path: request.path }, (r) => ({ code: r.result, data: r.line }));
        case 'readlink':
          return fileCall({ call: 'readlink', path: request.path, length: request.length }, (r) => ({ code: r.result, data: Buffer.from(r.data ?? '', 'base64') }));
        case 'lookup':
          // get_file_info_new never fails on the shadow: its URL's length, then the URL.
          return fileCall({ call: 'lookup', path: request.path }, (r) => ({ code: r.result, data: Buffer.from(r.data ?? '', 'base64') }));
        case 'chown':
        case 'lchown':
          return fileCall({ call: request.kind, path: request.path, uid: request.uid, gid: request.gid }, (r) => ({ code: r.result }));
        case 'truncate':
          return fileCall({ call: 'truncate', path: request.path, length: request.length }, (r) => ({ code: r.result }));
        case 'utime':
          return fileCall({ call: 'utime', path: request.path, actime: request.actime, mtime: request.mtime }, (r) => ({ code: r.result }));
        case 'read':
        case 'pread':
        case 'sread': {
          // The proxy's malloc of a negative length fails: NO_MEMORY (its read sends no reply at all then).
          if (request.length < 0) return { code: ChirpError.NoMemory };
          try {
            const bytes = await client.readRunDescriptor(jobId, runId, request.fd, { length: request.length, ...placement(request) });
            return { code: bytes.length, data: bytes };
          } catch (err) {
            log.info({ err, request: request.kind }, 'chirp request not carried out');
            return { code: failureCode(err) };
          }
        }
        case 'write':
        case 'pwrite':
        case 'swrite': {
          // The proxy reads the bytes, then the shadow refuses an empty write or one over MAX_REMOTE_BUF_SIZE
          // (EINVAL); a negative length fails the proxy's malloc before it reads anything (NO_MEMORY).
          const { length } = request;
          if (length < 0) return { code: ChirpError.NoMemory };
          if (length === 0) return { code: ChirpError.InvalidRequest };
          if (length > MAX_REMOTE_BUF_SIZE) return { discard: length, code: ChirpError.InvalidRequest };
          const query = placement(request);
          return {
            receiveFirst: {
              length,
              then: async (bytes) => {
                try {
                  return { code: await client.writeRunDescriptor(jobId, runId, request.fd, query, bytes) };
                } catch (err) {
                  log.info({ err, request: request.kind }, 'chirp request not carried out');
                  return { code: failureCode(err) };
                }
              },
            },
          };
        }
        case 'whoami':
        case 'whoareyou': {
          const answer = whoAnswer(request.kind === 'whoami' ? 'CONDOR' : 'UNKNOWN', request.length);
          return 'value' in answer ? answer : { code: chirpCodeOfErrno(answer.errno) };
        }
      }
    },
  };
}
