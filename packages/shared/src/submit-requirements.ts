/**
 * The schedd's submit requirements (Scheduler::initAndReconfig and Scheduler::checkSubmitRequirements in
 * schedd.cpp): SUBMIT_REQUIREMENT_NAMES lists names; SUBMIT_REQUIREMENT_<name> is a ClassAd expression each
 * new proc's ad must make true, once the job transforms changed it, or its whole submission is refused;
 * SUBMIT_REQUIREMENT_<name>_REASON an expression giving the refusal's words; with
 * SUBMIT_REQUIREMENT_<name>_IS_WARNING true, a requirement not met only warns.
 */
import { parseExpr, type ClassAd, type EvalContext, type Expr, type Value } from './classad/index.js';
import { configBoolean } from './condor-config.js';
import { splitList } from './submit/queue.js';

export interface SubmitRequirement {
  name: string;
  requirement: Expr;
  reason: Expr | undefined;
  isWarning: boolean;
}

/** What the requirements read of the configuration: a knob's value, macros expanded (param). */
export interface RequirementsConfig {
  value(name: string): string | undefined;
}

/**
 * The requirements in SUBMIT_REQUIREMENT_NAMES order. One that is not defined or does not parse is left out,
 * and a reason that does not parse is dropped, each with the schedd's log line (`problems`).
 */
export function configuredSubmitRequirements(config: RequirementsConfig): { requirements: SubmitRequirement[]; problems: string[] } {
  const requirements: SubmitRequirement[] = [];
  const problems: string[] = [];
  // param(): a knob set to nothing is not set.
  const param = (name: string): string | undefined => {
    const value = config.value(name)?.trim();
    return value === '' ? undefined : value;
  };
  for (const name of splitList(param('SUBMIT_REQUIREMENT_NAMES') ?? '')) {
    // SUBMIT_REQUIREMENT_NAMES is the list itself (HTCondor's strcmp skips only the upper-case word).
    if (name === 'NAMES') continue;
    const text = param(`SUBMIT_REQUIREMENT_${name}`);
    if (text === undefined) {
      problems.push(`Submit requirement ${name} not defined, ignoring.`);
      continue;
    }
    const requirement = parsedWithAliases(text);
    if (requirement === undefined) {
      problems.push(`Unable to parse submit requirement ${name}, ignoring.`);
      continue;
    }
    const reasonText = param(`SUBMIT_REQUIREMENT_${name}_REASON`);
    const reason = reasonText === undefined ? undefined : parsedWithAliases(reasonText);
    if (reasonText !== undefined && reason === undefined) problems.push(`Unable to parse submit requirement reason ${name}, ignoring.`);
    const warningText = param(`SUBMIT_REQUIREMENT_${name}_IS_WARNING`);
    const isWarning = warningText === undefined ? false : configBoolean(warningText);
    if (isWarning === undefined) {
      problems.push(`SUBMIT_REQUIREMENT_${name}_IS_WARNING in the condor configuration  is not a valid boolean ("${warningText}").  Please set it to True or False (default is False)`);
    }
    requirements.push({ name, requirement, reason, isWarning: isWarning ?? false });
  }
  return { requirements, problems };
}

function parsed(text: string): Expr | undefined {
  try {
    return parseExpr(text);
  } catch {
    return undefined;
  }
}

function parsedWithAliases(text: string): Expr | undefined {
  const expr = parsed(text);
  return expr === undefined ? undefined : withAliases(expr);
}

/**
 * The match ad's aliases (EvalExprToBool(…, "SCHEDD", "JOB")) written as scopes, once when configured:
 * `SCHEDD.x` is MY.x, `JOB.x` is TARGET.x.
 */
function withAliases(expr: Expr): Expr {
  const walk = withAliases;
  switch (expr.kind) {
    case 'literal':
    case 'attr':
      return expr;
    case 'select': {
      const base = expr.base.kind === 'attr' && expr.base.scope === undefined ? expr.base.name.toUpperCase() : undefined;
      if (base === 'SCHEDD') return { kind: 'attr', name: expr.name, scope: 'MY' };
      if (base === 'JOB') return { kind: 'attr', name: expr.name, scope: 'TARGET' };
      return { ...expr, base: walk(expr.base) };
    }
    case 'subscript':
      return { ...expr, base: walk(expr.base), index: walk(expr.index) };
    case 'call':
      return { ...expr, args: expr.args.map(walk) };
    case 'unary':
      return { ...expr, operand: walk(expr.operand) };
    case 'binary':
      return { ...expr, left: walk(expr.left), right: walk(expr.right) };
    case 'cond':
      return { ...expr, test: walk(expr.test), then: walk(expr.then), otherwise: walk(expr.otherwise) };
    case 'elvis':
      return { ...expr, left: walk(expr.left), right: walk(expr.right) };
    case 'list':
      return { ...expr, items: expr.items.map(walk) };
    case 'record':
      return { ...expr, entries: expr.entries.map((entry) => ({ name: entry.name, expr: walk(entry.expr) })) };
    case 'paren':
      return { ...expr, inner: walk(expr.inner) };
  }
}

/** Value::IsBooleanValueEquiv: a boolean, or a number (true when not 0). */
function booleanEquivalent(value: Value): boolean | undefined {
  if (value.type === 'bool') return value.value;
  if (value.type === 'int' || value.type === 'real') return value.value !== 0;
  return undefined;
}

/** What the requirements made of one proc: the warnings of those it did not meet, and the refusal, if any. */
export interface RequirementsVerdict {
  /**
   * The first requirement (not a warning) not met, or that could not be evaluated: the submission is refused
   * with its words; `rval` is checkSubmitRequirements' (-1 not met, -2 failed to evaluate, -3 not a boolean).
   */
  refusal: { words: string; rval: -1 | -2 | -3 } | undefined;
  /** The words of each warning not met, in order (those before the refusal when there is one). */
  warnings: string[];
  /** The schedd's log lines about a reason that did not give words (its default words are used). */
  problems: string[];
}

/**
 * Scheduler::checkSubmitRequirements: each requirement, in order, evaluated in the schedd's ad (MY) against
 * the job's (TARGET), with the schedd's userMap() maps. The first that is not met, or is not a boolean,
 * ends the check with a refusal; a warning's words are kept and the check goes on.
 */
export function checkSubmitRequirements(requirements: readonly SubmitRequirement[], jobAd: ClassAd, scheddAd: ClassAd, context?: EvalContext): RequirementsVerdict {
  const verdict: RequirementsVerdict = { refusal: undefined, warnings: [], problems: [] };
  if (requirements.length === 0) return verdict;
  for (const { name, requirement, reason, isWarning } of requirements) {
    const result = scheddAd.evaluateExpr(requirement, jobAd, context);
    // EvalExprToBool fails on a list or an ad; undefined, error and strings are "non-boolean".
    if (result.type === 'list' || result.type === 'ad') {
      verdict.refusal = { words: `Submit requirement ${name} failed to evaluate.\n`, rval: -2 };
      return verdict;
    }
    const met = booleanEquivalent(result);
    if (met === undefined) {
      verdict.refusal = { words: `Submit requirement ${name} evaluated to non-boolean.\n`, rval: -3 };
      return verdict;
    }
    if (met) continue;
    let words = `Submit requirement ${name} not met.\n`;
    if (reason !== undefined) {
      const given = scheddAd.evaluateExpr(reason, jobAd, context);
      if (given.type === 'list' || given.type === 'ad') verdict.problems.push(`Submit requirement reason ${name} failed to evaluate.`);
      else if (given.type !== 'string') verdict.problems.push(`Submit requirement reason ${name} did not evaluate to a string.`);
      else words = given.value;
    }
    if (!isWarning) {
      verdict.refusal = { words, rval: -1 };
      return verdict;
    }
    verdict.warnings.push(words);
  }
  return verdict;
}

/** HTCondor's text of a million procs' warnings would be tens of megabytes: it is cut here. */
const MAX_WARNING_TEXT = 1 << 20;

/**
 * The warnings of a submission's procs as the schedd's error stack holds them, and their text as
 * CondorError::getFullText gives it to condor_submit (WarningReason) and to the submit events: newest first,
 * each `QMGMT:0:<words>`, joined by '|'. Runs of the same words are kept once with their count.
 */
export class SubmitWarnings {
  private readonly runs: { words: string; count: number }[] = [];

  add(words: string): void {
    const last = this.runs.at(-1);
    if (last?.words === words) last.count++;
    else this.runs.push({ words, count: 1 });
  }

  get empty(): boolean {
    return this.runs.length === 0;
  }

  text(): string {
    const parts: string[] = [];
    let length = 0;
    for (let run = this.runs.length - 1; run >= 0; run--) {
      const entry = `QMGMT:0:${this.runs[run]!.words}`;
      for (let n = 0; n < this.runs[run]!.count; n++) {
        if (length > MAX_WARNING_TEXT) return parts.join('|');
        parts.push(entry);
        length += entry.length + 1;
      }
    }
    return parts.join('|');
  }
}
