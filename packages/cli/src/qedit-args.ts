// condor_qedit's command line as HTCondor's tool reads it (src/condor_tools/qedit.cpp): the jobs it
// restricts the edit to, the edits, and its messages word for word.
import { ClassAdParseError, parseExpr, parseOldExpr, unparse, unparseOldSyntax } from '@tinycondor/shared/classad/index';
import { attributeProtection, isValidAttrName, isValidAttrValue, type JobAttrRules } from '@tinycondor/shared/job-edit';
import { atoi } from '@tinycondor/shared/c-numbers';

export const QEDIT_USAGE = `Usage: condor_qedit [help-opts] [general-opts] <restriction-list> <edit-list>

    [help-opts] are:
\t-help\t\t   Display this screen
\t-debug\t\t   Display debugging info to console
\t-dry-run\t   Display whether edit is allowed

    [general-opts] are:
\t-name <name>\t   Name of Scheduler
\t-pool <pool>\t   Use host as the central manager to query
\t-forward\t   Forward changes to shadow/gridmanager

    <restriction-list> is one or more of:
\t<cluster>\t   Edit jobs in a specific cluster
\t<cluster>.<proc>   Edit a specific job
\t<owner>\t\t   Edit jobs owned by <owner>
\t-jobids <id-list>  Edit jobs in <id-list>
\t-owner <owner>     Edit jobs owned by <owner>
\t-constraint <expr> Edit jobs that match <expr>

    <edit-list> is a set of <attr> and <value> pairs, in one of two forms
\t<attr> <value>\t   Two argument form, alternate <attr> and <value>
\t<attr>=<value>\t   Single argument form, = separates <attr> and <value>
\t-edits[:<form>] <file> Read edits from <file> in ClassAd format.
\t           where <form> is one of:
\t       auto    default, guess the format from reading the input stream
\t       long    The traditional -long form
\t       xml     XML form, the same as -xml
\t       json    JSON classad form, the same as -json
\t       new     'new' classad form without newlines

At least one restriction and one edit must be specified, restrictions must be
first. The restriction-list should be: a list of job and/or cluster ids, a
single owner name, or one or more of -owner, -jobids, -constraint arguments.
If both owner and jobids are specified, only jobs that match both will be
edited. If a -constraint argument is also provided, only jobs that also match
the constraint will be edited.
If only a -constraint argument is provided, jobs not owned by the current user
will be ignored unless the current user is a queue superuser.

Once a restriction has been specified, all remaining arguments that do not
start with a - are part of the <edit-list>.  An argument that contains = will
be treated as an <attr>=<value> pair, otherwise arguments should alternate
between <attr> and <value>
`;

const ME = 'condor_qedit';

/** What the command line asks for: an edit, the usage (on stdout with 0, on stderr with 1), an error, or `-diagnostic`'s report. */
export type QeditCommand =
  | { edit: QeditRequest }
  | { usage: 0 | 1; message?: string }
  | { error: string; abort?: boolean }
  | { diagnostic: QeditDiagnostic };

/**
 * `-diagnostic[:N]`: qedit prints the query and edits it would send, and exits 0 without editing. At level 1
 * it stops reading its arguments at the first bad edit (as without it); from 2 on it reads them all.
 */
export interface QeditDiagnostic {
  /** What qedit printed on stderr while reading its arguments (bad attribute names and values). */
  errors: string[];
  jobs?: string[];
  constraint?: string;
  onlyMyJobs: boolean;
  canDoClusterEdits: boolean;
  edits: [string, string][];
  editsFile?: QeditRequest['editsFile'];
}

export interface QeditRequest {
  /** Full job ids alone, in order; or the constraint qedit builds (its text is in failure messages). */
  jobs?: string[];
  constraint?: string;
  onlyMyJobs: boolean;
  /** By attribute name, as qedit's std::map orders them; a name given twice keeps its last value. */
  edits: [string, string][];
  dryRun: boolean;
  /** -forward (SetAttribute_SetDirty): the edits reach the running jobs' shadow side at once. */
  forward?: true;
  /** A file of edits to read (`-` is stdin) and its format, to be merged by the caller. */
  editsFile?: { file: string; format: EditsFormat };
}

export type EditsFormat = 'auto' | 'long' | 'xml' | 'json' | 'new';

/** HTCondor's is_dash_arg_prefix: `-` (or `--`) then a prefix of `name` at least `min` long. */
function isDashArg(arg: string, name: string, min: number): boolean {
  const bare = arg.replace(/^--?/, '');
  if (bare === arg || bare.length < min) return false;
  return name.startsWith(bare);
}

/** is_dash_arg_colon_prefix: as isDashArg, with an optional `:suffix`; the suffix, or null when none. */
function dashColonArg(arg: string, name: string, min: number): string | null | undefined {
  const colon = arg.indexOf(':');
  const head = colon < 0 ? arg : arg.slice(0, colon);
  if (!isDashArg(head, name, min)) return undefined;
  return colon < 0 ? null : arg.slice(colon + 1);
}

interface JobIdKey {
  cluster: number;
  proc: number;
}

/** JOB_ID_KEY's parse of an id: `C` is a cluster (proc -1), `C.P` a job (sscanf: leading digits count). */
function jobIdKey(text: string): JobIdKey {
  const match = /^\s*(\d*)(?:\.(\d*))?/.exec(text) as RegExpExecArray;
  const cluster = match[1] === '' ? 0 : Number(match[1]);
  const proc = match[2] === undefined || match[2] === '' ? -1 : Number(match[2]);
  return { cluster, proc };
}

/** qedit.cpp's makeJobidConstraint: ids grouped by cluster, in order. */
function jobIdConstraint(keys: JobIdKey[]): string {
  let out = '';
  const byCluster = new Map<number, Set<number>>();
  for (const key of keys) {
    const procs = byCluster.get(key.cluster) ?? new Set<number>();
    if (key.proc >= 0) procs.add(key.proc);
    byCluster.set(key.cluster, procs);
  }
  for (const [cluster, procs] of [...byCluster].sort(([a], [b]) => a - b)) {
    if (cluster <= 0) continue;
    if (out !== '') out += '|| ';
    const sorted = [...procs].sort((a, b) => a - b);
    if (sorted.length === 0) out += `ClusterId == ${cluster} `;
    else if (sorted.length === 1) out += `( ClusterId == ${cluster} && ProcId == ${sorted[0]} )`;
    else out += `( ClusterId == ${cluster} && (${sorted.map((p) => `ProcId == ${p} `).join(' || ')}))`;
  }
  return out;
}

/** GenericQuery::makeQuery of custom AND constraints. */
function andQuery(clauses: string[]): string {
  return clauses.length === 0 ? '' : `(${clauses.map((c, i) => `${i === 0 ? ' ' : ' && '}(${c})`).join('')} )`;
}

/** Reads condor_qedit's arguments (qedit.cpp's main, up to the connection to the schedd). */
export function parseQeditArgs(args: string[], onlyMyJobsDefault = true): QeditCommand {
  if (args.length === 0) return { usage: 1 };
  const ands: string[] = [];
  const jobList: string[] = [];
  const edits = new Map<string, string>();
  let onlyMyJobs = onlyMyJobsDefault;
  let bareArgMustIdentifyJobs = true;
  let dryRun = false;
  let forward = false;
  let diagnostic = 0;
  let hasArbitraryConstraint = false;
  const errors: string[] = [];
  let editsFile: QeditRequest['editsFile'];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    let suffix: string | null | undefined;
    if (isDashArg(arg, 'help', 1)) return { usage: 0 };
    if (isDashArg(arg, 'name', 1) || isDashArg(arg, 'pool', 1)) {
      // tinycondor has one schedd: refused rather than ignored, so a script naming another edits none.
      return { error: `${ME}: ${arg} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names` };
    } else if (dashColonArg(arg, 'debug', 1) !== undefined) {
      // TOOL_DEBUG output: tinycondor's tools have none to show; the edit is the same.
    } else if ((suffix = dashColonArg(arg, 'diagnostic', 4)) !== undefined) {
      diagnostic = suffix === null ? 1 : atoi(suffix);
    } else if (isDashArg(arg, 'dry-run', 3)) dryRun = true;
    else if (isDashArg(arg, 'constraint', 1)) {
      const expr = args[++i];
      if (expr === undefined) return { error: `${ME}: ${arg} requires a ClassAd expression an argument` };
      try {
        parseOldExpr(expr);
      } catch {
        return { error: `${ME}: invalid constraint: ${expr}` };
      }
      ands.push(expr);
      bareArgMustIdentifyJobs = false;
      hasArbitraryConstraint = true;
    } else if (isDashArg(arg, 'owner', 1)) {
      const owner = args[++i];
      if (owner === undefined || owner.startsWith('-')) return { error: `${ME}: ${arg} requires a owner name argument` };
      ands.push(`Owner=="${owner}"`);
      bareArgMustIdentifyJobs = false;
      onlyMyJobs = false;
    } else if (isDashArg(arg, 'jobids', 1)) {
      const list = args[++i];
      if (list === undefined || list.startsWith('-')) return { error: `${ME}: ${arg} requires a list of job ids as an argument` };
      jobList.push(...list.split(/[\s,]+/).filter((id) => id !== ''));
      bareArgMustIdentifyJobs = false;
      onlyMyJobs = false;
    } else if ((suffix = dashColonArg(arg, 'edits', 2)) !== undefined) {
      const file = args[++i];
      if (file === undefined || (file.startsWith('-') && file !== '-')) return { error: `${ME}: ${arg} requires a filename as an argument` };
      const format = (suffix ?? 'auto').toLowerCase();
      editsFile = { file, format: (['auto', 'long', 'xml', 'json', 'new'].includes(format) ? format : 'auto') as EditsFormat };
    } else if (isDashArg(arg, 'forward', 3)) {
      forward = true;
    } else if (arg.startsWith('-')) {
      return { usage: 1, message: `${ME}: ${arg} is not a valid option\n` };
    } else if (bareArgMustIdentifyJobs) {
      bareArgMustIdentifyJobs = false;
      onlyMyJobs = false;
      if (/^\d/.test(arg)) {
        jobList.push(arg);
        while (i + 1 < args.length && /^\d/.test(args[i + 1] as string)) jobList.push(args[++i] as string);
      } else ands.push(`Owner=="${arg}"`);
    } else {
      let name = arg;
      let value: string;
      const equals = arg.indexOf('=');
      if (equals >= 0) {
        name = arg.slice(0, equals).trim();
        value = arg.slice(equals + 1).trim();
      } else {
        const next = args[++i];
        if (next === undefined) return { usage: 1, message: `${ME} : expression required after attribute ${arg}\n` };
        value = next;
      }
      if (name.trim() === '' || !isValidAttrName(name)) {
        errors.push(`Update aborted, illegal attribute-name specified for attribute "${name}".`);
        if (diagnostic <= 1) break;
      }
      if (!isValidAttrValue(value, true)) {
        errors.push(`Update aborted, illegal value for : ${name}`);
        if (diagnostic <= 1) break;
      }
      edits.set(name, value);
    }
  }
  if (errors.length > 0 && diagnostic === 0) return { error: errors[0] as string, abort: true };

  const keys = jobList.map(jobIdKey);
  let jobs: string[] | undefined;
  if (keys.length > 0) {
    const haveClusterId = keys.some((key) => key.proc < 0);
    if (haveClusterId || ands.length > 0) ands.push(jobIdConstraint(keys));
    else jobs = [...new Map(keys.sort((a, b) => a.cluster - b.cluster || a.proc - b.proc).map((k) => [`${k.cluster}.${k.proc}`, k])).keys()];
  }
  const constraint = andQuery(ands);
  // A cluster id alone keeps cluster edits possible; a job id or a -constraint does not (qedit's can_do_cluster_edits).
  const diagnosticOf = (): QeditDiagnostic => ({
    errors,
    ...(jobs ? { jobs } : constraint === '' ? {} : { constraint }),
    onlyMyJobs,
    canDoClusterEdits: !hasArbitraryConstraint && keys.every((key) => key.proc < 0),
    edits: sortedEdits(edits),
    ...(editsFile ? { editsFile } : {}),
  });
  if (errors.length > 0) return { diagnostic: diagnosticOf() };
  if (jobs === undefined && constraint === '') {
    return { usage: 1, message: edits.size > 0 || editsFile ? `${ME} : Error - there were no jobs specified.\n\tuse -constraint, jobid or owner argument to indicate which jobs to edit\n` : undefined };
  }
  if (edits.size === 0 && !editsFile) return { usage: 1, message: `${ME} : Error - no attributes specifed.\n` };
  if (diagnostic !== 0) return { diagnostic: diagnosticOf() };
  return {
    edit: {
      ...(jobs ? { jobs } : { constraint }),
      onlyMyJobs,
      edits: sortedEdits(edits),
      dryRun,
      ...(forward ? { forward } : {}),
      ...(editsFile ? { editsFile } : {}),
    },
  };
}

/** `-diagnostic`'s report on stdout (qedit.cpp after its argument checks), with the tool's attribute rules. */
export function diagnosticReport(report: QeditDiagnostic, edits: [string, string][], rules: JobAttrRules): string {
  const lines = ['--- effective query ----', 'FROM local (local)'];
  if (report.jobs) lines.push(`QEDIT BY JOBID : ${report.jobs.map((id) => `${id} `).join('')}`);
  if (report.constraint !== undefined) lines.push(`QEDIT BY CONSTRAINT : ${report.constraint}`);
  lines.push(`ONLY_MY_JOBS = ${report.onlyMyJobs}`, `CAN_DO_CLUSTER_EDITS = ${report.canDoClusterEdits}`);
  for (const [name, value] of edits) {
    lines.push(`${name} = ${value}`);
    const protection = attributeProtection(name, rules);
    if (protection !== 'normal') lines.push(`  ${protection === 'protected' ? 'WARNING' : 'ERROR'}: ${protection} attribute`);
    else if (name.trim() === '' || !isValidAttrName(name)) lines.push('  ERROR: invalid attribute');
    if (!isValidAttrValue(value, true)) lines.push('  ERROR: invalid expression');
  }
  lines.push('------------------------');
  return `${lines.join('\n')}\n`;
}

/**
 * An edit's value in the form the schedd stores: qedit passes the text on and SetAttribute reads it in old
 * ClassAd syntax (ParseClassAdRvalExpr), so `"C:\dir"` is a string with a backslash. undefined when it does
 * not parse that way.
 */
export function storedEditValue(value: string): string | undefined {
  try {
    return unparse(parseOldExpr(value));
  } catch (err) {
    if (err instanceof ClassAdParseError) return undefined;
    throw err;
  }
}

/** qedit's std::map order: by name, byte for byte. */
export function sortedEdits(edits: Map<string, string>): [string, string][] {
  return [...edits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The attributes qedit itself refuses before it asks the schedd, with the rules of its own configuration:
 * immutable and secure ones. A protected one is left to the schedd, which lets a queue superuser change it.
 */
export function protectedEditErrors(edits: [string, string][], rules: JobAttrRules): string[] {
  return edits
    .map(([name]) => [name, attributeProtection(name, rules)] as const)
    .filter(([, protection]) => protection === 'immutable' || protection === 'secure')
    .map(([name, protection]) => `Update of ${protection} attribute "${name}" is not allowed.`);
}

/**
 * The edits of a `-edits` file: one ad in the long form (`Name = value` lines) or the new form (`[ a = 1; … ]`).
 * XML and JSON ads are refused by name rather than misread.
 */
export function editsFromFile(text: string, format: EditsFormat, file: string): Map<string, string> {
  const trimmed = text.trimStart();
  const form = format === 'auto' ? (trimmed.startsWith('[') ? 'new' : trimmed.startsWith('{') ? 'json' : trimmed.startsWith('<') ? 'xml' : 'long') : format;
  if (form === 'json' || form === 'xml') throw new Error(`Unable to read file of edits: ${file} (tinycondor reads the long and new ClassAd forms, not ${form})`);
  const edits = new Map<string, string>();
  if (form === 'new') {
    const expr = parseExpr(trimmed);
    if (expr.kind !== 'record') throw new Error(`Unable to read file of edits: ${file}`);
    // qedit.cpp: each value as ExprTreeToString writes it, in old ClassAd syntax, like the command line's.
    for (const entry of expr.entries) edits.set(entry.name, unparseOldSyntax(entry.expr));
    return edits;
  }
  for (const line of text.split('\n')) {
    const content = line.trim();
    if (content === '' && edits.size > 0) break;
    if (content === '' || content.startsWith('#')) continue;
    const equals = content.indexOf('=');
    const name = equals < 0 ? '' : content.slice(0, equals).trim();
    if (!isValidAttrName(name) || !isValidAttrValue(content.slice(equals + 1), true)) throw new Error(`Unable to read file of edits: ${file}`);
    edits.set(name, content.slice(equals + 1).trim());
  }
  if (edits.size === 0) throw new Error(`Unable to read file of edits: ${file}`);
  return edits;
}
