// starter_debug / starter_log (JobStarterDebug, JobStarterLog): the job's own copy of its starter's log,
// written in the sandbox as `.starter.log` (Starter::execJobPipeStarter's -a2 argument) and, with
// JobStarterLog, brought back with the output to the path named (JICShadow::transferOutputStart,
// modifyFileTransferObject's remap). tinycondor's startd plays the starter: the log holds the pino lines the
// startd writes for the run, in HTCondor's daemon-log line format, as the debug flags given select them.
import type { ClassAd } from './classad/index.js';
import { configBoolean } from './condor-config.js';
import { STARTER_LOG_NAME } from './transfer-files.js';

export { STARTER_LOG_NAME };

/** dprintf's header options tinycondor renders (D_FDS, D_IDENT and D_BACKTRACE have no meaning here). */
export interface StarterLogHeader {
  timestamp: boolean;
  subSecond: boolean;
  pid: boolean;
  category: boolean;
}

/** What goes into the job's starter log: D_ALWAYS and D_ERROR lines always, D_FULLDEBUG ones when `fullDebug`. */
export interface StarterLogSettings {
  fullDebug: boolean;
  header: StarterLogHeader;
}

const NO_HEADER: StarterLogHeader = { timestamp: false, subSecond: false, pid: false, category: false };

/** A character Starter::execJobPipeStarter does not let through in a JobStarterDebug value. */
const INVALID_FLAG_CHARACTER = /[^a-zA-Z0-9_:+\-~, \t]/;

/**
 * The starter log a job asks for, as Starter::execJobPipeStarter reads JobStarterDebug: true (or a string
 * that is a boolean, string_is_boolean_param) logs as the daemon's own log does (`daemonFullDebug`: the
 * startd's pino level includes debug lines); other text is flags as <SUBSYS>_DEBUG takes them, `default`
 * standing for the daemon's own ($(ALL_DEBUG),$(STARTER_DEBUG)). Undefined: no starter log (no attribute,
 * false, empty); `invalid`: the value has characters the startd refuses (it logs the refusal and writes none).
 */
export function starterLogSettings(ad: Pick<ClassAd, 'evaluate'>, daemonFullDebug: boolean): StarterLogSettings | { invalid: string } | undefined {
  const value = ad.evaluate('JobStarterDebug');
  const daemons: StarterLogSettings = { fullDebug: daemonFullDebug, header: NO_HEADER };
  if (value.type === 'bool') return value.value ? daemons : undefined;
  // LookupBool takes a number as a boolean too.
  if (value.type === 'int' || value.type === 'real') return value.value !== 0 ? daemons : undefined;
  if (value.type !== 'string') return undefined;
  const text = value.value;
  const asBoolean = configBoolean(text);
  if (asBoolean !== undefined) return asBoolean ? daemons : undefined;
  if (text === '') return undefined;
  const invalidAt = text.search(INVALID_FLAG_CHARACTER);
  if (invalidAt >= 0) return { invalid: `Ignoring invalid JobStarterDebug value (off=${invalidAt}): ${text}` };
  return parseDebugFlags(text.replaceAll('default', daemonFullDebug ? 'D_FULLDEBUG' : '').trim());
}

/**
 * _condor_parse_merge_debug_flags over dprintf_config's base for a -a2 log (D_ALWAYS, D_ERROR, D_STATUS):
 * tokens split at `|`, `,` and blanks; `-FLAG` (or `FLAG:0`) takes a flag away, `FLAG:2` is its verbose
 * level; D_FULLDEBUG is D_ALWAYS:2. The startd's lines carry no category but their level, so only the
 * verbosity of D_ALWAYS (D_FULLDEBUG, D_ALWAYS:2, D_ANY:2, D_ALL:2) and the header flags change the log.
 */
export function parseDebugFlags(text: string): StarterLogSettings {
  const header = { ...NO_HEADER };
  let fullDebug = false;
  for (const raw of text.split(/[|, ]+/)) {
    if (raw === '') continue;
    let token = raw;
    let verbosity = 1;
    if (token.startsWith('-')) {
      token = token.slice(1);
      verbosity = 0;
    } else if (token.startsWith('+')) token = token.slice(1);
    const colon = token.indexOf(':');
    if (colon >= 0) {
      if (/^[0-9]/.test(token.slice(colon + 1))) verbosity = Number(token[colon + 1]);
      token = token.slice(0, colon);
    }
    const name = token.toUpperCase();
    const headers: (keyof StarterLogHeader)[] = [];
    let always = false;
    if (name === 'D_ALL') {
      headers.push('pid', 'category');
      always = true;
    } else if (name === 'D_ANY' || name === 'D_ALWAYS') always = true;
    else if (name === 'D_FULLDEBUG') {
      always = true;
      verbosity *= 2;
    } else if (name === 'D_PID') headers.push('pid');
    else if (name === 'D_LEVEL' || name === 'D_CATEGORY' || name === 'D_CAT') headers.push('category');
    else if (name === 'D_SUB_SECOND') headers.push('subSecond');
    else if (name === 'D_TIMESTAMP') headers.push('timestamp');
    for (const option of headers) header[option] = verbosity > 0;
    if (always && verbosity > 1) fullDebug = true;
    else if (always && verbosity === 0) fullDebug = false;
  }
  return { fullDebug, header };
}

/** dprintf's category of a pino line: errors are D_ERROR, debug and trace D_FULLDEBUG (D_ALWAYS:2), the rest D_ALWAYS. */
function categoryOf(level: number): 'D_ERROR' | 'D_ALWAYS' | 'D_ALWAYS:2' {
  if (level >= 50) return 'D_ERROR';
  return level >= 30 ? 'D_ALWAYS' : 'D_ALWAYS:2';
}

/** The lowest pino level the starter log takes. */
export function lowestLevel(settings: StarterLogSettings): number {
  return settings.fullDebug ? 10 : 30;
}

const BASE_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'jobId', 'runId']);

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A field of the line after its message: an error by its message, objects as JSON. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'message' in value && typeof value.message === 'string') return value.message;
  return JSON.stringify(value);
}

/**
 * The sandbox files JICShadow::_remove_files_from_output keeps out of the output and the checkpoints of a job
 * with JobStarterDebug: `.starter.log.old`, and `.starter.log` itself unless JobStarterLog asks for it.
 */
export function starterLogExclusions(ad: Pick<ClassAd, 'has'>): string[] {
  if (!ad.has('JobStarterDebug')) return [];
  return ad.has('JobStarterLog') ? [`${STARTER_LOG_NAME}.old`] : [STARTER_LOG_NAME, `${STARTER_LOG_NAME}.old`];
}

/** Whether the final output carries the starter log (JICShadow::transferOutputStart's addOutputFile): JobStarterDebug and JobStarterLog. */
export function returnsStarterLog(ad: Pick<ClassAd, 'has'>): boolean {
  return ad.has('JobStarterDebug') && ad.has('JobStarterLog');
}

/**
 * A pino record as a line of HTCondor's daemon log (_format_global_header): `MM/DD/YY HH:MM:SS` in local
 * time (or the Unix time with D_TIMESTAMP; `.mmm` with D_SUB_SECOND), `(pid:N)` with D_PID, the category with
 * D_CAT, then the message and the record's own fields. Undefined when the settings leave the line out.
 */
export function starterLogLine(record: Record<string, unknown>, settings: StarterLogSettings): string | undefined {
  const level = typeof record.level === 'number' ? record.level : 30;
  const category = categoryOf(level);
  if (category === 'D_ALWAYS:2' && !settings.fullDebug) return undefined;
  const { header } = settings;
  const ms = typeof record.time === 'number' ? record.time : Date.now();
  const seconds = Math.floor(ms / 1000);
  const fraction = header.subSecond ? `.${String(ms % 1000).padStart(3, '0')}` : '';
  let text: string;
  if (header.timestamp) text = `${seconds}${fraction} `;
  else {
    const at = new Date(seconds * 1000);
    text = `${two(at.getMonth() + 1)}/${two(at.getDate())}/${two(at.getFullYear() % 100)} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}${fraction} `;
  }
  if (header.pid && typeof record.pid === 'number') text += `(pid:${record.pid}) `;
  if (header.category) text += `(${category}) `;
  text += typeof record.msg === 'string' ? record.msg : '';
  const fields = Object.entries(record).filter(([key]) => !BASE_FIELDS.has(key));
  if (fields.length > 0) text += ` (${fields.map(([key, value]) => `${key}=${fieldText(value)}`).join(', ')})`;
  return `${text}\n`;
}

/** CondorUniverseName: the universe's name as the starter logs it ("Starting a VANILLA universe job…"). */
export function universeName(universe: number): string {
  const names = ['NULL', 'STANDARD', 'PIPE', 'LINDA', 'PVM', 'VANILLA', 'PVMD', 'SCHEDULER', 'MPI', 'GRID', 'JAVA', 'PARALLEL', 'LOCAL', 'VM'];
  return names[universe] ?? 'UNKNOWN';
}
