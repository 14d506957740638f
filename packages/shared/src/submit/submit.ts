// parseSubmitFile + expandProcs: the submit description → one job ad per proc.
import { posix } from 'node:path';
import type { ClassAd } from '../classad/index.js';
import type { FileProbe, SubmitContext } from './context.js';
import { submitError, type SourcePos, type SubmitError } from './errors.js';
import { ClusterAd, type ProcOverlay } from '../cluster-ad.js';
import { buildJobAd } from './jobad.js';
import { MacroExpander, substituteSelfReference } from './macros.js';
import { definedValue, PROC_MACROS, procInput, type Definition, type MacroValues, type QueueScope } from './proc-input.js';
import { ProcTemplate } from './proc-template.js';
import type { MacroUsage } from './usage.js';
import { parseSubmitText, type ParsedSubmit } from './parser.js';
import { applySlice, matchFiles, splitRow, type ItemRow, type QueueStatement } from './queue.js';

export type { ParsedSubmit } from './parser.js';

/** Syntax-level parse; -append lines go in before the first queue statement. */
export function parseSubmitFile(text: string, ctx: SubmitContext): ParsedSubmit {
  const additions = { appendLines: ctx.appendLines ?? [], variables: ctx.variables ?? [], ...(ctx.queueArgument === undefined ? {} : { queueArgument: ctx.queueArgument }) };
  return parseSubmitText(text, ctx.fileName, additions, ctx);
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
export function submissionMacros(clusterId: number, ctx: SubmitContext, now: Date): Map<string, string> {
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

/** The most procs one submit file may queue, like HTCondor's MAX_JOBS_PER_SUBMISSION. */
export const MAX_PROCS_PER_SUBMISSION = 1_000_000;

/** Expands the parsed description into one job ad per proc (ProcId 0..n-1). */
export function expandProcs(parsed: ParsedSubmit, clusterId: number, ctx: SubmitContext, usage?: MacroUsage): ClassAd[] {
  const ads: ClassAd[] = [];
  forEachProc(parsed, clusterId, ctx, (ad) => ads.push(ad), usage);
  return ads;
}

/**
 * Builds the procs one at a time and hands each to `visit`, so a big submission is never all in memory; returns
 * the count. `usage`, when given, learns which lines and queue variables were used.
 */
export function forEachProc(parsed: ParsedSubmit, clusterId: number, ctx: SubmitContext, visit: (ad: ClassAd) => void, usage?: MacroUsage): number {
  return walkProcs(parsed, clusterId, ctx, (scope, live, procId) => visit(buildJobAd(procInput(scope, live, procId))), usage);
}

/**
 * The procs as the schedd stores them: `visit` gets the cluster ad (the first proc's ad) and each proc's
 * overlay over it, the same as ClusterAd.overlayOf gives for the ad forEachProc builds. Only what differs
 * per proc is built for each (ProcTemplate); returns the count.
 */
export function forEachProcOverlay(
  parsed: ParsedSubmit,
  clusterId: number,
  ctx: SubmitContext,
  visit: (cluster: ClusterAd, overlay: ProcOverlay) => void,
  usage?: MacroUsage,
): number {
  let cluster: ClusterAd | undefined;
  let template: { scope: QueueScope; procs: ProcTemplate } | undefined;
  return walkProcs(parsed, clusterId, ctx, (scope, live, procId) => {
    if (template?.scope === scope) {
      visit(cluster as ClusterAd, template.procs.overlay(live, procId));
      return;
    }
    const procs = new ProcTemplate(scope, live, procId);
    const stored = procs.ad.toJSON();
    cluster ??= new ClusterAd(stored);
    procs.setCluster(cluster);
    template = { scope, procs };
    visit(cluster, cluster.overlayOf(stored));
  }, usage);
}

/** A proc's macros: its loop variables, then PROC_MACROS, then the submission's. */
export function procMacros(of: {
  fixedMacros: ReadonlyMap<string, string>;
  rowMacros: ReadonlyMap<string, string>;
  clusterId: number;
  procId: number;
  step: number;
  itemIndex: number;
}): MacroValues {
  return {
    get(name: string): string | undefined {
      const fromRow = of.rowMacros.get(name);
      if (fromRow !== undefined) return fromRow;
      switch (name) {
        case 'process':
        case 'procid':
          return String(of.procId);
        case 'jobid':
          return `${of.clusterId}.${of.procId}`;
        case 'step':
          return String(of.step);
        case 'itemindex':
        case 'row':
          return String(of.itemIndex);
        default:
          return of.fixedMacros.get(name);
      }
    },
  };
}

/** Walks the statements in order, so each queue statement sees the commands set before it; `visit` gets each proc's macros. */
function walkProcs(
  parsed: ParsedSubmit,
  clusterId: number,
  ctx: SubmitContext,
  visit: (scope: QueueScope, live: MacroValues, procId: number) => void,
  usage: MacroUsage | undefined,
): number {
  ctx = { ...ctx, probeFile: probedOnce(ctx) };
  const now = ctx.now ?? new Date();
  const qdate = Math.floor(now.getTime() / 1000);
  const fixedMacros = submissionMacros(clusterId, ctx, now);
  const definitions = new Map<string, Definition>();
  let procs = 0;

  for (const statement of parsed.statements) {
    if (statement.kind === 'assign') {
      define(definitions, statement);
      continue;
    }
    const { count, rows } = resolveQueue(statement, { definitions, fixedMacros, ctx, usage });
    if (procs + rows.length * count > MAX_PROCS_PER_SUBMISSION) throw tooManyProcs(statement.pos);
    const scope = queueScope(statement.queue.vars, statement.pos, { definitions, clusterId, qdate, ctx, usage });
    rows.forEach((row, itemIndex) => {
      const rowMacros = rowMacrosOf(row);
      for (let step = 0; step < count; step++) {
        const procId = procs++;
        visit(scope, procMacros({ fixedMacros, rowMacros, clusterId, procId, step, itemIndex }), procId);
      }
    });
  }
  usage?.setDefinitions(definitions);
  return procs;
}

export function tooManyProcs(pos: SourcePos): SubmitError {
  return submitError(pos, `this submission would queue more than ${MAX_PROCS_PER_SUBMISSION} jobs (MAX_JOBS_PER_SUBMISSION)`);
}

/** An assignment statement into the definitions so far. */
export function define(definitions: Map<string, Definition>, statement: { name: string; value: string; pos: SourcePos }): void {
  const { key, attribute, custom } = definitionKey(statement.name);
  const previous = definitions.get(key);
  const value = substituteSelfReference(key, statement.value, previous?.value);
  // Like HTCondor's submit hash, a redefinition keeps the name's first spelling.
  definitions.set(key, { name: previous?.name ?? attribute, value, pos: statement.pos, custom });
}

/** What the statements before a queue statement set up for it. */
export interface QueueSetting {
  definitions: ReadonlyMap<string, Definition>;
  fixedMacros: ReadonlyMap<string, string>;
  ctx: SubmitContext;
  usage?: MacroUsage | undefined;
}

/** Expands a value as a queue statement's count and items are expanded: with the definitions and the submission's macros. */
export function queueExpander({ definitions, fixedMacros, ctx, usage }: QueueSetting): MacroExpander {
  return new MacroExpander({
    lookup: (name) => {
      usage?.mark(name);
      return fixedMacros.get(name) ?? definedValue(definitions, name);
    },
    env: ctx.env,
    cwd: ctx.submitDir,
    evalContext: ctx.evalContext,
  });
}

/** A queue statement's count and item rows. */
export function resolveQueue(statement: { queue: QueueStatement; pos: SourcePos }, setting: QueueSetting): { count: number; rows: ItemRow[] } {
  const expander = queueExpander(setting);
  setting.usage?.addQueueVars(statement.queue.vars);
  const count = queueCount(statement.queue, expander, statement.pos);
  return { count, rows: itemRows(statement.queue, expander, statement.pos, setting.ctx) };
}

/** What a queue statement's procs share. */
export function queueScope(
  vars: readonly string[],
  queuePos: SourcePos,
  of: { definitions: ReadonlyMap<string, Definition>; clusterId: number; qdate: number; ctx: SubmitContext; usage?: MacroUsage | undefined },
): QueueScope {
  const loopVars = new Set(vars.map((name) => name.toLowerCase()));
  return { ...of, perProcNames: new Set([...PROC_MACROS, ...loopVars]), loopVars, queuePos };
}

export function rowMacrosOf(row: ItemRow): Map<string, string> {
  return new Map(Object.entries(row).map(([name, value]) => [name.toLowerCase(), value]));
}

/** A file is probed once per submission, however many procs name it. */
function probedOnce(ctx: SubmitContext): SubmitContext['probeFile'] {
  const probes = new Map<string, FileProbe>();
  return (path) => {
    let probe = probes.get(path);
    if (probe === undefined) {
      probe = ctx.probeFile(path);
      probes.set(path, probe);
    }
    return probe;
  };
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
