// parseSubmitFile + expandProcs: the submit description → one job ad per proc.
import { posix } from 'node:path';
import type { ClassAd } from '../classad/index.js';
import type { SubmitContext } from './context.js';
import { submitError, type SourcePos } from './errors.js';
import { buildJobAd, type CommandValue, type CustomAttribute } from './jobad.js';
import { MacroExpander, substituteSelfReference } from './macros.js';
import { parseSubmitText, type ParsedSubmit } from './parser.js';
import { applySlice, matchFiles, splitRow, type ItemRow, type QueueStatement } from './queue.js';

export type { ParsedSubmit } from './parser.js';

/** Syntax-level parse; -append lines go in before the first queue statement. */
export function parseSubmitFile(text: string, ctx: SubmitContext): ParsedSubmit {
  return parseSubmitText(text, ctx.fileName, ctx.appendLines);
}

interface Definition {
  /** As written, minus a leading `+` / `MY.` for custom attributes. */
  name: string;
  value: string;
  pos: SourcePos;
  custom: boolean;
}

/** `+Foo` and `MY.Foo` are the same custom attribute, stored under `my.foo`. */
function definitionKey(name: string): { key: string; attribute: string; custom: boolean } {
  if (name.startsWith('+')) return { key: `my.${name.slice(1).toLowerCase()}`, attribute: name.slice(1), custom: true };
  if (/^my\./i.test(name)) return { key: name.toLowerCase(), attribute: name.slice(3), custom: true };
  return { key: name.toLowerCase(), attribute: name, custom: false };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Macros every statement can see (lower-case names). */
function submissionMacros(clusterId: number, ctx: SubmitContext, now: Date): Map<string, string> {
  return new Map([
    ['cluster', String(clusterId)],
    ['clusterid', String(clusterId)],
    ['submit_file', ctx.fileName],
    ['submit_time', String(Math.floor(now.getTime() / 1000))],
    ['year', String(now.getFullYear())],
    ['month', pad2(now.getMonth() + 1)],
    ['day', pad2(now.getDate())],
  ]);
}

/**
 * Expands the parsed description into one job ad per proc (ProcId 0..n-1), walking the
 * statements in order so each queue statement sees the commands set before it.
 */
/** The most procs one submit file may queue, like HTCondor's MAX_JOBS_PER_SUBMISSION. */
export const MAX_PROCS_PER_SUBMISSION = 1_000_000;

export function expandProcs(parsed: ParsedSubmit, clusterId: number, ctx: SubmitContext): ClassAd[] {
  const ads: ClassAd[] = [];
  forEachProc(parsed, clusterId, ctx, (ad) => ads.push(ad));
  return ads;
}

/** Builds the procs one at a time and hands each to `visit`, so a big submission is never all in memory; returns the count. */
export function forEachProc(parsed: ParsedSubmit, clusterId: number, ctx: SubmitContext, visit: (ad: ClassAd) => void): number {
  const now = ctx.now ?? new Date();
  const qdate = Math.floor(now.getTime() / 1000);
  const fixedMacros = submissionMacros(clusterId, ctx, now);
  const definitions = new Map<string, Definition>();
  let procs = 0;

  for (const statement of parsed.statements) {
    if (statement.kind === 'assign') {
      const { key, attribute, custom } = definitionKey(statement.name);
      const previous = definitions.get(key);
      const value = substituteSelfReference(key, statement.value, previous?.value);
      // Like HTCondor's submit hash, a redefinition keeps the name's first spelling.
      definitions.set(key, { name: previous?.name ?? attribute, value, pos: statement.pos, custom });
      continue;
    }
    const queueExpander = new MacroExpander({
      lookup: (name) => fixedMacros.get(name) ?? definitions.get(name)?.value,
      env: ctx.env,
    });
    const count = queueCount(statement.queue, queueExpander, statement.pos);
    const rows = itemRows(statement.queue, queueExpander, statement.pos, ctx);
    if (procs + rows.length * count > MAX_PROCS_PER_SUBMISSION) {
      throw submitError(statement.pos, `this submission would queue more than ${MAX_PROCS_PER_SUBMISSION} jobs (MAX_JOBS_PER_SUBMISSION)`);
    }
    rows.forEach((row, itemIndex) => {
      for (let step = 0; step < count; step++) {
        const procId = procs++;
        const live = new Map(fixedMacros);
        for (const [name, value] of [
          ['process', String(procId)],
          ['procid', String(procId)],
          ['jobid', `${clusterId}.${procId}`],
          ['step', String(step)],
          ['itemindex', String(itemIndex)],
          ['row', String(itemIndex)],
        ]) {
          live.set(name!, value!);
        }
        for (const [name, value] of Object.entries(row)) live.set(name.toLowerCase(), value);
        visit(buildProc(definitions, live, { clusterId, procId, qdate, queuePos: statement.pos, ctx }));
      }
    });
  }
  return procs;
}

function buildProc(
  definitions: ReadonlyMap<string, Definition>,
  live: ReadonlyMap<string, string>,
  ids: { clusterId: number; procId: number; qdate: number; queuePos: SourcePos; ctx: SubmitContext },
): ClassAd {
  const expander = new MacroExpander({
    lookup: (name) => live.get(name) ?? definitions.get(name)?.value,
    env: ids.ctx.env,
  });
  const command = (names: readonly string[]): CommandValue | undefined => {
    for (const name of names) {
      const definition = definitions.get(name);
      if (definition && !definition.custom) {
        return { value: expander.expand(definition.value, definition.pos).trim(), pos: definition.pos };
      }
    }
    return undefined;
  };
  const customAttributes: CustomAttribute[] = [...definitions.values()]
    .filter((definition) => definition.custom)
    .map((definition) => ({
      name: definition.name,
      value: expander.expand(definition.value, definition.pos).trim(),
      pos: definition.pos,
    }));
  return buildJobAd({ command, customAttributes, ...ids });
}

function queueCount(queue: QueueStatement, expander: MacroExpander, pos: SourcePos): number {
  if (queue.count === null) return 1;
  const text = expander.expand(queue.count, pos).trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw submitError(pos, `queue count must be a non-negative integer, got "${text}"`);
  }
  return Number(text);
}

function itemRows(queue: QueueStatement, expander: MacroExpander, pos: SourcePos, ctx: SubmitContext): ItemRow[] {
  const source = queue.source;
  const [firstVar] = queue.vars;
  switch (source.kind) {
    case 'none':
      return [{}];
    case 'in': {
      const items = source.items.map((item) => expander.expand(item, pos));
      return applySlice(items, source.slice).map((item) => ({ [firstVar!]: item }));
    }
    case 'matching': {
      const patterns = source.patterns.map((pattern) => expander.expand(pattern, pos));
      const listDir = (dir: string) => {
        const absolute = posix.resolve(ctx.submitDir, dir || '.');
        try {
          return ctx.listDir(absolute);
        } catch (err) {
          throw submitError(pos, `cannot list directory "${absolute}": ${(err as Error).message}`);
        }
      };
      return applySlice(matchFiles(patterns, source.select, listDir), source.slice).map((name) => ({ [firstVar!]: name }));
    }
    case 'from': {
      const lines = 'lines' in source ? source.lines : readItemFile(expander.expand(source.file, pos), pos, ctx);
      return applySlice(lines, source.slice).map((line) => splitRow(line, queue.vars));
    }
  }
}

function readItemFile(file: string, pos: SourcePos, ctx: SubmitContext): string[] {
  const path = posix.resolve(ctx.submitDir, file);
  let text: string;
  try {
    text = ctx.readFile(path);
  } catch (err) {
    throw submitError(pos, `cannot read queue items from "${path}": ${(err as Error).message}`);
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
