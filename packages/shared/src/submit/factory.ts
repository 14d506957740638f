// Late materialization (max_materialize, max_idle): condor_submit sends the schedd a job factory, the submit
// digest, instead of its procs; the schedd builds each proc from it when there is room (HTCondor's JobFactory).
import { ClassAd, type EvalContext, type Value } from '../classad/index.js';
import { ClusterAd, type ProcOverlay } from '../cluster-ad.js';
import type { FileProbe, SubmitContext } from './context.js';
import type { RequestKnobs } from './evict-checks.js';
import { condorSubmitError, submitError, type SourcePos } from './errors.js';
import type { ExtendedSubmitCommand } from './extended-commands.js';
import type { ParsedSubmit } from './parser.js';
import type { Definition, MacroValues } from './proc-input.js';
import { ProcTemplate } from './proc-template.js';
import type { ItemRow } from './queue.js';
import type { MacroUsage } from './usage.js';
import { define, MAX_PROCS_PER_SUBMISSION, procMacros, queueExpander, queueScope, resolveQueue, rowMacrosOf, submissionMacros, tooManyProcs } from './submit.js';

/** HTCondor's INT_MAX: a factory with max_idle alone materializes without a limit of its own. */
const NO_LIMIT = 2_147_483_647;

/** What condor_submit knows that the schedd cannot: fixed when the factory is submitted. */
export interface DigestContext {
  fileName: string;
  submitDir: string;
  /** For getenv and $ENV(X). */
  env: Record<string, string>;
  owner: string;
  uidDomain?: string;
  batchName?: string;
  /** JOB_DEFAULT_NOTIFICATION, as condor_submit read it. */
  defaultNotification?: string;
  /** The submission's time (ms since the epoch): QDate, $(SUBMIT_TIME)… */
  now: number;
  extendedCommands: ExtendedSubmitCommand[];
  /** condor_submit's effective uid (the default X509 proxy file's name). */
  euid?: number;
}

/**
 * The submit digest: the submit description's definitions (its lines before its one queue statement, include
 * files read and if/else chosen), the queue statement with its count and items resolved (HTCondor's item
 * data), and condor_submit's context. JSON as it is stored.
 */
export interface SubmitDigest {
  definitions: { name: string; value: string; pos: SourcePos }[];
  queue: { pos: SourcePos; vars: string[]; count: number; rows: ItemRow[] };
  context: DigestContext;
}

/** A factory submission: the digest and JobMaterializeLimit. */
export interface FactorySubmission {
  digest: SubmitDigest;
  /** JobMaterializeLimit: max_materialize, at most the number of procs and at least 1 (condor_submit's clamp). */
  limit: number;
  totalProcs: number;
}

/** The submit commands that ask for late materialization (SubmitHash::want_factory_submit). */
const LIMIT_COMMAND = 'max_materialize';
const MAX_IDLE_COMMANDS = ['max_idle', 'materialize_max_idle'];

/**
 * The factory a submit description asks for (max_materialize, max_idle or materialize_max_idle set before
 * its first queue statement), or undefined for a submission of all its procs. As condor_submit, a factory
 * submission has one queue statement: a command after it is "Extra data found after queue statement".
 */
export function factorySubmission(parsed: ParsedSubmit, clusterId: number, ctx: SubmitContext, usage?: MacroUsage): FactorySubmission | undefined {
  const now = ctx.now ?? new Date();
  const fixedMacros = submissionMacros(clusterId, ctx, now);
  const definitions = new Map<string, Definition>();
  const assigns: SubmitDigest['definitions'] = [];
  const queueAt = parsed.statements.findIndex((statement) => statement.kind === 'queue');
  if (queueAt < 0) return undefined;
  for (const statement of parsed.statements.slice(0, queueAt)) {
    if (statement.kind !== 'assign') continue;
    define(definitions, statement);
    assigns.push({ name: statement.name, value: statement.value, pos: statement.pos });
  }
  const setting = { definitions, fixedMacros, ctx, usage };
  const integerOf = (name: string): number | undefined => {
    const definition = definitions.get(name);
    if (definition === undefined) return undefined;
    usage?.mark(name);
    const text = queueExpander(setting).expand(definition.value, definition.pos).trim();
    // As submit_param_long_exists: the value is a ClassAd expression that must evaluate to an integer.
    let value: Value;
    try {
      value = new ClassAd().evaluateExpr(text);
    } catch {
      value = { type: 'error' };
    }
    if (value.type !== 'int') throw condorSubmitError(definition.pos, `${definition.name}=${text} is invalid, must eval to an integer.`);
    return value.value;
  };
  const maxMaterialize = integerOf(LIMIT_COMMAND);
  const maxIdle = MAX_IDLE_COMMANDS.map(integerOf).find((value) => value !== undefined);
  if (maxMaterialize === undefined && maxIdle === undefined) return undefined;
  const statement = parsed.statements[queueAt] as Extract<ParsedSubmit['statements'][number], { kind: 'queue' }>;
  const extra = parsed.statements[queueAt + 1];
  if (extra !== undefined) throw condorSubmitError(extra.pos, `on Line ${extra.pos.line} of ${extra.pos.file}: Extra data found after queue statement`);
  const { count, rows } = resolveQueue(statement, setting);
  const totalProcs = count * rows.length;
  if (totalProcs > MAX_PROCS_PER_SUBMISSION) throw tooManyProcs(statement.pos);
  const asked = maxMaterialize === undefined || maxMaterialize <= 0 ? NO_LIMIT : maxMaterialize;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.env)) if (value !== undefined) env[name] = value;
  const context: DigestContext = {
    fileName: ctx.fileName,
    submitDir: ctx.submitDir,
    env,
    owner: ctx.owner,
    ...(ctx.uidDomain === undefined ? {} : { uidDomain: ctx.uidDomain }),
    ...(ctx.batchName === undefined ? {} : { batchName: ctx.batchName }),
    ...(ctx.defaultNotification === undefined ? {} : { defaultNotification: ctx.defaultNotification }),
    now: now.getTime(),
    extendedCommands: [...(ctx.extendedCommands?.values() ?? [])],
    ...(ctx.euid === undefined ? {} : { euid: ctx.euid }),
  };
  return {
    digest: { definitions: assigns, queue: { pos: statement.pos, vars: statement.queue.vars, count, rows }, context },
    limit: Math.max(Math.min(asked, totalProcs), 1),
    totalProcs,
  };
}

/** The file checks a factory's procs get at the schedd: none (HTCondor's factory_check_sub_file). */
const UNCHECKED: FileProbe = { size: 1, firstLine: '' };

function refuseIo(): never {
  throw new Error('a job factory reads no file');
}

/**
 * Builds the procs of a submit digest, any one by its ProcId, as condor_submit would have built them:
 * the cluster ad (proc 0's ad) and each proc's overlay over it, equal to forEachProcOverlay's.
 */
export class ProcFactory {
  readonly totalProcs: number;
  readonly cluster: ClusterAd;
  private readonly template: ProcTemplate;
  private readonly fixedMacros: ReadonlyMap<string, string>;
  private readonly rowMacros: Map<string, string>[];

  /**
   * Throws SubmitError for a proc 0 that cannot be built. condor_submit passes its own file checks and
   * usage; the schedd none. `evalContext`: the userMap() maps of the process that expands the digest (HTCondor's
   * condor_submit expands the values that are alike for every proc itself, with its SUBMIT maps; here the
   * schedd expands them all, with its SCHEDD maps). `knobs`: the request knobs of the process that builds the procs.
   */
  constructor(
    private readonly digest: SubmitDigest,
    private readonly clusterId: number,
    checks?: { probeFile: SubmitContext['probeFile']; fileChecks: boolean; usage?: MacroUsage },
    evalContext?: EvalContext,
    knobs: RequestKnobs = {},
  ) {
    const { context, queue } = digest;
    const now = new Date(context.now);
    const ctx: SubmitContext = {
      fileName: context.fileName,
      submitDir: context.submitDir,
      env: context.env,
      owner: context.owner,
      ...(context.uidDomain === undefined ? {} : { uidDomain: context.uidDomain }),
      ...(context.batchName === undefined ? {} : { batchName: context.batchName }),
      ...(context.defaultNotification === undefined ? {} : { defaultNotification: context.defaultNotification }),
      now,
      extendedCommands: new Map(context.extendedCommands.map((command) => [command.name.toLowerCase(), command])),
      readFile: refuseIo,
      listDir: refuseIo,
      runCommand: refuseIo,
      probeFile: checks?.probeFile ?? (() => UNCHECKED),
      fileChecks: checks?.fileChecks ?? false,
      ...(context.euid === undefined ? {} : { euid: context.euid }),
      materializing: checks === undefined,
      ...(evalContext === undefined ? {} : { evalContext }),
      ...(knobs.requestMissingUnits === undefined ? {} : { requestMissingUnits: knobs.requestMissingUnits }),
      ...(knobs.onEvictRequirements === undefined ? {} : { onEvictRequirements: knobs.onEvictRequirements }),
    };
    const definitions = new Map<string, Definition>();
    for (const statement of digest.definitions) define(definitions, statement);
    checks?.usage?.setDefinitions(definitions);
    this.fixedMacros = submissionMacros(clusterId, ctx, now);
    this.rowMacros = queue.rows.map(rowMacrosOf);
    this.totalProcs = queue.count * queue.rows.length;
    if (this.totalProcs === 0) throw submitError(queue.pos, 'the queue statement queues no jobs');
    const scope = queueScope(queue.vars, queue.pos, { definitions, clusterId, qdate: Math.floor(context.now / 1000), ctx, usage: checks?.usage });
    this.template = new ProcTemplate(scope, this.macros(0), 0);
    this.cluster = new ClusterAd(this.template.ad.toJSON());
    this.template.setCluster(this.cluster);
  }

  private macros(procId: number): MacroValues {
    const { count } = this.digest.queue;
    const itemIndex = Math.floor(procId / count);
    return procMacros({ fixedMacros: this.fixedMacros, rowMacros: this.rowMacros[itemIndex] as Map<string, string>, clusterId: this.clusterId, procId, step: procId % count, itemIndex });
  }

  /** Proc `procId`'s overlay over `cluster`; throws SubmitError for a proc that cannot be built. */
  overlay(procId: number): ProcOverlay {
    if (!Number.isSafeInteger(procId) || procId < 0 || procId >= this.totalProcs) throw new RangeError(`proc ${procId} is not one of the factory's ${this.totalProcs}`);
    return procId === 0 ? {} : this.template.overlay(this.macros(procId), procId);
  }
}
