// The `queue` statement: its syntax and the item rows it produces.
import { wildcardMatch } from './wildcard.js';
import { submitError, type SourcePos } from './errors.js';

export interface Slice {
  start?: number;
  stop?: number;
  step?: number;
}

export type ItemSource =
  | { kind: 'none' }
  | { kind: 'in'; slice?: Slice; items: string[] }
  | { kind: 'from'; slice?: Slice; file: string }
  | { kind: 'from'; slice?: Slice; lines: string[] }
  | { kind: 'matching'; slice?: Slice; select: 'files' | 'dirs' | 'any'; patterns: string[] };

export interface QueueStatement {
  /** Count as written (digits or a macro); null means 1. Evaluated per statement at expansion. */
  count: string | null;
  /** Loop variable names; `Item` when none are given and there is a list. */
  vars: string[];
  source: ItemSource;
}

/** One row of items: values for the loop variables. */
export type ItemRow = Record<string, string>;

const KEYWORD = /(^|[\s,])(in|from|matching)(?=[\s([]|$)/i;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const COUNT = /^(\d+|.*\$\(.*\).*)$/;

/** True when a logical line is a queue statement rather than `queue = value`. */
export function isQueueLine(line: string): boolean {
  return /^queue(\s|$)/i.test(line) && !/^queue\s*=/i.test(line);
}

/** True when the list of a queue line continues on the following lines. */
export function opensMultiLineList(line: string): boolean {
  const open = line.indexOf('(');
  if (open < 0 || !KEYWORD.test(line.slice(0, open))) return false;
  return !line.slice(open).trimEnd().endsWith(')');
}

function parseSlice(text: string, pos: SourcePos): Slice {
  const parts = text.slice(1, -1).split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw submitError(pos, `invalid slice "${text}" in queue statement (expected [start:stop] or [start:stop:step])`);
  }
  const numbers = parts.map((part) => {
    const trimmed = part.trim();
    if (trimmed === '') return undefined;
    if (!/^-?\d+$/.test(trimmed)) throw submitError(pos, `invalid slice "${text}" in queue statement`);
    return Number(trimmed);
  });
  if (numbers[2] === 0) throw submitError(pos, `invalid slice "${text}" in queue statement (step is 0)`);
  const slice: Slice = {};
  if (numbers[0] !== undefined) slice.start = numbers[0];
  if (numbers[1] !== undefined) slice.stop = numbers[1];
  if (numbers[2] !== undefined) slice.step = numbers[2];
  return slice;
}

/** Python slice semantics, as HTCondor uses for queue lists. */
export function applySlice<T>(items: readonly T[], slice: Slice | undefined): T[] {
  if (!slice) return [...items];
  const length = items.length;
  const step = slice.step ?? 1;
  const clamp = (value: number | undefined, fallback: number, low: number, high: number): number => {
    if (value === undefined) return fallback;
    const index = value < 0 ? value + length : value;
    return Math.min(Math.max(index, low), high);
  };
  const result: T[] = [];
  if (step > 0) {
    const start = clamp(slice.start, 0, 0, length);
    const stop = clamp(slice.stop, length, 0, length);
    for (let i = start; i < stop; i += step) result.push(items[i]!);
  } else {
    const start = clamp(slice.start, length - 1, -1, length - 1);
    const stop = clamp(slice.stop, -1, -1, length - 1);
    for (let i = start; i > stop; i += step) result.push(items[i]!);
  }
  return result;
}

function takeSlice(text: string, pos: SourcePos): { slice?: Slice; rest: string } {
  if (!text.startsWith('[')) return { rest: text };
  const close = text.indexOf(']');
  if (close < 0) throw submitError(pos, `unterminated slice "${text}" in queue statement`);
  return { slice: parseSlice(text.slice(0, close + 1), pos), rest: text.slice(close + 1).trim() };
}

/** Splits an `in`/`matching` list on commas and whitespace. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

/** Lines of a `( … )` list: the text inside the parentheses, `#` lines skipped. */
function listLines(text: string, continuation: readonly string[] | null, pos: SourcePos): string[] | null {
  if (!text.startsWith('(')) return null;
  const inline = text.slice(1);
  if (continuation === null && !inline.trimEnd().endsWith(')')) {
    throw submitError(pos, 'queue statement has "(" without a closing ")"');
  }
  const lines = continuation === null ? [inline.trimEnd().slice(0, -1)] : [inline, ...continuation];
  return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Parses the text of a queue statement. `continuation` holds the lines between a
 * trailing `(` and the closing `)` line of a multi-line list (null for one line).
 */
export function parseQueueStatement(line: string, continuation: readonly string[] | null, pos: SourcePos): QueueStatement {
  const rest = line.replace(/^queue/i, '').trim();
  const keywordMatch = KEYWORD.exec(rest);
  const head = keywordMatch ? rest.slice(0, keywordMatch.index + keywordMatch[1]!.length) : rest;
  const headWords = splitList(head);
  let count: string | null = null;
  if (headWords.length > 0 && COUNT.test(headWords[0]!) && !VAR_NAME.test(headWords[0]!)) {
    count = headWords.shift()!;
  }
  if (!keywordMatch) {
    if (headWords.length > 0) {
      throw submitError(pos, `invalid queue statement "${line.trim()}" (expected queue [count] [vars in|from|matching list])`);
    }
    return { count, vars: [], source: { kind: 'none' } };
  }
  for (const name of headWords) {
    if (!VAR_NAME.test(name)) throw submitError(pos, `invalid loop variable name "${name}" in queue statement`);
  }
  const keyword = keywordMatch[2]!.toLowerCase();
  let tail = rest.slice(keywordMatch.index + keywordMatch[0].length).trim();
  const vars = headWords.length > 0 ? headWords : ['Item'];

  let select: 'files' | 'dirs' | 'any' = 'any';
  if (keyword === 'matching') {
    const selectMatch = /^(files|dirs)(?=\s|\[|$)/i.exec(tail);
    if (selectMatch) {
      select = selectMatch[1]!.toLowerCase() as 'files' | 'dirs';
      tail = tail.slice(selectMatch[0].length).trim();
    }
  }
  const { slice, rest: listText } = takeSlice(tail, pos);
  const lines = listLines(listText, continuation, pos);
  const sliceField = slice ? { slice } : {};

  if (keyword === 'from') {
    if (lines) return { count, vars, source: { kind: 'from', ...sliceField, lines } };
    if (listText === '') throw submitError(pos, 'queue ... from needs a file name or a ( … ) list');
    if (listText.endsWith('|')) {
      throw submitError(pos, `queue ... from a command ("${listText}") is not supported`);
    }
    return { count, vars, source: { kind: 'from', ...sliceField, file: listText } };
  }
  const items = lines ? lines.flatMap(splitList) : splitList(listText);
  if (keyword === 'matching') {
    if (items.length === 0) throw submitError(pos, 'queue ... matching needs at least one file pattern');
    if (vars.length > 1) throw submitError(pos, 'queue ... matching takes at most one loop variable');
    return { count, vars, source: { kind: 'matching', ...sliceField, select, patterns: items } };
  }
  if (vars.length > 1) throw submitError(pos, 'queue ... in takes at most one loop variable (use from for several)');
  return { count, vars, source: { kind: 'in', ...sliceField, items } };
}

/** Splits a `from` line into the loop variables; the last variable takes the remainder. */
export function splitRow(line: string, vars: readonly string[]): ItemRow {
  const row: ItemRow = {};
  let remaining = line.trim();
  vars.forEach((name, index) => {
    if (index === vars.length - 1) {
      row[name] = remaining;
      return;
    }
    const match = /^([^\s,]*)[\s,]*/.exec(remaining)!;
    row[name] = match[1]!;
    remaining = remaining.slice(match[0].length);
  });
  return row;
}


export interface DirEntry {
  name: string;
  isDir: boolean;
}

/**
 * Matches file patterns (`*`, `?`; an optional directory part without wildcards)
 * against directory listings; results are sorted and unique.
 */
export function matchFiles(
  patterns: readonly string[],
  select: 'files' | 'dirs' | 'any',
  listDir: (relativeDir: string) => DirEntry[],
): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const slash = pattern.lastIndexOf('/');
    const dir = slash < 0 ? '' : pattern.slice(0, slash + 1);
    const namePattern = pattern.slice(slash + 1);
    for (const entry of listDir(dir)) {
      if (select === 'files' && entry.isDir) continue;
      if (select === 'dirs' && !entry.isDir) continue;
      if (entry.name.startsWith('.') && !namePattern.startsWith('.')) continue;
      if (wildcardMatch(namePattern, entry.name)) found.add(dir + entry.name);
    }
  }
  return [...found].sort();
}
