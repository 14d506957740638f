import { ClassAdParseError } from './errors.js';

export type TokenKind = 'int' | 'real' | 'string' | 'name' | 'quoted-name' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Operator or name text; decoded contents for strings and quoted names. */
  readonly text: string;
  /** Numeric value of int/real tokens. */
  readonly number: number;
  /** 0-based offset of the token's first character in the source. */
  readonly pos: number;
}

// Longest first, so that e.g. `>>>` wins over `>>` and `>`.
const OPERATORS = [
  '>>>', '=?=', '=!=',
  '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+', '-', '*', '/', '%', '<', '>', '!', '~', '&', '|', '^', '?', ':',
  '(', ')', '[', ']', '{', '}', ',', ';', '.', '=',
];

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07',
  '\\': '\\', '"': '"', "'": "'", '?': '?', '/': '/',
};

const MAX_INT64 = 9223372036854775807;

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isHexDigit = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);
const isNameStart = (c: string): boolean => /^[A-Za-z_]$/.test(c);
const isNameChar = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);

function describeChar(c: string): string {
  return JSON.stringify(c).slice(1, -1) === c ? `'${c}'` : JSON.stringify(c);
}

/**
 * Splits ClassAd expression text into tokens; linear in the input length. `oldSyntax`: strings and quoted
 * names as HTCondor's old-ClassAd lexer reads them (Lexer::tokenizeStringOld), without escape sequences.
 */
export function tokenize(source: string, oldSyntax = false): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === '.' && i + 1 < n && isDigit(source[i + 1]))) {
      const token = lexNumber(source, start);
      tokens.push(token);
      i = start + token.text.length;
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && isNameChar(source[i])) i++;
      tokens.push({ kind: 'name', text: source.slice(start, i), number: 0, pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      const { text, end } = oldSyntax ? lexQuotedOld(source, start) : lexQuoted(source, start);
      tokens.push({ kind: c === '"' ? 'string' : 'quoted-name', text, number: 0, pos: start });
      i = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op === undefined) {
      throw new ClassAdParseError(`syntax error at column ${start + 1}: unexpected ${describeChar(c)}`, start);
    }
    tokens.push({ kind: 'op', text: op, number: 0, pos: start });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', number: 0, pos: n });
  return tokens;
}

function lexNumber(source: string, start: number): Token {
  let i = start;
  const n = source.length;
  if (source[i] === '0' && (source[i + 1] === 'x' || source[i + 1] === 'X')) {
    i += 2;
    const digitsStart = i;
    while (i < n && isHexDigit(source[i])) i++;
    if (i === digitsStart) malformedNumber(source, start, i);
    checkNumberEnd(source, start, i);
    const text = source.slice(start, i);
    return { kind: 'int', text, number: clampInt(Number.parseInt(text.slice(2), 16)), pos: start };
  }
  let isReal = false;
  while (i < n && isDigit(source[i])) i++;
  if (source[i] === '.') {
    isReal = true;
    i++;
    while (i < n && isDigit(source[i])) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    isReal = true;
    i++;
    if (source[i] === '+' || source[i] === '-') i++;
    const exponentStart = i;
    while (i < n && isDigit(source[i])) i++;
    if (i === exponentStart) malformedNumber(source, start, i);
  }
  checkNumberEnd(source, start, i);
  const text = source.slice(start, i);
  return { kind: isReal ? 'real' : 'int', text, number: isReal ? Number(text) : clampInt(Number(text)), pos: start };
}

/** Out-of-range integer literals saturate like strtoll does. */
function clampInt(x: number): number {
  return Math.min(x, MAX_INT64);
}

function checkNumberEnd(source: string, start: number, end: number): void {
  if (end < source.length && isNameChar(source[end])) malformedNumber(source, start, end + 1);
}

function malformedNumber(source: string, start: number, end: number): never {
  throw new ClassAdParseError(
    `syntax error at column ${start + 1}: malformed number '${source.slice(start, end)}'`,
    start,
  );
}

function lexQuoted(source: string, start: number): { text: string; end: number } {
  const quote = source[start];
  let out = '';
  let i = start + 1;
  let runStart = i;
  while (i < source.length) {
    const c = source[i];
    if (c === quote) {
      return { text: out + source.slice(runStart, i), end: i + 1 };
    }
    if (c !== '\\') {
      i++;
      continue;
    }
    out += source.slice(runStart, i);
    const next = source[i + 1];
    if (next === undefined) break;
    if (SIMPLE_ESCAPES[next] !== undefined) {
      out += SIMPLE_ESCAPES[next];
      i += 2;
    } else if (next >= '0' && next <= '7') {
      // A run of octal escapes is bytes: the new-syntax unparser writes each byte of a non-ASCII character so.
      const bytes: number[] = [];
      while (source[i] === '\\' && source[i + 1] >= '0' && source[i + 1] <= '7') {
        let j = i + 1;
        while (j < source.length && j < i + 4 && source[j] >= '0' && source[j] <= '7') j++;
        bytes.push(Number.parseInt(source.slice(i + 1, j), 8) & 0xff);
        i = j;
      }
      out += decodeBytes(bytes);
    } else {
      // Unknown escapes keep their backslash so Windows-style paths survive.
      out += '\\' + next;
      i += 2;
    }
    runStart = i;
  }
  throw unterminated(quote, start);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Octal-escaped bytes as text: UTF-8 when they are, else one character per byte. */
function decodeBytes(bytes: number[]): string {
  if (bytes.some((b) => b >= 0x80)) {
    try {
      return strictUtf8.decode(Uint8Array.from(bytes));
    } catch {
      // Not UTF-8: each byte stands for itself.
    }
  }
  return String.fromCharCode(...bytes);
}

/**
 * Lexer::tokenizeStringOld: a backslash is an ordinary character, except that a backslash before the
 * closing quote makes the quote part of the string, unless nothing but a newline follows that quote
 * (then the string ends with the backslash, as the old unparser writes `a\`).
 */
function lexQuotedOld(source: string, start: number): { text: string; end: number } {
  const quote = source[start];
  let out = '';
  let from = start + 1;
  for (;;) {
    const close = source.indexOf(quote, from);
    if (close < 0) throw unterminated(quote, start);
    const after = source[close + 1];
    if (source[close - 1] !== '\\' || after === undefined || after === '\n') {
      return { text: out + source.slice(from, close), end: close + 1 };
    }
    out += source.slice(from, close - 1) + quote;
    from = close + 1;
  }
}

function unterminated(quote: string, start: number): ClassAdParseError {
  const what = quote === '"' ? 'string' : 'quoted attribute name';
  return new ClassAdParseError(`syntax error at column ${start + 1}: unterminated ${what}`, start);
}
