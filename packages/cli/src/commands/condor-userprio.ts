import { ScheddRefused } from '@tinycondor/client/errors';
import type { UserPrioBody } from '@tinycondor/shared/rest-schemas';
import { CliError, type Command } from '../cli-error.js';
import { DETAIL_ALL, DETAIL_MOST, DETAIL_PRIOS, DETAIL_USAGE, formatUserPrio } from '../format/userprio.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';
import { atoi } from '@tinycondor/shared/c-numbers';

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

/**
 * IsArg (match_prefix.cpp is_dash_arg_prefix): `-` and a prefix of `name` at least `min` characters long (at
 * least one); `--` and the whole name.
 */
function isArg(arg: string, name: string, min = 0): boolean {
  if (!arg.startsWith('-')) return false;
  const whole = arg.startsWith('--');
  const bare = arg.slice(whole ? 2 : 1).split(':')[0] as string;
  if (bare === '' || !name.startsWith(bare)) return false;
  return whole ? bare === name : bare.length >= Math.max(min, 1);
}

/** C's atof and atoi: the leading number of the text, 0 if none. */
function atof(text: string): number {
  const match = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)/i.exec(text);
  return match ? Number(match[0]) : 0;
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

const GROUPS = 'tinycondor has no accounting-group quotas (GROUP_NAMES)';
const TABLE_ONLY = 'tinycondor prints the table only';
const LEASES = 'tinycondor has no priority leases';

/**
 * user_prio.cpp's options in the order it tries them (so `-s` is -setprio, `-a` is -all), with IsArg's
 * minimum prefix, how many values follow, and what each does here: an edit, a display option, or a refusal
 * for what needs accounting-group quotas, a collector, a negotiator of its own or ClassAd output.
 */
const OPTIONS: { name: string; min?: number; values?: number; edit?: keyof typeof EDITS | 'resetall'; refused?: string }[] = [
  { name: 'setprio', values: 2, edit: 'setprio' },
  { name: 'setfactor', values: 2, edit: 'setfactor' },
  { name: 'setfloor', refused: 'tinycondor has no submitter floors' },
  { name: 'setceiling', refused: 'tinycondor has no submitter ceilings' },
  { name: 'duration', refused: LEASES },
  { name: 'cancelceilinglease', refused: LEASES },
  { name: 'cancelfloorlease', refused: LEASES },
  { name: 'cancelfactorlease', refused: LEASES },
  { name: 'setbegin', values: 2, edit: 'setbegin' },
  { name: 'setaccum', values: 2, edit: 'setaccum' },
  { name: 'setlast', values: 2, edit: 'setlast' },
  { name: 'resetusage', values: 1, edit: 'resetusage' },
  { name: 'delete', min: 3, values: 1, edit: 'delete' },
  { name: 'resetall', edit: 'resetall' },
  { name: 'long', min: 1, refused: TABLE_ONLY },
  { name: 'constraint', min: 1, refused: TABLE_ONLY },
  { name: 'legacy', min: 3, refused: TABLE_ONLY },
  { name: 'modular', min: 3, refused: TABLE_ONLY },
  { name: 'af', min: 2, refused: TABLE_ONLY },
  { name: 'autoformat', min: 5, refused: TABLE_ONLY },
  { name: 'debug', min: 1, refused: 'tinycondor has no TOOL_DEBUG log' },
  // Every user is in the <none> group here, whose listing user_prio.cpp prints flat either way.
  { name: 'hierarchical', min: 2 },
  { name: 'heir' },
  { name: 'flat', min: 2 },
  { name: 'grouprollup', refused: GROUPS },
  { name: 'grouporder', refused: GROUPS },
  { name: 'quotas', min: 1, refused: GROUPS },
  { name: 'surplus', refused: GROUPS },
  { name: 'sortkey', min: 2, refused: GROUPS },
  { name: 'all' },
  { name: 'most', min: 2 },
  { name: 'groupid', refused: GROUPS },
  { name: 'order', refused: GROUPS },
  { name: 'activefrom', values: 3 },
  { name: 'allusers' },
  { name: 'usage', min: 2 },
  { name: 'priority', min: 4 },
  { name: 'getreslist', min: 6, refused: 'tinycondor keeps no resource list per submitter' },
  { name: 'inputfile', min: 2, refused: 'tinycondor reads the priorities from its schedd only' },
  { name: 'pool', min: 1, refused: 'tinycondor has one schedd, the one CONDOR_CONFIG names' },
  { name: 'name', refused: 'tinycondor has one schedd, the one CONDOR_CONFIG names' },
  { name: 'collector', min: 3, refused: 'tinycondor has no collector: its schedd keeps the priorities' },
  { name: 'negotiator', min: 3, refused: 'tinycondor has no negotiator of its own: its schedd keeps the priorities' },
];

/** The order main() acts on the edits given: the first of them is done, alone. */
const EDIT_ORDER: UserPrioBody['command'][] = ['setprio', 'setfactor', 'setaccum', 'setbegin', 'setlast', 'resetusage', 'delete', 'resetall'];

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
  const edits = new Map<UserPrioBody['command'], string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const option = OPTIONS.find(({ name, min }) => isArg(arg, name, min));
    if (option === undefined) {
      if (/^[A-Za-z]/.test(arg) || arg === '<none>') users.push(arg);
      else usage();
      continue;
    }
    if (option.refused !== undefined) throw new CliError(`condor_userprio: ${arg} is not supported by tinycondor: ${option.refused}`);
    const count = option.values ?? 0;
    if (i + count >= args.length) usage();
    const values = args.slice(i + 1, i + 1 + count);
    i += count;
    if (option.edit !== undefined) edits.set(option.edit, values);
    else if (option.name === 'all') detail |= DETAIL_ALL;
    else if (option.name === 'most') detail |= DETAIL_MOST;
    else if (option.name === 'usage') detail |= DETAIL_USAGE;
    else if (option.name === 'priority') detail |= DETAIL_PRIOS;
    else if (option.name === 'allusers') minLastUsage = -1;
    else if (option.name === 'activefrom') minLastUsage = calcTime(atoi(values[0] as string), atoi(values[1] as string), atoi(values[2] as string));
  }
  const command = EDIT_ORDER.find((name) => edits.has(name));
  if (command !== undefined) {
    const [submitter, value] = edits.get(command) as string[];
    edit = { command, ...(submitter === undefined ? {} : { submitter }), ...(value === undefined ? {} : { value: command === 'setbegin' || command === 'setlast' ? atoi(value) : atof(value) }) };
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
