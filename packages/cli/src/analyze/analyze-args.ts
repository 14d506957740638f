import { CliError } from '../cli-error.js';

/** condor_q's analyze options (queue.cpp), taken out of the arguments before the query options are read. */
export interface AnalyzeArgs {
  /** -analyze / -better-analyze (either spelling) or -reverse-analyze was given. */
  analyze: boolean;
  /** -better-analyze: analyse the Requirements of every job, not only of jobs some slot rejects. */
  better: boolean;
  /** -reverse-analyze or the `reverse` qualifier: analyse the slots' requirements against the jobs. */
  reverse: boolean;
  /** The `summary` qualifier: one line per job (per slot with `reverse`). */
  summary: boolean;
  /** The `noprune` qualifier: the clause tables list every clause. */
  noprune: boolean;
  /** -slotads FILE: the slot ads (long form, as condor_status -long prints them) instead of the pool's. */
  slotadsFile?: string;
  /** -machine NAME: only the slots with this Name or Machine. */
  machine?: string;
  /** -mconstraint / -slotconstraint EXPR: only the slots this holds for. */
  slotConstraint?: string;
  verbose: boolean;
  /** The arguments left for the query options. */
  rest: string[];
}

/** is_dash_arg_colon_prefix: `-name[:qualifiers]` given by a prefix of at least `min` characters. */
function dashPrefix(arg: string, name: string, min: number): { qualifiers?: string } | undefined {
  if (!arg.startsWith('-')) return undefined;
  const body = arg.replace(/^--?/, '');
  const colon = body.indexOf(':');
  const bare = (colon < 0 ? body : body.slice(0, colon)).toLowerCase();
  if (bare.length < min || !name.startsWith(bare)) return undefined;
  return colon < 0 ? {} : { qualifiers: body.slice(colon + 1) };
}

/** The -analyze qualifiers this pool has no data for, in queue.cpp's spelling and minimum prefix. */
const REFUSED_QUALIFIERS: [string, number, string][] = [
  ['priority', 2, 'this pool has no negotiator, so no user priorities'],
  ['diagnostic', 4, 'it is not implemented here'],
  ['show-work', 4, 'it is not implemented here'],
  ['ifthenelse', 2, 'it is not implemented here'],
  ['memory', 3, 'it is not implemented here'],
];

function qualifiers(list: string, analyze: AnalyzeArgs): void {
  for (const q of list.split(/[,:]/).filter((x) => x !== '')) {
    const lower = q.toLowerCase();
    if (lower.length >= 1 && 'summary'.startsWith(lower)) {
      analyze.summary = true;
      continue;
    }
    if (lower.length >= 1 && 'reverse'.startsWith(lower)) {
      analyze.reverse = true;
      continue;
    }
    if (lower.length >= 3 && 'noprune'.startsWith(lower)) {
      analyze.noprune = true;
      continue;
    }
    // detail_inline_std_slot_exprs: condor_q's reverse analysis inlines START and WithinResourceLimits
    // with it or without it (jobmatch.cpp), so it changes nothing.
    if (lower.length >= 4 && 'slot-exprs'.startsWith(lower)) continue;
    const refused = REFUSED_QUALIFIERS.find(([name, min]) => lower.length >= min && name.startsWith(lower));
    if (refused) throw new CliError(`condor_q: -analyze:${refused[0]} is not supported: ${refused[2]}`);
    throw new CliError(`condor_q: unknown -analyze qualifier '${q}'`);
  }
}

/** Takes condor_q's analyze options out of `args`. */
export function takeAnalyzeArgs(args: readonly string[]): AnalyzeArgs {
  const parsed: AnalyzeArgs = { analyze: false, better: false, reverse: false, summary: false, noprune: false, verbose: false, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new CliError(`Error: ${arg} requires another parameter`);
      return v;
    };
    const better = dashPrefix(arg, 'better-analyze', 2) ?? dashPrefix(arg, 'better-analyse', 2);
    const plain = dashPrefix(arg, 'analyze', 2) ?? dashPrefix(arg, 'analyse', 2);
    const reverse = dashPrefix(arg, 'reverse-analyze', 3);
    if (better || plain) {
      parsed.analyze = true;
      if (better) parsed.better = true;
      const q = (better ?? plain)?.qualifiers;
      if (q !== undefined) qualifiers(q, parsed);
    } else if (reverse) {
      parsed.analyze = true;
      parsed.reverse = true;
      if (reverse.qualifiers) throw new CliError(`condor_q: -reverse-analyze qualifiers are not supported`);
    } else if (dashPrefix(arg, 'slotconstraint', 5) || dashPrefix(arg, 'mconstraint', 2)) parsed.slotConstraint = value();
    else if (dashPrefix(arg, 'machine', 2)) parsed.machine = value();
    else if (dashPrefix(arg, 'verbose', 4)) parsed.verbose = true;
    else if (dashPrefix(arg, 'nouserprios', 7)) {
      // The default here: there are no user priorities to consider.
    } else if (dashPrefix(arg, 'slotads', 1)) {
      const form = dashPrefix(arg, 'slotads', 1)?.qualifiers;
      const file = args[++i];
      if (file === undefined) throw new CliError('Error: -slotads requires a filename');
      // parseAdsFileFormat's forms; only the long form is read here.
      if (form !== undefined && !/^(long|auto)$/.test(form)) throw new CliError(`condor_q: ${arg}: tinycondor reads slot ads in long form only`);
      parsed.slotadsFile = file;
    } else if (dashPrefix(arg, 'userprios', 5)) {
      throw new CliError(`condor_q: ${arg} is not supported: this pool has no negotiator, so no user priorities`);
    } else parsed.rest.push(arg);
  }
  return parsed;
}
