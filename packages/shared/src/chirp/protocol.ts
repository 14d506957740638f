// The Chirp line protocol between a job (condor_chirp) and the starter's I/O proxy, as HTCondor's
// src/condor_chirp/chirp_protocol.h, chirp_client.c and src/condor_starter.V6.1/io_proxy_handler.cpp define it.

/** CHIRP_LINE_MAX: the longest request line the proxy reads; a longer one gets TOO_BIG and the connection closes. */
export const CHIRP_LINE_MAX = 5120;
/** CHIRP_VERSION, the reply to `version`. */
export const CHIRP_VERSION = 2;

/** chirp_protocol.h's CHIRP_ERROR_* codes, each the whole reply line of a failed request. */
export const ChirpError = {
  NotAuthenticated: -1,
  NotAuthorized: -2,
  DoesntExist: -3,
  AlreadyExists: -4,
  TooBig: -5,
  NoSpace: -6,
  NoMemory: -7,
  InvalidRequest: -8,
  TooManyOpen: -9,
  Busy: -10,
  TryAgain: -11,
  BadFd: -12,
  IsDir: -13,
  NotDir: -14,
  NotEmpty: -15,
  CrossDeviceLink: -16,
  Offline: -17,
  Unknown: -127,
} as const;

/**
 * What chirp_client.c's convert_result sets errno to for an error reply (Linux numbers, strerror's words),
 * which condor_chirp prints as "\tError: N (words)". Unknown (-127) has none: the client aborts.
 */
const CLIENT_ERRNO: ReadonlyMap<number, { errno: number; message: string }> = new Map([
  [ChirpError.NotAuthenticated, { errno: 13, message: 'Permission denied' }],
  [ChirpError.NotAuthorized, { errno: 13, message: 'Permission denied' }],
  [ChirpError.DoesntExist, { errno: 2, message: 'No such file or directory' }],
  [ChirpError.AlreadyExists, { errno: 17, message: 'File exists' }],
  [ChirpError.TooBig, { errno: 27, message: 'File too large' }],
  [ChirpError.NoSpace, { errno: 28, message: 'No space left on device' }],
  [ChirpError.NoMemory, { errno: 12, message: 'Cannot allocate memory' }],
  [ChirpError.InvalidRequest, { errno: 22, message: 'Invalid argument' }],
  [ChirpError.TooManyOpen, { errno: 24, message: 'Too many open files' }],
  [ChirpError.Busy, { errno: 16, message: 'Device or resource busy' }],
  [ChirpError.TryAgain, { errno: 11, message: 'Resource temporarily unavailable' }],
  [ChirpError.BadFd, { errno: 9, message: 'Bad file descriptor' }],
  [ChirpError.IsDir, { errno: 21, message: 'Is a directory' }],
  [ChirpError.NotDir, { errno: 20, message: 'Not a directory' }],
  [ChirpError.NotEmpty, { errno: 39, message: 'Directory not empty' }],
  [ChirpError.CrossDeviceLink, { errno: 18, message: 'Invalid cross-device link' }],
  [ChirpError.Offline, { errno: 110, message: 'Connection timed out' }],
]);

/** The errno a client sees for an error reply; undefined for Unknown (fatal) and for codes convert_result leaves errno alone for. */
export function clientErrno(code: number): { errno: number; message: string } | undefined {
  return CLIENT_ERRNO.get(code);
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/**
 * sscanf_chirp: matches `input` against `fmt`, where `%s` reads a word (a backslash takes the next
 * character as it is, so escaped whitespace stays in the word), `%d` a decimal (strtol), `%%` a %, a
 * space any run of whitespace, and any other character itself. Like sscanf, returns what it parsed
 * before the first mismatch; text after the format is not looked at.
 */
export function scanChirp(input: string, fmt: string): (string | number)[] {
  const parsed: (string | number)[] = [];
  let i = 0;
  let f = 0;
  while (i < input.length && f < fmt.length) {
    if (fmt[f] === '%') {
      const directive = fmt[f + 1];
      f += 2;
      if (directive === 'd') {
        const match = /^[ \t\n\v\f\r]*[+-]?\d+/.exec(input.slice(i));
        if (!match) return parsed;
        parsed.push(Number.parseInt(match[0].trim(), 10));
        i += match[0].length;
      } else if (directive === 's') {
        let word = '';
        while (i < input.length && !isSpace(input[i])) {
          if (input[i] === '\\') {
            i++;
            if (i >= input.length) break;
          }
          word += input[i++];
        }
        parsed.push(word);
      } else if (directive === '%') {
        if (input[i] !== '%') return parsed;
        i++;
      } else {
        return parsed;
      }
    } else if (isSpace(fmt[f])) {
      while (i < input.length && isSpace(input[i])) i++;
      while (f < fmt.length && isSpace(fmt[f])) f++;
    } else {
      if (input[i] !== fmt[f]) return parsed;
      i++;
      f++;
    }
  }
  return parsed;
}

/** vsprintf_chirp's `%s`: a word with space, tab, newline, carriage return and backslash escaped by a backslash. */
export function escapeChirpWord(word: string): string {
  return word.replace(/[ \t\n\r\\]/g, (c) => `\\${c}`);
}

/** What each enable flag of an I/O proxy handler allows (IOProxyHandler's m_enable_files, m_enable_updates, m_enable_delayed). */
export interface ChirpEnablement {
  files: boolean;
  updates: boolean;
  delayed: boolean;
}

/** A request the proxy acts on; `invalid` is answered INVALID_REQUEST, as every line no enabled command matches. */
export type ChirpRequest =
  | { kind: 'open'; path: string; flags: string; mode: number }
  | { kind: 'close' | 'fsync' | 'fstat' | 'fstatfs'; fd: number }
  | { kind: 'lseek'; fd: number; offset: number; whence: number }
  | { kind: 'unlink' | 'rmdir' | 'rmall' | 'stat' | 'lstat' | 'statfs' | 'lookup'; path: string }
  | { kind: 'rename' | 'link' | 'symlink'; path: string; newPath: string }
  | { kind: 'mkdir' | 'access' | 'chmod'; path: string; mode: number }
  | { kind: 'set_job_attr_delayed'; name: string; expr: string }
  | { kind: 'set_job_attr'; name: string; expr: string }
  | { kind: 'get_job_attr'; name: string }
  | { kind: 'get_job_attr_delayed'; name: string }
  | { kind: 'constrain'; expr: string }
  | { kind: 'read' | 'write'; fd: number; length: number }
  | { kind: 'ulog'; text: string }
  | { kind: 'pread' | 'pwrite'; fd: number; length: number; offset: number }
  | { kind: 'sread' | 'swrite'; fd: number; length: number; offset: number; strideLength: number; strideSkip: number }
  | { kind: 'fchown'; fd: number; uid: number; gid: number }
  | { kind: 'fchmod'; fd: number; mode: number }
  | { kind: 'ftruncate'; fd: number; length: number }
  | { kind: 'getfile'; path: string }
  | { kind: 'putfile'; path: string; mode: number; length: number }
  | { kind: 'getlongdir'; path: string }
  | { kind: 'getdir'; path: string }
  | { kind: 'whoami'; length: number }
  | { kind: 'whoareyou'; host: string; length: number }
  | { kind: 'readlink'; path: string; length: number }
  | { kind: 'chown' | 'lchown'; path: string; uid: number; gid: number }
  | { kind: 'truncate'; path: string; length: number }
  | { kind: 'utime'; path: string; actime: number; mtime: number }
  | { kind: 'version' }
  | { kind: 'invalid' };

/** The requests that work on a descriptor the job opened (open's number): the submit side keeps them per run. */
export type DescriptorRequest = Extract<ChirpRequest, { fd: number }>;

/**
 * Decodes an authenticated request line as handle_standard_request tries its commands: in its order,
 * each only if its flag allows it, the first that scans in full wins (so, as there, with updates
 * allowed `get_job_attr_delayed X` reads as get_job_attr of `_delayed`). As there, a line that starts `lseek`
 * with a descriptor is lseek's, whatever follows: without a whence of 0, 1 or 2 it is invalid.
 */
export function parseChirpRequest(line: string, allowed: ChirpEnablement): ChirpRequest {
  const scan = (fmt: string, count: number): string[] | undefined => {
    const values = scanChirp(line, fmt);
    return values.length === count ? values.map(String) : undefined;
  };
  const files = allowed.files;
  let w: string[] | undefined;
  if (files && (w = scan('open %s %s %d', 3))) return { kind: 'open', path: w[0], flags: w[1], mode: toInt(w[2]) };
  if (files && (w = scan('close %d', 1))) return { kind: 'close', fd: toInt(w[0]) };
  if (files) {
    const lseek = scanChirp(line, 'lseek %d %d %d');
    if (lseek.length > 0) {
      const [fd, offset, whence] = lseek.map((n) => toInt(String(n)));
      return lseek.length === 3 && whence >= 0 && whence <= 2 ? { kind: 'lseek', fd, offset, whence } : { kind: 'invalid' };
    }
  }
  if (files && (w = scan('unlink %s', 1))) return { kind: 'unlink', path: w[0] };
  if (files && (w = scan('rename %s %s', 2))) return { kind: 'rename', path: w[0], newPath: w[1] };
  if (files && (w = scan('mkdir %s %d', 2))) return { kind: 'mkdir', path: w[0], mode: toInt(w[1]) };
  if (files && (w = scan('rmdir %s', 1))) return { kind: 'rmdir', path: w[0] };
  if (files && (w = scan('fsync %d', 1))) return { kind: 'fsync', fd: toInt(w[0]) };
  if (files && (w = scan('lookup %s', 1))) return { kind: 'lookup', path: w[0] };
  if (allowed.delayed && (w = scan('set_job_attr_delayed %s %s', 2))) return { kind: 'set_job_attr_delayed', name: w[0], expr: w[1] };
  if (allowed.updates && (w = scan('set_job_attr %s %s', 2))) return { kind: 'set_job_attr', name: w[0], expr: w[1] };
  if (allowed.updates && (w = scan('get_job_attr %s', 1))) return { kind: 'get_job_attr', name: w[0] };
  if (allowed.delayed && (w = scan('get_job_attr_delayed %s', 1))) return { kind: 'get_job_attr_delayed', name: w[0] };
  if (allowed.updates && (w = scan('constrain %s', 1))) return { kind: 'constrain', expr: w[0] };
  if (files && (w = scan('read %d %d', 2))) return { kind: 'read', fd: toInt(w[0]), length: toInt(w[1]) };
  if (files && (w = scan('write %d %d', 2))) return { kind: 'write', fd: toInt(w[0]), length: toInt(w[1]) };
  if (allowed.updates && (w = scan('ulog %s', 1))) return { kind: 'ulog', text: w[0] };
  if (files && (w = scan('pread %d %d %d', 3))) return { kind: 'pread', fd: toInt(w[0]), length: toInt(w[1]), offset: toInt(w[2]) };
  if (files && (w = scan('pwrite %d %d %d', 3))) return { kind: 'pwrite', fd: toInt(w[0]), length: toInt(w[1]), offset: toInt(w[2]) };
  for (const kind of ['sread', 'swrite'] as const) {
    if (files && (w = scan(`${kind} %d %d %d %d %d`, 5))) {
      const [fd, length, offset, strideLength, strideSkip] = w.map(toInt);
      return { kind, fd, length, offset, strideLength, strideSkip };
    }
  }
  if (files && (w = scan('rmall %s', 1))) return { kind: 'rmall', path: w[0] };
  if (files && (w = scan('fstat %d', 1))) return { kind: 'fstat', fd: toInt(w[0]) };
  if (files && (w = scan('fstatfs %d', 1))) return { kind: 'fstatfs', fd: toInt(w[0]) };
  if (files && (w = scan('fchown %d %d %d', 3))) return { kind: 'fchown', fd: toInt(w[0]), uid: toInt(w[1]), gid: toInt(w[2]) };
  if (files && (w = scan('fchmod %d %d', 2))) return { kind: 'fchmod', fd: toInt(w[0]), mode: toInt(w[1]) };
  if (files && (w = scan('ftruncate %d %d', 2))) return { kind: 'ftruncate', fd: toInt(w[0]), length: toInt(w[1]) };
  if (files && (w = scan('getfile %s', 1))) return { kind: 'getfile', path: w[0] };
  if (files && (w = scan('putfile %s %d %d', 3))) return { kind: 'putfile', path: w[0], mode: toInt(w[1]), length: toInt(w[2]) };
  if (files && (w = scan('getlongdir %s', 1))) return { kind: 'getlongdir', path: w[0] };
  if (files && (w = scan('getdir %s', 1))) return { kind: 'getdir', path: w[0] };
  if (files && (w = scan('whoami %d', 1))) return { kind: 'whoami', length: toInt(w[0]) };
  if (files && (w = scan('whoareyou %s %d', 2))) return { kind: 'whoareyou', host: w[0], length: toInt(w[1]) };
  if (files && (w = scan('link %s %s', 2))) return { kind: 'link', path: w[0], newPath: w[1] };
  if (files && (w = scan('symlink %s %s', 2))) return { kind: 'symlink', path: w[0], newPath: w[1] };
  if (files && (w = scan('readlink %s %d', 2))) return { kind: 'readlink', path: w[0], length: toInt(w[1]) };
  if (files && (w = scan('statfs %s', 1))) return { kind: 'statfs', path: w[0] };
  if (files && (w = scan('stat %s', 1))) return { kind: 'stat', path: w[0] };
  if (files && (w = scan('lstat %s', 1))) return { kind: 'lstat', path: w[0] };
  if (files && (w = scan('access %s %d', 2))) return { kind: 'access', path: w[0], mode: toInt(w[1]) };
  if (files && (w = scan('chmod %s %d', 2))) return { kind: 'chmod', path: w[0], mode: toInt(w[1]) };
  if (files && (w = scan('chown %s %d %d', 3))) return { kind: 'chown', path: w[0], uid: toInt(w[1]), gid: toInt(w[2]) };
  if (files && (w = scan('lchown %s %d %d', 3))) return { kind: 'lchown', path: w[0], uid: toInt(w[1]), gid: toInt(w[2]) };
  if (files && (w = scan('truncate %s %d', 2))) return { kind: 'truncate', path: w[0], length: toInt(w[1]) };
  if (files && (w = scan('utime %s %d %d', 3))) return { kind: 'utime', path: w[0], actime: toInt(w[1]), mtime: toInt(w[2]) };
  if (allowed.updates && line.startsWith('version')) return { kind: 'version' };
  return { kind: 'invalid' };
}

/** A `%d` stored in a C int: strtol's long cut to 32 bits. */
const toInt = (decimal: string): number => Number(decimal) | 0;

/** The cookie line (handle_cookie_request's plain sscanf "cookie %s": no escapes), or undefined. */
export function presentedCookie(line: string): string | undefined {
  const match = /^cookie[ \t\n\v\f\r]*([^ \t\n\v\f\r]+)/.exec(line);
  return match?.[1];
}

/** set_job_attr_delayed refuses a value longer than this (ENAMETOOLONG, which the proxy answers UNKNOWN). */
export const MAX_DELAYED_VALUE_LENGTH = 993;

/** GenericEvent's info buffer (char[1024]): setInfoText keeps the first 1023 bytes of a ulog text. */
export const MAX_ULOG_TEXT_BYTES = 1023;

/** A ulog text cut as setInfoText cuts it, never inside a UTF-8 character. */
export function ulogInfoText(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_ULOG_TEXT_BYTES) return text;
  let end = MAX_ULOG_TEXT_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
