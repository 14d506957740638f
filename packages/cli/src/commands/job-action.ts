// condor_rm, condor_hold, condor_release, condor_vacate_job, condor_suspend and condor_continue, as HTCondor's
// one tool for them (src/condor_rm.V6/rm.cpp): its usage, arguments, constraint building and messages.
import os from 'node:os';
import { ClassAd, oldSyntaxToStorage, quoteString } from '@tinycondor/shared/classad/index';
import { actionWord, emptyTotals, resultString, totalsLine, type ActionResultCode, type ToolAction } from '@tinycondor/shared/job-action-results';
import type { ActionReply } from '@tinycondor/shared/rest-schemas';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import { condorVersionText } from './condor-version.js';

type Mode = ToolAction;

/** The word rm.cpp's usage puts before each kind of target (getJobActionString, enum_utils.cpp). */
const USAGE_WORDS: Record<Mode, string> = {
  remove: 'Remove',
  'remove-x': 'Remove-Force',
  hold: 'Hold',
  release: 'Release',
  vacate: 'Vacate',
  'vacate-fast': 'Vacate-Fast',
  suspend: 'Suspend',
  continue: 'Continue',
};

/** ATTR_JOB_ACTION's values (enum_utils.h JobAction) and action_result_t's (dc_schedd.h), for -long. */
const JOB_ACTION_NUMBER: Record<Mode, number> = { hold: 1, release: 2, remove: 3, 'remove-x': 4, vacate: 5, 'vacate-fast': 6, suspend: 8, continue: 9 };
const RESULT_NUMBER: Record<ActionResultCode, number> = { error: 0, success: 1, 'not-found': 2, 'bad-status': 3, 'already-done': 4, 'permission-denied': 5, 'limit-exceeded': 6 };

function usageText(tool: string, mode: Mode): string {
  const word = USAGE_WORDS[mode];
  const lines = [
    `Usage: ${tool} [options] [constraints]`,
    ' where [options] is zero or more of:',
    '  -help               Display this message and exit',
    '  -version            Display version information and exit',
    '  -long               Display full result classad',
    '  -totals             Display success/failure totals',
    '  -debug              Display debugging information while running',
    '  -name schedd_name   Connect to the given schedd',
    '  -pool hostname      Use the given central manager to find daemons',
    '  -addr <ip:port>     Connect directly to the given "sinful string"',
  ];
  if (mode === 'remove' || mode === 'remove-x') lines.push('  -reason reason      Use the given RemoveReason');
  else if (mode === 'release') lines.push('  -reason reason      Use the given ReleaseReason');
  else if (mode === 'hold') lines.push('  -reason reason      Use the given HoldReason', '  -subcode number     Set HoldReasonSubCode');
  if (mode === 'remove' || mode === 'remove-x') {
    lines.push('  -forcex             Force the immediate local removal of jobs in the X state', '                      (only affects jobs already being removed)');
  }
  if (mode === 'remove') lines.push('  -transfer           Transfer output files before removing');
  if (mode === 'vacate' || mode === 'vacate-fast') lines.push('  -fast               Use a fast vacate (hardkill)');
  lines.push(
    ' and where [constraints] is one of:',
    `  cluster.proc        ${word} the given job`,
    `  cluster             ${word} the given cluster of jobs`,
    `  user                ${word} all jobs owned by user`,
    `  -constraint expr    ${word} all jobs matching the boolean expression`,
    `  -all                ${word} all jobs (cannot be used with other constraints)`,
    `  -held               ${word} only held jobs (may be combined with the above constraints)`,
  );
  return `${lines.join('\n')}\n`;
}

/** is_dash_arg_prefix: `-name` given by at least `min` of its letters (one or two dashes). */
function isOption(arg: string, name: string, min: number): boolean {
  const word = arg.replace(/^--?/, '').split(':')[0]!;
  return word.length >= min && name.startsWith(word);
}

type ConstraintKind = 'none' | 'all' | 'cluster' | 'user' | 'simple' | 'complex';

/** rm.cpp's global constraint and the user/cluster one, each with what kind it is (for the message). */
class Constraints {
  global = '';
  globalKind: ConstraintKind = 'none';
  userCluster = '';
  userClusterKind: ConstraintKind = 'none';

  /** addConstraint */
  add(constraint: string, kind: ConstraintKind): void {
    if (this.globalKind === 'none' || this.globalKind === 'all') {
      this.global = constraint;
      this.globalKind = kind;
    } else if (this.globalKind === 'complex') {
      this.global += ` && (${constraint})`;
    } else {
      this.global = `(${this.global}) && (${constraint})`;
      this.globalKind = 'complex';
    }
  }

  private addUserCluster(term: string, kind: ConstraintKind): void {
    if (this.userClusterKind === 'none') {
      this.userCluster = term;
      this.userClusterKind = kind;
    } else {
      this.userCluster += ` || ${term}`;
      this.userClusterKind = 'complex';
    }
  }

  cluster(cluster: number): void {
    this.addUserCluster(`ClusterId == ${cluster}`, 'cluster');
  }

  user(user: string): void {
    this.addUserCluster(`Owner == ${quoteString(user)}`, 'user');
  }

  /** A proc is always complex, so that the message says "matching constraint". */
  proc(cluster: number, proc: number): void {
    this.addUserCluster(`(ClusterId == ${cluster} && ProcId == ${proc})`, 'complex');
    this.userClusterKind = 'complex';
  }
}

/** An error, as CondorError::getFullText prints one: `subsys:code:message`. */
function fullText(tool: string, message: string): string {
  return `${tool}:0:${message}`;
}

/**
 * The schedd's result ad, as -long prints it (JobActionResults::publishResults, actOnJobs): with AR_LONG a
 * result per job (`job_C_P`), with AR_TOTALS a count per result (`result_total_N`).
 */
function resultAd(mode: Mode, reply: ActionReply, perJob: boolean): string {
  const lines = [`JobAction = ${JOB_ACTION_NUMBER[mode]}`, `ActionResultType = ${perJob ? 1 : 2}`];
  if (perJob) {
    for (const result of reply.results) lines.push(`job_${result.jobId.replace('.', '_')} = ${RESULT_NUMBER[result.code]}`);
    for (const id of reply.notFound) if (id.includes('.')) lines.push(`job_${id.replace('.', '_')} = ${RESULT_NUMBER['not-found']}`);
  } else for (const [code, count] of Object.entries(reply.totals)) lines.push(`result_total_${RESULT_NUMBER[code as ActionResultCode]} = ${count}`);
  lines.push(`ActionResult = ${reply.done > 0 ? 1 : 0}`, `TotalJobAds = ${reply.queueJobs}`);
  return `${lines.join('\n')}\n\n`;
}

/** JobActionResults::readResults of an ad: an AR_LONG ad has no totals, so -totals prints zeros for it, as HTCondor's tool does. */
function totalsOf(reply: ActionReply, perJob: boolean): string {
  return totalsLine(perJob ? emptyTotals() : reply.totals);
}

function jobActionCommand(tool: string, baseMode: Mode): Command {
  return async (args, io) => {
    let mode = baseMode;
    const fail = (message: string): never => {
      throw new CliError(message.replace(/\n$/, ''));
    };
    const usage = (code = 1): number => {
      io.stderr(usageText(tool, mode));
      return code;
    };
    if (args.length === 0) {
      io.stderr('You did not specify any jobs\n');
      return usage();
    }
    const constraints = new Constraints();
    const jobIds: string[] = [];
    let long = false;
    let totals = false;
    let held = false;
    let reason: string | undefined;
    let subcode: number | undefined;
    let hadError = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (!arg.startsWith('-')) {
        if (constraints.globalKind === 'all') return usage();
        hadError = procArg(arg, constraints, jobIds, io) || hadError;
        continue;
      }
      const needsValue = (option: string, dashOk: boolean): string => {
        const value = args[++i];
        if (value === undefined || (!dashOk && value.startsWith('-'))) fail(`${tool}: ${option} requires another argument`);
        return value!;
      };
      if (isOption(arg, 'debug', 1)) continue;
      else if (isOption(arg, 'long', 1)) long = true;
      else if (isOption(arg, 'totals', 3)) totals = true;
      else if (isOption(arg, 'constraint', 1)) constraints.add(needsValue('-constraint', false), 'simple');
      else if (isOption(arg, 'all', 1)) {
        if (constraints.globalKind !== 'none' || constraints.userClusterKind !== 'none') fail(`${tool}: can't mix -all with other constraints`);
        constraints.add('ClusterId >= 0', 'all');
      } else if (isOption(arg, 'held', 3) || isOption(arg, 'hold', 3)) held = true;
      else if (isOption(arg, 'addr', 2) || isOption(arg, 'name', 1) || isOption(arg, 'pool', 1)) {
        // One schedd per pool: refused rather than ignored, so a script naming another acts on none.
        fail(`${tool}: ${arg} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names`);
      } else if (isOption(arg, 'reason', 1)) {
        const value = args[++i];
        if (value === undefined) fail(`${tool}: -reason requires another argument`);
        reason = value;
      } else if (isOption(arg, 'subcode', 1)) {
        const value = args[++i];
        if (value === undefined) fail(`${tool}: -subcode requires another argument`);
        if (!/^[+-]?\d+$/.test(value!)) fail(`Invalid -subcode ${value}!`);
        subcode = Number.parseInt(value!, 10);
      } else if (isOption(arg, 'forcex', mode === 'remove' ? 1 : 2)) {
        if (mode !== 'remove') {
          io.stderr('-forcex is only valid with condor_rm\n');
          return usage();
        }
        mode = 'remove-x';
      } else if (isOption(arg, 'transfer', 2)) {
        if (mode !== 'remove') {
          io.stderr('-transfer is only valid with condor_rm\n');
          return usage();
        }
        fail(`${tool}: -transfer is not supported by tinycondor: a removed job's output is not transferred`);
      } else if (isOption(arg, 'fast', mode === 'vacate' ? 1 : 2)) {
        if (mode !== 'vacate') {
          io.stderr('-fast is only valid with condor_vacate_job\n');
          return usage();
        }
        mode = 'vacate-fast';
      } else if (isOption(arg, 'version', 1)) {
        io.stdout(condorVersionText());
        return 0;
      } else if (isOption(arg, 'help', 1)) return usage(0);
      else {
        io.stderr(`Unrecognized option: ${arg}\n`);
        return usage();
      }
    }
    if (constraints.globalKind === 'none' && constraints.userClusterKind === 'none' && jobIds.length === 0 && !held) {
      io.stderr('You did not specify any jobs\n');
      return usage();
    }
    // With -held every job goes through the constraint, so that the held filter applies to it too.
    if (held) {
      for (const id of jobIds.splice(0)) {
        const [cluster, proc] = id.split('.').map(Number);
        constraints.proc(cluster!, proc!);
      }
    }
    const pool = loadPoolConfig(io.env, io.stderr);
    const api = connectSchedd(pool);
    const user = os.userInfo().username;
    const print = (reply: ActionReply, perJob: boolean) => {
      if (long) io.stdout(resultAd(mode, reply, perJob));
      else if (totals) io.stdout(`${totalsOf(reply, perJob)}\n`);
    };
    if (mode === 'remove-x' && !mayForceRemove(pool.value('ALLOW_FORCE_RM'), io)) {
      io.stderr('Remove aborted. condor_rm -forcex has been disabled by the administrator.\n');
      return 1;
    }

    if (jobIds.length > 0) {
      if (constraints.globalKind !== 'none') io.stderr('Warning, -constraint is ignored for fully qualified job ids\n');
      // A list of ids is answered per job (DCSchedd's default AR_LONG for a list).
      const reply = await api.act({ action: mode, ids: jobIds, reason, subcode, user, long: true });
      print(reply, true);
      if (reply.done === 0) {
        hadError = true;
        // The schedd's error stack, empty when it answered: HTCondor's tool prints it, an empty line.
        io.stderr('\n');
      }
      for (const id of jobIds) {
        const result = reply.results.find((r) => r.jobId === id);
        if (result?.ok) io.stdout(`${result.message}\n`);
        else if (result) io.stderr(`${result.message}\n`);
        else io.stderr(`${resultString(mode, id, reply.notFound.includes(id) ? 'not-found' : 'error')}\n`);
      }
    }

    // handleConstraints
    if (constraints.userClusterKind !== 'none') constraints.add(constraints.userCluster, constraints.userClusterKind);
    if (constraints.globalKind !== 'none' || held) {
      const text = constraints.global;
      const kind = constraints.globalKind;
      const message =
        kind === 'user' ? ` of user ${text.slice(text.indexOf(' == ') + 4)}` : kind === 'cluster' ? ` in cluster ${text.slice(text.indexOf(' == ') + 4)}` : kind === 'none' || kind === 'all' ? '' : ` matching constraint (${text})`;
      // The schedd reads the constraint in old ClassAd syntax (ParseClassAdRvalExpr); the message shows it as typed.
      const stored = oldSyntaxToStorage(text);
      const constraint = held ? (stored === '' ? 'JobStatus == 5' : `${stored} && (JobStatus == 5)`) : stored;
      const jobsWord = held ? 'held jobs' : 'jobs';
      const perJob = long && !totals;
      const selection = kind === 'all' && !held ? { all: true } : { constraint };
      const reply = await api.act({ action: mode, ...selection, reason, subcode, user, long: perJob });
      print(reply, perJob);
      if (reply.done > 0) io.stdout(`All ${jobsWord}${message} have been ${actionWord(mode, true)}\n`);
      else if (reply.queueJobs === 0) io.stderr(`${fullText(tool, 'There are no jobs in the queue')}\n`);
      else {
        io.stderr('\n');
        io.stderr(`Couldn't find/${actionWord(mode, false)} all ${jobsWord}${message}\n`);
        hadError = true;
      }
    }
    return hadError ? 1 : 0;
  };
}

/** rm.cpp's procArg: a cluster, a cluster.proc, or a user; true when the argument is an error. */
function procArg(arg: string, constraints: Constraints, jobIds: string[], io: CommandIo): boolean {
  // str_isint || str_isreal: a number, with or without a fraction.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(arg)) {
    constraints.user(arg);
    return false;
  }
  const head = /^[+-]?\d*/.exec(arg)![0];
  const cluster = Number.parseInt(head, 10) || 0;
  if (cluster <= 0) {
    io.stderr(`Invalid cluster # from ${arg}.\n`);
    return true;
  }
  const rest = arg.slice(head.length);
  if (rest === '') {
    constraints.cluster(cluster);
    return false;
  }
  const proc = /^\.(\d*)$/.exec(rest);
  if (proc) {
    jobIds.push(`${cluster}.${Number.parseInt(proc[1] || '0', 10)}`);
    return false;
  }
  io.stderr(`Warning: unrecognized "${arg}" skipped.\n`);
  return false;
}

/** mayUserForceRm: ALLOW_FORCE_RM, an expression; unset, unparsable or not a boolean (it may need a job ad) is true. */
function mayForceRemove(setting: string | undefined, io: CommandIo): boolean {
  if (setting === undefined) return true;
  try {
    const value = new ClassAd().setExpr('test', setting).evaluate('test');
    return value.type === 'bool' ? value.value : true;
  } catch {
    io.stderr('The configuration setting ALLOW_FORCE_RM may be invalid.  Treating as TRUE.\n');
    return true;
  }
}

export const condorRm = jobActionCommand('condor_rm', 'remove');
export const condorHold = jobActionCommand('condor_hold', 'hold');
export const condorRelease = jobActionCommand('condor_release', 'release');
export const condorVacateJob = jobActionCommand('condor_vacate_job', 'vacate');
export const condorSuspend = jobActionCommand('condor_suspend', 'suspend');
export const condorContinue = jobActionCommand('condor_continue', 'continue');
