// `if` / `elif` / `else` / `endif` in submit files, as config.cpp's ConfigIfStack and
// Test_config_if_expression treat them.
import { HTCONDOR_VERSION } from '../htcondor-version.js';

/** The if/elif/else state of one file: each level knows whether it is on, was ever on, and saw its else. */
export class IfStack {
  private readonly levels: { on: boolean; anyOn: boolean; inElse: boolean }[] = [];

  /** Whether lines here are read: every enclosing branch is on. */
  enabled(): boolean {
    return this.levels.every((level) => level.on);
  }

  get depth(): number {
    return this.levels.length;
  }

  /** `condition` is only asked for when the branch could be taken (HTCondor evaluates nothing else). */
  beginIf(condition: () => boolean): void {
    const on = this.enabled() && condition();
    this.levels.push({ on, anyOn: on, inElse: false });
  }

  beginElif(condition: () => boolean): void {
    const level = this.levels[this.levels.length - 1];
    if (!level) throw new RangeError('elif without matching if');
    if (level.inElse) throw new RangeError('elif is not allowed after else');
    const outerOn = this.levels.slice(0, -1).every((outer) => outer.on);
    level.on = !level.anyOn && outerOn && condition();
    level.anyOn ||= level.on;
  }

  beginElse(): void {
    const level = this.levels[this.levels.length - 1];
    if (!level) throw new RangeError('else without matching if');
    if (level.inElse) throw new RangeError('else is not allowed after else');
    level.inElse = true;
    level.on = !level.anyOn;
  }

  endIf(): void {
    if (this.levels.length === 0) throw new RangeError('endif without matching if');
    this.levels.pop();
  }
}

export interface ConditionalLine {
  keyword: 'if' | 'elif' | 'else' | 'endif';
  rest: string;
}

/** The keyword a line starts with when it is one of if/elif/else/endif, and the rest of the line. */
export function conditionalLine(line: string): ConditionalLine | undefined {
  const match = /^(if|elif|else|endif)(?:\s+(.*))?$/i.exec(line);
  if (!match) return undefined;
  return { keyword: match[1]!.toLowerCase() as 'if' | 'elif' | 'else' | 'endif', rest: (match[2] ?? '').trim() };
}

/**
 * Applies an if/elif/else/endif line to `ifs` (ConfigIfStack::line_is_if). The condition, macro-expanded by
 * `expand` when it holds a `$`, is evaluated only when its branch could be taken; `fail` makes the caller's
 * error of a reason in HTCondor's words.
 */
export function applyConditionalLine(
  ifs: IfStack,
  line: ConditionalLine,
  expand: (text: string) => string,
  evaluate: (text: string, wasExpanded: boolean) => boolean,
  fail: (message: string) => Error,
): void {
  const condition = () => {
    const wasExpanded = line.rest.includes('$');
    const text = wasExpanded ? expand(line.rest).trim() : line.rest;
    try {
      return evaluate(text, wasExpanded);
    } catch (err) {
      if (err instanceof RangeError) throw fail(`${text} is not a valid ${line.keyword} condition because ${err.message}`);
      throw err;
    }
  };
  try {
    if (line.keyword === 'if') ifs.beginIf(condition);
    else if (line.keyword === 'elif') ifs.beginElif(condition);
    else if (line.keyword === 'else') ifs.beginElse();
    else ifs.endIf();
  } catch (err) {
    if (err instanceof RangeError) throw fail(err.message);
    throw err;
  }
}

const TRUE_WORDS = ['true', 'yes', 't'];
const FALSE_WORDS = ['false', 'no', 'f'];

/**
 * The value of an `if` condition (already macro-expanded; `wasExpanded` when it held a `$`): a number, a
 * boolean word, `defined name`, `version <op> x.y.z`, each optionally after `!`. Anything else is refused
 * with HTCondor's reason: complex conditionals are not supported in submit files.
 */
export function evaluateCondition(text: string, wasExpanded: boolean, isDefined: (name: string) => boolean, hooks: ConditionHooks = {}): boolean {
  let expr = text.trim();
  let inverted = false;
  if (expr.startsWith('!')) {
    inverted = true;
    expr = expr.slice(1).trim();
  }
  const value = wasExpanded && expr === '' ? false : conditionValue(expr, isDefined, hooks);
  return inverted ? !value : value;
}

/** What configuration files and transforms add to submit files' conditions (Evaluate_config_if). */
export interface ConditionHooks {
  /** `defined use CATEGORY[:name]`: whether that configuration template exists. */
  templateDefined?: (spec: string) => boolean;
  /** A condition that is none of the simple forms, evaluated against a ClassAd: undefined when it is not a boolean. */
  complex?: (expr: string) => boolean | undefined;
}

function conditionValue(expr: string, isDefined: (name: string) => boolean, hooks: ConditionHooks): boolean {
  const lower = expr.toLowerCase();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(expr)) return Number(expr) !== 0;
  if (TRUE_WORDS.includes(lower)) return true;
  if (FALSE_WORDS.includes(lower)) return false;
  const defined = /^defined(?:\s+(.*))?$/i.exec(expr);
  if (defined) {
    const name = (defined[1] ?? '').trim();
    if (name === '') return false;
    const template = /^use\s+(.*)$/i.exec(name);
    if (template && hooks.templateDefined) {
      if (/\s/.test(template[1]!.trim())) throw new RangeError('defined use meta argument with internal spaces will never match');
      return hooks.templateDefined(template[1]!.trim());
    }
    if (/^[+-]?\d+(\.\d+)?$/.test(name) || TRUE_WORDS.includes(name.toLowerCase()) || FALSE_WORDS.includes(name.toLowerCase())) return true;
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new RangeError('defined argument must be param name, boolean, or number');
    return isDefined(name);
  }
  const version = /^version(?:\s*(!)?\s*([<>]?=?|==)\s*(.*))?$/i.exec(expr);
  if (version && /^version\s*[!<>=]/i.test(expr)) return compareVersion(version[1] === '!', version[2] ?? '', (version[3] ?? '').trim());
  if (/^version$/i.test(expr)) throw new RangeError('the version literal is invalid');
  if (/^[A-Za-z_][A-Za-z0-9_./]*$/.test(expr)) throw new RangeError('expression is not a conditional');
  const complex = hooks.complex?.(expr);
  if (complex !== undefined) return complex;
  throw new RangeError('complex conditionals are not supported');
}

function versionParts(text: string): number[] | undefined {
  const match = /^[vV]?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match || Number(match[1]) < 6) return undefined;
  const ours = versionParts.ours;
  return [Number(match[1]), Number(match[2]), match[3] === undefined ? ours[2]! : Number(match[3])];
}
versionParts.ours = HTCONDOR_VERSION.split('.').map(Number);

/** `version >= 8.1.6` and the like, against the HTCondor version this pool follows. */
function compareVersion(negated: boolean, operator: string, literal: string): boolean {
  const theirs = versionParts(literal);
  if (!theirs) throw new RangeError('the version literal is invalid');
  const ours = versionParts.ours;
  let diff = 0;
  for (let i = 0; i < 3 && diff === 0; i++) diff = Math.sign(ours[i]! - theirs[i]!);
  const op = operator.startsWith('<') ? -1 : operator.startsWith('>') ? 1 : 0;
  const orEqual = operator.endsWith('=');
  const result = diff === op || (orEqual && diff === 0);
  return negated ? !result : result;
}
