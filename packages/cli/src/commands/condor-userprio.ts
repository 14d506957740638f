import { ScheddRefused } from '@tinycondor/client/errors';
import type { UserPrioBody } from '@tinycondor/shared/rest-schemas';
import { CliError, type Command } from '../cli-error.js';
import { DETAIL_ALL, DETAIL_MOST, DETAIL_PRIOS, DETAIL_USAGE, formatUserPrio } from '../format/userprio.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';

/** user_prio.cpp's usage (its first line), with what tinycondor has. */
const USAGE =
  'usage: condor_userprio [options] [edit-option | display-options [usernames]]\n' +
  '    where [edit-option] is one of\n' +
  '\t-resetusage <user>\tReset usage data for <user>\n' +
  '\t-resetall\t\tReset all usage data\n' +
  '\t-delete <user>\t\tRemove a user record from the accountant\n' +
  '\t-setprio <user> <val>\tSet priority for <user>\n' +
  '\t-setfactor <user> <val>\tSet priority factor for <user>\n' +
  '\t-setaccum <user> <val>\tSet Accumulated usage for <user>\n' +
  '\t-setbegin <user> <val>\tset last first date for <user>\n' +
  '\t-setlast <user> <val>\tset last active date for <user>\n' +
  '    where [display-options] are one or more of\n' +
  '\t-allusers\t\tDisplay data for all users\n' +
  '\t-activefrom <month> <day> <year> Display data for users active since this date\n' +
  '\t-priority\t\tDisplay user priority fields\n' +
  '\t-usage\t\t\tDisplay user/group usage fields\n' +
  '\t-most\t\t\tDisplay most useful prio and usage fields\n' +
  '\t-all\t\t\tDisplay all fields\n' +
  '\t-flat\t\t\tDo not display users under their groups\n' +
  '\t-hierarchical\t\tDisplay users under their groups\n' +
  '   if [usernames] is specified, output will be restricted to the given names if possible.\n';

/** IsArg: `-name` (or `--name`) or a prefix of it at least `min` characters long. */
function isArg(arg: string, name: string, min = name.length): boolean {
  const bare = arg.replace(/^--?/, '');
  return arg.startsWith('-') && bare.length >= min && name.startsWith(bare);
}

/** C's atof and atoi: the leading number of the text, 0 if none. */
function atof(text: string): number {
  const match = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)/i.exec(text);
  return match ? Number(match[0]) : 0;
}
function atoi(text: string): number {
  const match = /^\s*[+-]?\d+/.exec(text);
  return match ? Math.trunc(Number(match[0])) : 0;
}

/** printf's %f. */
const f = (n: number): string => n.toFixed(6);

/** CalcTime: midnight local time of month/day/year (a year below 50 is 20xx, below 1900 19xx). */
function calcTime(month: number, day: number, year: number): number {
  let y = year;
  if (y < 50) y += 100;
  if (y > 1900) y -= 1900;
  return Math.floor(new Date(y + 1900, month - 1, day).getTime() / 1000);
}

/** Options that need HTCondor's accounting-group quotas, a collector, a negotiator of its own or ClassAd output, which tinycondor has not. */
const UNSUPPORTED: [name: string, min: number, why: string][] = [
  ['setfloor', 8, 'tinycondor has no submitter floors'],
  ['setceiling', 10, 'tinycondor has no submitter ceilings'],
  ['duration', 8, 'tinycondor has no priority leases'],
  ['cancelceilinglease', 18, 'tinycondor has no priority leases'],
  ['cancelfloorlease', 16, 'tinycondor has no priority leases'],
  ['cancelfactorlease', 17, 'tinycondor has no priority leases'],
  ['getreslist', 6, 'tinycondor keeps no resource list per submitter'],
  ['inputfile', 2, 'tinycondor reads the priorities from its schedd only'],
  ['grouporder', 10, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['grouprollup', 11, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['groupid', 7, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['quotas', 1, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['surplus', 7, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['sortkey', 2, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['order', 5, 'tinycondor has no accounting-group quotas (GROUP_NAMES)'],
  ['long', 1, 'tinycondor prints the table only'],
  ['legacy', 3, 'tinycondor prints the table only'],
  ['modular', 3, 'tinycondor prints the table only'],
  ['constraint', 1, 'tinycondor prints the table only'],
  ['autoformat', 5, 'tinycondor prints the table only'],
  ['af', 2, 'tinycondor prints the table only'],
  ['collector', 3, 'tinycondor has no collector: its schedd keeps the priorities'],
  ['negotiator', 3, 'tinycondor has no negotiator of its own: its schedd keeps the priorities'],
  ['pool', 1, 'tinycondor has one schedd, the one CONDOR_CONFIG names'],
  ['name', 4, 'tinycondor has one schedd, the one CONDOR_CONFIG names'],
];

/** The edit's messages (user_prio.cpp): what it updates, and what it prints once done. */
const EDITS: Record<Exclude<UserPrioBody['command'], 'resetall'>, { args: 1 | 2; what: string; done: (user: string, value: number) => string; check?: (value: number) => string | undefined }> = {
  setprio: { args: 2, what: 'to update the priority of', done: (u, v) => `The priority of ${u} was set to ${f(v)}` },
  setfactor: { args: 2, what: 'to update the priority of', done: (u, v) => `The priority factor of ${u} was set to ${f(v)}`, check: (v) => (v < 1 ? 'Priority factors must be greater than or equal to 1.' : undefined) },
  setaccum: { args: 2, what: 'to update the Accumulated usage of', done: (u, v) => `The Accumulated Usage of ${u} was set to ${f(v)}`, check: (v) => (v < 0 ? 'Usage must be greater than 0 seconds' : undefined) },
  setbegin: { args: 2, what: 'to update the begin usage time of', done: (u, v) => `The Begin Usage Time of ${u} was set to ${v}`, check: (v) => (v < 0 ? 'Time must be greater than 0 seconds' : undefined) },
  setlast: { args: 2, what: 'to update the last usage time of', done: (u, v) => `The Last Usage Time of ${u} was set to ${v}`, check: (v) => (v < 0 ? 'Time must be greater than 0 seconds' : undefined) },
  resetusage: { args: 1, what: 'to update the priority of', done: (u) => `The accumulated usage of ${u} was reset` },
  delete: { args: 1, what: 'to delete', done: (u) => `The accountant record named ${u} was deleted` },
};

/** The negotiator's command each edit sends, named when it is refused. */
const COMMAND_NAMES: Record<UserPrioBody['command'], string> = {
  setprio: 'SET_PRIORITY',
  setfactor: 'SET_PRIORITYFACTOR',
  setaccum: 'SET_ACCUMUSAGE',
  setbegin: 'SET_BEGINTIME',
  setlast: 'SET_LASTTIME',
  resetusage: 'RESET_USAGE',
  resetall: 'RESET_ALL_USAGE',
  delete: 'DELETE_USER',
};

/**
 * condor_userprio: each submitter's priority and usage, as the schedd's accountant keeps them, in HTCondor's
 * table (see format/userprio.ts), or one edit of them (only a queue superuser may).
 */
export const condorUserprio: Command = async (args, io) => {
  let detail = 0;
  let minLastUsage = Math.floor(Date.now() / 1000) - 60 * 60 * 24;
  let edit: UserPrioBody | undefined;
  const users: string[] = [];
  const usage = (): never => {
    throw new CliError(USAGE);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const editName = (Object.keys(EDITS) as (keyof typeof EDITS)[]).find((name) => isArg(arg, name, name === 'delete' ? 3 : name.length));
    if (editName !== undefined) {
      const { args: count } = EDITS[editName];
      if (i + count >= args.length) usage();
      edit = { command: editName, submitter: args[i + 1], ...(count === 2 ? { value: editName === 'setbegin' || editName === 'setlast' ? atoi(args[i + 2] as string) : atof(args[i + 2] as string) } : {}) };
      i += count;
    } else if (isArg(arg, 'resetall')) edit = { command: 'resetall' };
    else if (isArg(arg, 'all')) detail |= DETAIL_ALL;
    else if (isArg(arg, 'most', 2)) detail |= DETAIL_MOST;
    else if (isArg(arg, 'usage', 2)) detail |= DETAIL_USAGE;
    else if (isArg(arg, 'priority', 4)) detail |= DETAIL_PRIOS;
    else if (isArg(arg, 'allusers')) minLastUsage = -1;
    // Every user is in the <none> group here, whose listing user_prio.cpp prints flat either way.
    else if (isArg(arg, 'flat', 2) || isArg(arg, 'hierarchical', 2) || isArg(arg, 'heir')) continue;
    else if (isArg(arg, 'activefrom')) {
      if (args.length - i <= 3) usage();
      minLastUsage = calcTime(atoi(args[i + 1] as string), atoi(args[i + 2] as string), atoi(args[i + 3] as string));
      i += 3;
    } else if (isArg(arg, 'help', 1)) usage();
    else if (arg.startsWith('-')) {
      const unsupported = UNSUPPORTED.find(([name, min]) => isArg(arg.split(':')[0] as string, name, min));
      if (unsupported) throw new CliError(`condor_userprio: ${arg} is not supported by tinycondor: ${unsupported[2]}`);
      usage();
    } else if (/^[A-Za-z]/.test(arg) || arg === '<none>') users.push(arg);
    else usage();
  }
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  if (edit) return editPrio(api, edit, io);
  // The names asked for are shown whenever they were last active.
  if (users.length > 0) minLastUsage = -1;
  const { lastUpdate, records } = await api.userPrio();
  const named = users.length === 0 ? records : records.filter((r) => users.some((u) => (u.includes('@') ? r.name === u : r.name.split('@')[0] === u)));
  io.stdout(formatUserPrio(lastUpdate, named, { detail: detail === 0 ? DETAIL_MOST : detail, minLastUsage }));
  return 0;
};

async function editPrio(api: ReturnType<typeof connectSchedd>, edit: UserPrioBody, io: Parameters<Command>[1]): Promise<number> {
  const { command, submitter = '', value = 0 } = edit;
  const spec = command === 'resetall' ? undefined : EDITS[command];
  if (spec && !submitter.includes('@')) {
    const record = command === 'delete' ? 'record' : 'submittor';
    throw new CliError(`condor_userprio: You must specify the full name of the ${record} you wish\n\t${spec.what} (user@uid.domain or user@full.host.name)`);
  }
  const problem = spec?.check?.(value);
  if (problem) throw new CliError(problem);
  try {
    await api.editUserPrio(edit);
  } catch (err) {
    if (!(err instanceof ScheddRefused)) throw err;
    io.stderr(`${err.message}\n`);
    throw new CliError(`failed to send ${COMMAND_NAMES[command]} command to negotiator`);
  }
  io.stdout(`${spec ? spec.done(submitter, value) : 'The accumulated usage was reset for all users'}\n`);
  return 0;
}
