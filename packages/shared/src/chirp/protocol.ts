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
  | { kind: 'set_job_attr_delayed'; name: string; expr: string }
  | { kind: 'set_job_attr'; name: string; expr: string }
  | { kind: 'get_job_attr'; name: string }
  | { kind: 'get_job_attr_delayed'; name: string }
  | { kind: 'constrain'; expr: string }
  | { kind: 'ulog'; text: string }
  | { kind: 'unlink'; path: string }
  | { kind: 'getfile'; path: string }
  | { kind: 'putfile'; path: string; mode: number; length: number }
  | { kind: 'getlongdir'; path: string }
  | { kind: 'getdir'; path: string }
  | { kind: 'whoami'; length: number }
  | { kind: 'whoareyou'; host: string; length: number }
  | { kind: 'version' }
  | { kind: 'invalid' };

/**
 * Decodes an authenticated request line as handle_standard_request tries its commands: in its order,
 * each only if its flag allows it, the first that scans in full wins (so, as there, with updates
 * allowed `get_job_attr_delayed X` reads as get_job_attr of `_delayed`). Of the file commands (allowed by
 * `files`) tinycondor carries out unlink, getfile, putfile, getlongdir, getdir, whoami and whoareyou; the
 * others (open and what works on its descriptors, rename, mkdir, rmdir, rmall, stat, link, …) are invalid,
 * as on a proxy that does not know them.
 */
export function parseChirpRequest(line: string, allowed: ChirpEnablement): ChirpRequest {
  const scan = (fmt: string, count: number): string[] | undefined => {
    const values = scanChirp(line, fmt);
    return values.length === count ? values.map(String) : undefined;
  };
  let words: string[] | undefined;
  if (allowed.files && (words = scan('unlink %s', 1))) return { kind: 'unlink', path: words[0] };
  if (allowed.delayed && (words = scan('set_job_attr_delayed %s %s', 2))) return { kind: 'set_job_attr_delayed', name: words[0], expr: words[1] };
  if (allowed.updates && (words = scan('set_job_attr %s %s', 2))) return { kind: 'set_job_attr', name: words[0], expr: words[1] };
  if (allowed.updates && (words = scan('get_job_attr %s', 1))) return { kind: 'get_job_attr', name: words[0] };
  if (allowed.delayed && (words = scan('get_job_attr_delayed %s', 1))) return { kind: 'get_job_attr_delayed', name: words[0] };
  if (allowed.updates && (words = scan('constrain %s', 1))) return { kind: 'constrain', expr: words[0] };
  if (allowed.updates && (words = scan('ulog %s', 1))) return { kind: 'ulog', text: words[0] };
  if (allowed.files && (words = scan('getfile %s', 1))) return { kind: 'getfile', path: words[0] };
  if (allowed.files && (words = scan('putfile %s %d %d', 3))) return { kind: 'putfile', path: words[0], mode: toInt(words[1]), length: toInt(words[2]) };
  if (allowed.files && (words = scan('getlongdir %s', 1))) return { kind: 'getlongdir', path: words[0] };
  if (allowed.files && (words = scan('getdir %s', 1))) return { kind: 'getdir', path: words[0] };
  if (allowed.files && (words = scan('whoami %d', 1))) return { kind: 'whoami', length: toInt(words[0]) };
  if (allowed.files && (words = scan('whoareyou %s %d', 2))) return { kind: 'whoareyou', host: words[0], length: toInt(words[1]) };
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
