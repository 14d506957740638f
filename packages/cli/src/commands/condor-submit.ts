import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClassAd, parseExpr, unparseOldSyntax } from '@tinycondor/shared/classad/index';
import { formatLong } from '../format/long.js';
import { ClusterAd, type ProcOverlay } from '@tinycondor/shared/cluster-ad';
import { ProcAdView } from '@tinycondor/shared/proc-ad-view';
import { MAX_SUBMIT_BODY_BYTES, submissionTooLarge } from '@tinycondor/shared/submit-limits';
import { probeFile, strerror } from '@tinycondor/shared/submit/file-probe';
import { mayUseNotImplemented, notImplementedWarnings } from '@tinycondor/shared/submit/not-implemented';
import { factorySubmission, ProcFactory, type FactorySubmission } from '@tinycondor/shared/submit/factory';
import { isBooleanWord, parseBoolean } from '@tinycondor/shared/submit/values';
import { requestKnobs } from '@tinycondor/shared/submit/evict-checks';
import { parseExtendedSubmitCommands, type ExtendedSubmitCommand } from '@tinycondor/shared/submit/extended-commands';
import {
  forEachProc,
  forEachProcOverlay,
  MacroUsage,
  parseSubmitFile,
  SubmitError,
  type ParsedSubmit,
  type SubmitContext,
} from '@tinycondor/shared/submit/index';
import { CliError, unreachableMessage, type Command } from '../cli-error.js';
import { loadPoolConfig, type PoolConfig } from '../pool-config.js';
import { ScheddRefused, ScheddUnreachable } from '@tinycondor/client/errors';
import type { ScheddClient } from '@tinycondor/client/schedd-client';
import { connectSchedd } from '../schedd-connection.js';
import { checkMirrorable, markForSpooling, mirrorUserLog, scheddIsRemote, spoolInput } from '../spooled-jobs.js';
import { toolEvalContext } from '../tool-user-maps.js';

/** Larger submit files are refused before parsing (a resource limit, with a clear error). */
const MAX_SUBMIT_FILE_BYTES = 64 * 1024 * 1024;

const USAGE =
  'Usage: condor_submit [-terse] [-spool] [-unused] [-dry-run <file>] [-append <command>]... [-batch-name <name>] [-queue <queue-args>] [<name>=<value>]... [<submit-file>]';

interface SubmitArgs {
  file: string | undefined;
  terse: boolean;
  spool: boolean;
  appendLines: string[];
  batchName: string | undefined;
  /** -unused flips WARN_ON_UNUSED_SUBMIT_FILE_MACROS. */
  toggleUnusedWarnings: boolean;
  /** -dry-run: where the ads go ('-' for stdout); nothing is queued. */
  dryRun: string | undefined;
  /** -queue (or an -append that is a queue statement): the statement's text after `queue`. */
  queueArgument: string | undefined;
  /** name=value arguments. */
  variables: [string, string][];
  /** -verbose: each proc's ad instead of dots and the count. */
  verbose: boolean;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** EXTENDED_SUBMIT_COMMANDS of the pool's configuration (HTCondor's condor_submit has them from the schedd's). */
function extendedCommands(pool: PoolConfig): Map<string, ExtendedSubmitCommand> | undefined {
  const text = pool.value('EXTENDED_SUBMIT_COMMANDS');
  if (text === undefined) return undefined;
  try {
    return parseExtendedSubmitCommands(text);
  } catch (err) {
    throw new CliError(`ERROR: EXTENDED_SUBMIT_COMMANDS is not a valid ClassAd: ${(err as Error).message}`);
  }
}

/** A boolean knob of the pool's configuration; a value that is not a boolean counts as unset, as param_boolean treats it. */
function configBoolean(value: string | undefined, fallback: boolean): boolean {
  return value !== undefined && isBooleanWord(value) ? parseBoolean(value) : fallback;
}

function parseArgs(args: string[]): SubmitArgs {
  const parsed: SubmitArgs = {
    file: undefined,
    terse: false,
    spool: false,
    appendLines: [],
    batchName: undefined,
    toggleUnusedWarnings: false,
    dryRun: undefined,
    queueArgument: undefined,
    variables: [],
    verbose: false,
  };
  const setQueue = (text: string, option: string) => {
    if (parsed.queueArgument !== undefined) throw new CliError(`condor_submit: only one ${option} command allowed`);
    parsed.queueArgument = text;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const needValue = (): string => {
      const value = args[++i];
      if (value === undefined) throw new CliError(`ERROR: ${arg} requires an argument\n${USAGE}`);
      return value;
    };
    if (arg === '-terse') {
      parsed.terse = true;
      parsed.verbose = false;
    } else if (/^-v(e(r(b(o(s(e)?)?)?)?)?)?$/.test(arg!)) {
      parsed.verbose = true;
      parsed.terse = false;
    }
    else if (arg === '-spool') parsed.spool = true;
    else if (arg === '-unused') parsed.toggleUnusedWarnings = !parsed.toggleUnusedWarnings;
    else if (arg === '-append' || arg === '-a') {
      const line = needValue();
      if (/^queue(\s|$)/i.test(line.trim())) setQueue(line.trim().slice(5).trim(), '-queue');
      else parsed.appendLines.push(line);
    } else if (/^-q(u(e(u(e)?)?)?)?$/.test(arg!)) {
      // As condor_submit: the statement takes the arguments up to one starting with '-' (a lone '-' ends it).
      const words: string[] = [];
      while (i + 1 < args.length && (args[i + 1] === '-' || !args[i + 1]!.startsWith('-'))) {
        const word = args[++i]!;
        if (word === '-') break;
        words.push(word);
      }
      if (words.length === 0) throw new CliError(`condor_submit: ${arg} requires at least one argument`);
      setQueue(words.join(' '), arg!);
    } else if (/^-dry(-(r(un?)?)?)?$/.test(arg!)) {
      const file = args[i + 1];
      if (file === undefined || (file.startsWith('-') && file !== '-')) throw new CliError('condor_submit: -dry-run requires another argument');
      parsed.dryRun = file;
      i++;
    } else if (/^-dry(-(r(un?)?)?)?:/.test(arg!)) {
      throw new CliError(`ERROR: ${arg}: -dry-run options (full, hash, digest, cluster=…) are not supported\n${USAGE}`);
    }
    else if (arg === '-batch-name' || arg === '-batch_name') parsed.batchName = needValue();
    else if (arg === '-' && parsed.file === undefined) parsed.file = '-';
    else if (arg.startsWith('-')) throw new CliError(`ERROR: unknown option ${arg}\n${USAGE}`);
    else if (arg.includes('=')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(0, eq).trim();
      if (!VARIABLE_NAME.test(name.replace(/^\+/, ''))) throw new CliError(`condor_submit: invalid attribute name '${name}' for attrib=value assigment`);
      parsed.variables.push([name, arg.slice(eq + 1).trim()]);
    }
    else if (parsed.file === undefined) parsed.file = arg;
    else throw new CliError(`ERROR: only one submit file may be given (got ${parsed.file} and ${arg})\n${USAGE}`);
  }
  return parsed;
}

/**
 * Sends a submission under a new id, refused when too large for the schedd; a reply lost on the way is
 * settled by asking whether the schedd stored it (settleLostSubmission). Once stored, the schedd's warnings
 * are printed as condor_submit prints those of its commit; a submit requirement's refusal, as a failed commit.
 */
async function sendSubmission(
  api: ScheddClient,
  clusterId: number,
  body: (submissionId: string) => object,
  send: (payload: string) => Promise<{ warning?: string | undefined }>,
  io: Parameters<Command>[1],
): Promise<void> {
  const submissionId = randomUUID();
  const payload = JSON.stringify(body(submissionId));
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_SUBMIT_BODY_BYTES) throw new CliError(`ERROR: ${submissionTooLarge(bytes)}`);
  let warning: string | undefined;
  try {
    ({ warning } = await send(payload));
  } catch (err) {
    const refusal = commitRefusal(err);
    if (refusal !== undefined) throw new CliError(`\nERROR: Failed to commit job submission into the queue.\nERROR: ${refusal}\n`);
    if (!(err instanceof ScheddUnreachable)) throw err;
    await settleLostSubmission(api, clusterId, submissionId, err);
  }
  if (warning !== undefined) io.stderr(`\nWARNING: Committed job submission into the queue with the following warning(s):\nWARNING: ${warning}\n`);
}

/** The words of a submit requirement that refused the submission (the schedd's SubmitRefusedReply with commitFailed). */
function commitRefusal(err: unknown): string | undefined {
  if (!(err instanceof ScheddRefused) || err.status !== 400) return undefined;
  let reply: unknown;
  try {
    reply = JSON.parse(err.body);
  } catch {
    return undefined;
  }
  const { error, commitFailed } = (reply ?? {}) as { error?: unknown; commitFailed?: unknown };
  return commitFailed === true && typeof error === 'string' ? error : undefined;
}

/**
 * The connection broke while the cluster was submitted: it may or may not have been stored. HTCondor's submit
 * is a transaction whose outcome the tool knows; here the schedd is asked, and a submission it did not store
 * is given up there (a copy still on its way is refused), so that neither answer can turn out false.
 */
async function settleLostSubmission(api: ScheddClient, clusterId: number, submissionId: string, lost: ScheddUnreachable): Promise<void> {
  let settled: { stored: boolean; submissionId: string | null };
  try {
    settled = await api.settleSubmission(clusterId);
  } catch {
    throw new CliError(`${unreachableMessage(lost)}\nERROR: the connection was lost while submitting cluster ${clusterId}, and the schedd cannot be asked whether it stored it: condor_q ${clusterId} shows its jobs if it did`);
  }
  if (settled.stored && settled.submissionId === submissionId) return;
  throw new CliError(`${unreachableMessage(lost)}\nERROR: Failed to commit job submission into the queue.`);
}

/** condor_submit: parse the submit description, queue its procs as one cluster, print what was queued. */
export const condorSubmit: Command = async (args, io) => {
  const options = parseArgs(args);
  // As condor_submit: with -queue and name=value (or -append) lines, no submit file is read.
  const noFileNeeded = options.file === undefined && options.queueArgument !== undefined && (options.variables.length > 0 || options.appendLines.length > 0);
  const fromStdin = options.file === undefined || options.file === '-';
  // As condor_submit: a submit file read from stdin implies -verbose unless -terse is given.
  const verbose = options.verbose || (fromStdin && !noFileNeeded && !options.terse);
  let text: string;
  if (noFileNeeded) {
    text = '';
  } else if (fromStdin) {
    text = await io.readStdin();
  } else {
    const file = path.resolve(io.cwd, options.file as string);
    try {
      if (fs.statSync(file).size > MAX_SUBMIT_FILE_BYTES) throw new CliError(`ERROR: submit file ${options.file} is larger than ${MAX_SUBMIT_FILE_BYTES} bytes`);
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`ERROR: Failed to open command file (${(err as Error).message})`);
    }
  }
  if (Buffer.byteLength(text) > MAX_SUBMIT_FILE_BYTES) throw new CliError(`ERROR: the submit description is larger than ${MAX_SUBMIT_FILE_BYTES} bytes`);
  const context: SubmitContext = {
    fileName: fromStdin ? '<stdin>' : (options.file as string),
    submitDir: io.cwd,
    env: io.env,
    owner: os.userInfo().username,
    appendLines: options.appendLines,
    variables: options.variables,
    ...(options.queueArgument === undefined ? {} : { queueArgument: options.queueArgument }),
    batchName: options.batchName,
    now: new Date(),
    readFile: (file) => fs.readFileSync(path.resolve(io.cwd, file), 'utf8'),
    listDir: (dir) => fs.readdirSync(path.resolve(io.cwd, dir), { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() })),
    probeFile,
    warn: (message) => io.stderr(`\n${message}\n`),
    runCommand: (argv) => {
      const result = spawnSync(argv[0] as string, argv.slice(1), { cwd: io.cwd, env: io.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (result.error) throw new Error(strerror(result.error));
      return { stdout: result.stdout, exitCode: result.status ?? 128 + (os.constants.signals[result.signal as NodeJS.Signals] ?? 0) };
    },
  };
  const pool = loadPoolConfig(io.env, io.stderr);
  const spool = options.spool || scheddIsRemote(pool);
  // As condor_submit: SUBMIT_SKIP_FILECHECKS (default true) and -spool turn the input check off.
  context.fileChecks = !configBoolean(pool.value('SUBMIT_SKIP_FILECHECKS'), true) && !spool;
  context.signS3Urls = configBoolean(pool.value('SIGN_S3_URLS'), true);
  context.euid = process.geteuid?.();
  context.extendedCommands = extendedCommands(pool);
  Object.assign(context, requestKnobs((name) => pool.value(name)));
  const defaultLease = pool.value('JOB_DEFAULT_LEASE_DURATION');
  if (defaultLease !== undefined) context.defaultLeaseDuration = defaultLease;
  const defaultNotification = pool.value('JOB_DEFAULT_NOTIFICATION');
  if (defaultNotification !== undefined && defaultNotification.trim() !== '') context.defaultNotification = defaultNotification.trim();
  const scheddInterval = pool.value('SCHEDD_INTERVAL');
  if (scheddInterval !== undefined) context.scheddInterval = scheddInterval;
  context.evalContext = toolEvalContext('SUBMIT', io, () => pool.config);
  const warnUnused = configBoolean(pool.value('WARN_ON_UNUSED_SUBMIT_FILE_MACROS'), true) !== options.toggleUnusedWarnings;
  // Always kept: an HTCondor command tinycondor does not act on is named even when unused lines are not.
  const usage = new MacroUsage();
  try {
    const parsed = parseSubmitFile(text, context);
    if (options.dryRun !== undefined) return dryRun(parsed, context, options, io, usage, warnUnused);
    const api = connectSchedd(pool);
    const { clusterId } = await api.reserveCluster();
    const factory = factorySubmission(parsed, clusterId, context, usage);
    if (factory !== undefined) return await submitFactory(api, clusterId, factory, { context, options, spool, verbose, fromStdin, usage, warnUnused, io });
    // The first proc's ad is the cluster ad; every proc sends only what differs from it.
    let common: Record<string, string> = {};
    const overlays: ProcOverlay[] = [];
    const logs = new Set<string>();
    const spooledAds: ClassAd[] = [];
    let count: number;
    if (spool) {
      let cluster: ClusterAd | undefined;
      count = forEachProc(parsed, clusterId, context, (ad) => {
        const log = ad.getString('UserLog');
        if (log) logs.add(log);
        markForSpooling(ad);
        spooledAds.push(ad);
        const stored = ad.toJSON();
        if (cluster === undefined) {
          common = stored;
          cluster = new ClusterAd(stored);
        }
        overlays.push(cluster.overlayOf(stored));
      }, usage);
    } else {
      count = forEachProcOverlay(parsed, clusterId, context, (cluster, overlay) => {
        common = cluster.stored;
        // The cluster's log, and a proc's own only when its overlay names one.
        if (overlays.length === 0 || Object.keys(overlay).some((name) => name.toLowerCase() === 'userlog')) {
          const log = new ProcAdView(cluster, overlay).getString('UserLog');
          if (log) logs.add(log);
        }
        overlays.push(overlay);
      }, usage);
    }
    if (!options.terse && !fromStdin) io.stdout(`Submitting job(s)${verbose ? '' : '.'.repeat(count)}`);
    if (spool) for (const log of logs) await checkMirrorable(api, log);
    warnOfJobset(common, io);
    await sendSubmission(api, clusterId, (submissionId) => ({ submissionId, common, procs: overlays }), (payload) => api.submitProcs(clusterId, payload), io);
    if (spool) {
      for (const ad of spooledAds) await spoolInput(api, ad);
      // The schedd keeps the event log; a local mirror exists from the start, as the log would.
      for (const log of logs) await mirrorUserLog(api, log);
    }
    if (verbose) io.stdout(verboseAds(clusterId, common, overlays));
    else if (options.terse) io.stdout(`${clusterId}.0 - ${clusterId}.${count - 1}\n`);
    else io.stdout(`\n${count} job(s) submitted to cluster ${clusterId}.\n`);
    noteRendezvousDir(usage, io);
    printUnused(usage, warnUnused, count, io);
    // The cluster's ad, and only the procs whose own attributes may say otherwise (a big cluster's rarely do).
    const commonAd = new ClusterAd(common);
    const procAds = spool ? spooledAds : [new ProcAdView(commonAd, {}), ...overlays.filter((overlay) => mayUseNotImplemented(Object.keys(overlay))).map((overlay) => new ProcAdView(commonAd, overlay))];
    for (const warning of notImplementedWarnings(procAds)) io.stderr(`\nWARNING: ${warning}\n`);
    return 0;
  } catch (err) {
    // condor_submit's own refusals are printed in its words alone, which scripts match.
    if (err instanceof SubmitError) throw new CliError(`\nERROR: ${err.condorWords ? err.problem : err.message}`);
    throw err;
  }
};

/**
 * Late materialization (max_materialize, max_idle): the schedd gets the submit digest and makes the procs as
 * there is room (HTCondor's SetJobFactory). condor_submit builds proc 0 itself, for its checks and warnings.
 */
async function submitFactory(
  api: ReturnType<typeof connectSchedd>,
  clusterId: number,
  factory: FactorySubmission,
  how: { context: SubmitContext; options: SubmitArgs; spool: boolean; verbose: boolean; fromStdin: boolean; usage: MacroUsage; warnUnused: boolean; io: Parameters<Command>[1] },
): Promise<number> {
  const { context, options, io } = how;
  const procs = new ProcFactory(factory.digest, clusterId, { probeFile: context.probeFile, fileChecks: context.fileChecks ?? false, usage: how.usage }, context.evalContext, context);
  const count = factory.totalProcs;
  if (!options.terse && !how.fromStdin) io.stdout(`Submitting job(s)${how.verbose ? '' : '.'}`);
  warnOfJobset(procs.cluster.stored, io);
  await sendSubmission(api, clusterId, (submissionId) => ({ submissionId, ...factory }), (payload) => api.submitFactory(clusterId, payload), io);
  // -verbose: the procs are made by the schedd later; the ad shown is proc 0's, the cluster's.
  if (how.verbose) io.stdout(verboseAds(clusterId, procs.cluster.stored, [{}]));
  else if (options.terse) io.stdout(`${clusterId}.0 - ${clusterId}.${count - 1}\n`);
  else io.stdout(`\n${count} job(s) submitted to cluster ${clusterId}.\n`);
  noteRendezvousDir(how.usage, io);
  printUnused(how.usage, how.warnUnused, count, io);
  for (const warning of notImplementedWarnings([new ProcAdView(procs.cluster, {})])) io.stderr(`\nWARNING: ${warning}\n`);
  // HTCondor's condor_submit spools only the ads its non-factory path made (JobAdsArray, spoolJobFiles) and its
  // schedd materializes the procs as not spooled (qmgmt_factory.cpp make_job_ad(..., remote=false)): the
  // submission is taken and nothing is spooled, which its manual names as a limitation, in these words.
  if (how.spool) io.stderr('\nWARNING: Spooling of input files does not work with late materialization: the jobs read their input where they were submitted, not from SPOOL\n');
  return 0;
}

/**
 * send_jobset_ad: a job naming a jobset is queued without one when the schedd keeps none (USE_JOBSETS,
 * false by default; tinycondor's schedd has no jobsets), with this warning. A dry run's simulated schedd
 * takes jobsets, so it says nothing.
 */
function warnOfJobset(cluster: Record<string, string>, io: Parameters<Command>[1]): void {
  if (Object.keys(cluster).some((name) => name.toLowerCase() === 'jobsetname')) io.stderr('\nWARNING: schedd does not support jobsets.\n');
}

/**
 * setupAuthentication reads rendezvousdir (or its other spellings) as condor_submit connects to the schedd (a
 * dry run connects to none), for FS_REMOTE authentication; tinycondor's condor_submit authenticates otherwise.
 */
function noteRendezvousDir(usage: MacroUsage, io: Parameters<Command>[1]): void {
  const found = usage.lookUp('rendezvousdir', 'rendezvous_dir') ?? usage.lookUp('rendezvousdirectory', 'rendezvous_directory');
  if (found) {
    io.stderr(`\nWARNING: ${found.name} has no effect with tinycondor: it names the directory of HTCondor's FS_REMOTE authentication, which tinycondor's condor_submit does not use to reach its schedd\n`);
  }
}

/** As condor_submit: only when something was queued (else every line would be unused); unimplemented commands whatever -unused says. */
function printUnused(usage: MacroUsage, warnUnused: boolean, count: number, io: Parameters<Command>[1]): void {
  if (count === 0) return;
  for (const warning of [...usage.noted(), ...usage.unimplemented(), ...(warnUnused ? usage.warnings() : [])]) io.stderr(`\nWARNING: ${warning}\n`);
}

/** -verbose: `** Proc C.P:` and the proc's whole ad, for each proc. */
function verboseAds(clusterId: number, common: Record<string, string>, overlays: readonly ProcOverlay[]): string {
  return overlays
    .map((overlay, procId) => {
      const ad: Record<string, string> = { ...common };
      for (const [name, value] of Object.entries(overlay)) {
        if (value === null) delete ad[name];
        else ad[name] = value;
      }
      return `\n** Proc ${clusterId}.${procId}:\n${formatLong([ClassAd.fromJSON(ad)]).slice(0, -1)}`;
    })
    .join('');
}

/** The cluster condor_submit's simulated schedd gives a dry run. */
const DRY_RUN_CLUSTER = 1;

/**
 * -dry-run FILE: the procs are built and checked as for a submission, nothing is queued, and FILE ('-' for
 * stdout) gets what condor_submit's simulated schedd echoes: for each proc an empty line and its
 * attributes as `Name=value`, the first proc with the cluster's (SimScheddQ::set_Attribute), each value
 * in old ClassAd syntax as MySendJobAttributes unparses it (SetOldClassAd(true, true)).
 */
function dryRun(parsed: ParsedSubmit, context: SubmitContext, options: SubmitArgs, io: Parameters<Command>[1], usage: MacroUsage, warnUnused: boolean): number {
  const lines: string[] = [];
  // A late-materialization submission is checked as one (its limits, its one queue statement); the dry run shows every proc.
  factorySubmission(parsed, DRY_RUN_CLUSTER, context, usage);
  const count = forEachProcOverlay(parsed, DRY_RUN_CLUSTER, context, (cluster, overlay) => {
    lines.push('');
    const attributes = lines.length === 1 ? Object.entries(cluster.stored) : Object.entries(overlay).filter((entry): entry is [string, string] => entry[1] !== null);
    for (const [name, value] of attributes) lines.push(`${name}=${unparseOldSyntax(parseExpr(value))}`);
  }, usage);
  const text = lines.map((line) => `${line}\n`).join('');
  if (options.dryRun === '-') {
    io.stdout(text);
  } else {
    try {
      fs.writeFileSync(path.resolve(io.cwd, options.dryRun as string), text);
    } catch (err) {
      throw new CliError(`\nERROR: Failed to open file -dry-run output file (${strerror(err as NodeJS.ErrnoException)})`);
    }
  }
  if (options.terse) io.stdout(`${DRY_RUN_CLUSTER}.0 - ${DRY_RUN_CLUSTER}.${count - 1}\n`);
  else io.stdout(`Dry-Run job(s)${'.'.repeat(count)}\n${count} job(s) dry-run to cluster ${DRY_RUN_CLUSTER}.\n`);
  printUnused(usage, warnUnused, count, io);
  return 0;
}
