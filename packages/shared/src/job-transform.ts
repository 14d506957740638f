/**
 * Job transforms as HTCondor's schedd and condor_transform_ads apply them (xform_utils.cpp,
 * job_transforms.cpp): `JOB_TRANSFORM_NAMES` lists transforms, each `JOB_TRANSFORM_<name>` is statements
 * in submit syntax — macro assignments, if/elif/else/endif, and the commands SET, DEFAULT, EVALSET,
 * EVALMACRO, COPY, RENAME, DELETE (the last three also with a /regex/), under an optional REQUIREMENTS.
 * A transform's `$(NAME)` is its own macro, else `$(MY.attr)` of the ad, else the configuration's NAME.
 */
import { ClassAd, parseOldExpr, unparseValue, valueToExpr, boolOf, type EvalContext, type Expr, type Value } from './classad/index.js';
import { classAdRegexOptions, compileRegex, regexFinds, regexSubstitute } from './classad/regex.js';
import { unparseOldSyntax } from './classad/unparse.js';
import { applyConditionalLine, conditionalLine, evaluateCondition, IfStack, type ConditionalLine } from './submit/conditionals.js';
import { SubmitError } from './submit/errors.js';
import { MacroExpander, substituteSelfReference } from './submit/macros.js';
import { splitList } from './submit/queue.js';

export class TransformError extends Error {
  constructor(
    readonly transform: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransformError';
  }
}

export interface JobTransform {
  name: string;
  /** REQUIREMENTS: the transform applies only to an ad for which it is true. */
  requirements: { source: string; expr: Expr } | undefined;
  /** The statements, without the NAME, REQUIREMENTS, UNIVERSE and TRANSFORM lines. */
  lines: string[];
}

/** A line that is `KEYWORD args` rather than an assignment to a macro named KEYWORD (is_xform_statement). */
function envelopeArgs(line: string, keyword: string): string | undefined {
  const match = new RegExp(`^\\s*${keyword}\\s+(.*)$`, 'is').exec(line);
  if (!match || /^[=:]/.test(match[1]!)) return undefined;
  return match[1]!;
}

/** MacroStreamXFormSource::open for a configuration value: the envelope lines taken out, reading stops at TRANSFORM. */
export function parseJobTransform(name: string, text: string): JobTransform {
  const transform: JobTransform = { name, requirements: undefined, lines: [] };
  for (const line of text.split(/\r?\n/)) {
    const first = line.trimStart().charAt(0).toLowerCase();
    if (first === 'n' && envelopeArgs(line, 'name') !== undefined) continue;
    if (first === 'u' && envelopeArgs(line, 'universe') !== undefined) continue;
    if (first === 'r') {
      const requirements = envelopeArgs(line, 'requirements');
      if (requirements !== undefined) {
        try {
          transform.requirements = { source: requirements.trim(), expr: parseOldExpr(requirements) };
        } catch {
          throw new TransformError(name, `invalid REQUIREMENTS : ${requirements}`);
        }
        continue;
      }
    }
    if (first === 't' && envelopeArgs(line, 'transform') !== undefined) break;
    transform.lines.push(line);
  }
  return transform;
}

/** What the configuration gives the transforms: a knob's value expanded (param) and raw (param_unexpanded). */
export interface TransformConfig {
  value(name: string): string | undefined;
  raw(name: string): string | undefined;
}

/**
 * The schedd's transforms, in JOB_TRANSFORM_NAMES order (JobTransforms::initAndReconfig). A transform that is
 * not defined, is empty, is in the old ClassAd form or does not parse is left out, with the schedd's log line.
 */
export function configuredJobTransforms(config: TransformConfig, names = config.value('JOB_TRANSFORM_NAMES') ?? ''): { transforms: JobTransform[]; problems: string[] } {
  const transforms: JobTransform[] = [];
  const problems: string[] = [];
  for (const name of splitList(names)) {
    if (name.toUpperCase() === 'NAMES') continue;
    const raw = config.raw(`JOB_TRANSFORM_${name}`);
    if (raw === undefined) {
      problems.push(`JOB_TRANSFORM_${name} not defined, ignoring.`);
      continue;
    }
    const text = raw.trimStart();
    if (text === '') {
      problems.push(`JOB_TRANSFORM_${name} definition is empty, ignoring.`);
      continue;
    }
    if (text.startsWith('[')) {
      problems.push(`JOB_TRANSFORM_${name} macro appears to be in ClassAd format, which is no longer supported. Ignoring.`);
      continue;
    }
    try {
      transforms.push(parseJobTransform(name, text));
    } catch (err) {
      if (!(err instanceof TransformError)) throw err;
      problems.push(`JOB_TRANSFORM_${name} macro stream malformed, ignoring. (err=-1) ${err.message}`);
    }
  }
  return { transforms, problems };
}

/** MacroStreamXFormSource::matches: no REQUIREMENTS, or REQUIREMENTS true (a non-boolean result is false). */
export function transformMatches(transform: JobTransform, ad: ClassAd, context?: EvalContext): boolean {
  if (!transform.requirements) return true;
  return boolOf(ad.evaluateExpr(transform.requirements.expr, undefined, context)) ?? false;
}

export interface TransformSettings {
  /** The configuration's raw macros, looked up last (ctx.also_in_config). */
  configRaw(name: string): string | undefined;
  env: Record<string, string | undefined>;
  /** Macros set before the transform's own (condor_transform_ads' `name=value` arguments). */
  arguments?: ReadonlyMap<string, string>;
  /** Each step and each error as HTCondor's transform logs it (condor_transform_ads -verbose, the SchedLog). */
  log?: (line: string, isError: boolean) => void;
  /** What the transform's evaluations are given: the process's userMap() maps. */
  context?: EvalContext;
}

type Keyword = 'COPY' | 'DEFAULT' | 'DELETE' | 'EVALMACRO' | 'EVALSET' | 'NAME' | 'RENAME' | 'REQUIREMENTS' | 'SET' | 'TRANSFORM' | 'UNIVERSE';
/** ActionKeywordItems: each keyword's number of arguments, and whether its first may be a /regex/. */
const KEYWORDS: Record<Keyword, { args: number; regex: boolean }> = {
  COPY: { args: 2, regex: true },
  DEFAULT: { args: 2, regex: false },
  DELETE: { args: 1, regex: true },
  EVALMACRO: { args: 2, regex: false },
  EVALSET: { args: 2, regex: false },
  NAME: { args: 0, regex: false },
  RENAME: { args: 2, regex: true },
  REQUIREMENTS: { args: 0, regex: false },
  SET: { args: 2, regex: false },
  TRANSFORM: { args: 0, regex: false },
  UNIVERSE: { args: 1, regex: false },
};

/** Transform-side macros (XFormBasicMacroDefaults) for a job ad the schedd transforms as it is submitted. */
const BASIC_DEFAULTS: Record<string, string> = { isclusterad: '0', islinux: process.platform === 'linux' ? 'true' : 'false', iswindows: 'false', iterating: '0', latematerialization: '0' };

/**
 * Applies one transform to `ad` in place (TransformClassAd) and returns the names of the attributes it set or
 * deleted. A statement that cannot be read fails the whole transform (TransformError); a SET whose expression
 * does not parse, or an EVALSET that cannot be evaluated, is logged and skipped, as in HTCondor.
 */
export function applyJobTransform(ad: ClassAd, transform: JobTransform, settings: TransformSettings): Set<string> {
  return new TransformRun(ad, transform, settings).run();
}

interface Token {
  text: string;
  start: number;
  quoted: boolean;
}

/** tokener: words separated by spaces or tabs; a quoted word is one token without its quotes. */
function tokens(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    const quote = line[i] === '"' || line[i] === "'" ? line[i]! : undefined;
    if (quote) {
      const end = line.indexOf(quote, i + 1);
      const stop = end < 0 ? line.length : end;
      out.push({ text: line.slice(i + 1, stop), start: i + 1, quoted: true });
      i = stop + 1;
    } else {
      const start = i;
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
      out.push({ text: line.slice(start, i), start, quoted: false });
    }
  }
  return out;
}

class TransformRun {
  private readonly macros = new Map<string, string>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly ad: ClassAd,
    private readonly transform: JobTransform,
    private readonly settings: TransformSettings,
  ) {}

  run(): Set<string> {
    for (const [name, value] of this.settings.arguments ?? []) this.macros.set(name.toLowerCase(), value);
    const lines = this.transform.lines;
    const ifs = new IfStack();
    let here: { name: string; tag: string; body: string[] } | undefined;
    for (let index = 0; index < lines.length; ) {
      let line = lines[index++]!.trim();
      if (here) {
        if (line === `@${here.tag}`) {
          this.setMacro(here.name, here.body.join('\n'));
          here = undefined;
        } else if (line !== '' && !line.startsWith('#')) here.body.push(line);
        continue;
      }
      if (line === '' || line.startsWith('#')) continue;
      while (line.endsWith('\\') && index < lines.length) line = line.slice(0, -1) + lines[index++]!.trim();
      const conditional = conditionalLine(line);
      if (conditional) {
        this.conditional(ifs, conditional);
        continue;
      }
      if (!ifs.enabled()) continue;
      const statement = /^([^\s=:]+)\s*(.*)$/.exec(line)!;
      const word = statement[1]!;
      const op = /^(@=|\+([,;|&*])?(\2)?=|=)\s*(.*)$/.exec(statement[2]!);
      if (!op || word.toLowerCase() === 'queue') {
        this.command(line);
        continue;
      }
      if (word.startsWith('+') || word.startsWith('-')) {
        this.setMacro(`MY.${word.slice(1)}`, word.startsWith('+') ? op[4]! : '');
        continue;
      }
      if (!/^[A-Za-z0-9_.]+$/.test(word)) throw this.fail(`Illegal Identifier: <${word}>`);
      if (op[1] === '@=') {
        here = { name: word, tag: op[4]!.trim(), body: [] };
        continue;
      }
      let value = op[4]!;
      if (op[1]!.startsWith('+')) {
        const current = this.macros.get(word.toLowerCase()) ?? '';
        if (current !== '') value = op[2] === undefined ? `${current} ${value}` : op[3] !== undefined ? `${current} ${op[2]}${op[2]} ${value}` : `${current}${op[2]}${value}`;
      }
      this.setMacro(word, value);
    }
    if (here) throw this.fail(`Found end-of-file while scanning for '@${here.tag}'`);
    if (ifs.depth > 0) throw this.fail('endif(s) not found before end-of-file');
    return this.changed;
  }

  private setMacro(name: string, value: string): void {
    const key = name.toLowerCase();
    this.macros.set(key, substituteSelfReference(key, value, this.macros.get(key)));
  }

  /** lookup_macro with the transform's context: its macros, its defaults, the ad's MY.attr, then the configuration. */
  private lookup(lowerName: string): string | undefined {
    const own = this.macros.get(lowerName);
    if (own !== undefined) return own;
    const basic = BASIC_DEFAULTS[lowerName];
    if (basic !== undefined) return basic;
    if (lowerName.startsWith('my.')) {
      const expr = this.ad.get(lowerName.slice(3));
      if (expr !== undefined) return expr.kind === 'literal' && expr.value.type === 'string' ? expr.value.value : unparseOldSyntax(expr);
    }
    return this.settings.configRaw(lowerName);
  }

  private expand(text: string): string {
    const expander = new MacroExpander({ lookup: (name) => this.lookup(name), env: this.settings.env, evalContext: this.settings.context });
    try {
      return expander.expand(text, { file: `JOB_TRANSFORM_${this.transform.name}`, line: 0 });
    } catch (err) {
      if (err instanceof SubmitError) throw this.fail(err.message.replace(/^[^:]*:0: /, ''));
      throw err;
    }
  }

  private conditional(ifs: IfStack, line: ConditionalLine): void {
    applyConditionalLine(
      ifs,
      line,
      (text) => this.expand(text),
      (text, wasExpanded) =>
        evaluateCondition(text, wasExpanded, (name) => (this.lookup(name.toLowerCase()) ?? '') !== '', {
          // In a transform, a condition that is a ClassAd expression is evaluated against the job.
          complex: (expr) => {
            try {
              return boolOf(this.ad.evaluateExpr(expr, undefined, this.settings.context));
            } catch {
              return undefined;
            }
          },
        }),
      (message) => this.fail(message),
    );
  }

  /** ParseRulesCallback: one command line. */
  private command(line: string): void {
    const words = tokens(line);
    if (words.length === 0) return;
    const keyword = words[0]!.text.toUpperCase() as Keyword;
    const spec = KEYWORDS[keyword];
    if (!spec) throw this.fail(`${words[0]!.text} is not a valid transform keyword`);
    if (words.length === 1) {
      if (keyword === 'TRANSFORM') return;
      throw this.fail(`cannot parse: ${line}`);
    }
    let attr = words[1]!.text;
    const isRegex = spec.regex && attr.startsWith('/') && !words[1]!.quoted;
    if (!isRegex && (attr.endsWith(',') || attr.endsWith('='))) attr = attr.slice(0, -1);
    let current = 1;
    if (spec.args === 2) {
      current = 2;
      if (current < words.length && !words[current]!.quoted && (words[current]!.text === '=' || words[current]!.text === ',')) current++;
      if (current >= words.length) throw this.fail(`${keyword} needs 2 arguments`);
    }
    const at = words[current]!;
    const rhs = this.expand(line.slice(at.quoted ? at.start - 1 : at.start));
    this.act(keyword, attr, isRegex, rhs);
  }

  private act(keyword: Keyword, attr: string, isRegex: boolean, rhs: string): void {
    const log = this.settings.log;
    switch (keyword) {
      case 'NAME':
      case 'UNIVERSE':
      case 'REQUIREMENTS':
      case 'TRANSFORM':
        return;
      case 'EVALMACRO': {
        const value = this.evaluate(rhs);
        if (value === undefined) log?.(`ERROR: EVALMACRO ${attr} could not evaluate : ${rhs}`, true);
        else this.macros.set(attr.toLowerCase(), value.type === 'string' ? value.value : unparseValue(value, 'old'));
        return;
      }
      case 'DEFAULT':
        if (this.ad.has(attr)) return;
        this.set(attr, rhs);
        return;
      case 'SET':
        this.set(attr, rhs);
        return;
      case 'EVALSET': {
        log?.(`EVALSET ${attr} to ${rhs}`, false);
        const value = this.evaluate(rhs);
        if (value === undefined) log?.(`ERROR: EVALSET ${attr} could not evaluate : ${rhs}`, true);
        else this.insert(attr, valueToExpr(value));
        return;
      }
      case 'DELETE':
      case 'RENAME':
      case 'COPY':
        if (isRegex) this.regexAction(keyword, attr, rhs);
        else this.attributeAction(keyword, attr, rhs.trim());
    }
  }

  private set(attr: string, rhs: string): void {
    this.settings.log?.(`SET ${attr} to ${rhs}`, false);
    let expr: Expr;
    try {
      expr = parseOldExpr(rhs);
    } catch {
      this.settings.log?.(`ERROR: SET ${attr} invalid expression : ${rhs}`, true);
      return;
    }
    this.insert(attr, expr);
  }

  private insert(attr: string, expr: Expr): void {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(attr)) {
      this.settings.log?.(`ERROR: could not set ${attr} to ${unparseOldSyntax(expr)}`, true);
      return;
    }
    this.ad.insert(attr, expr);
    this.changed.add(attr);
  }

  private evaluate(source: string): Value | undefined {
    let expr: Expr;
    try {
      expr = parseOldExpr(source);
    } catch {
      return undefined;
    }
    return this.ad.evaluateExpr(expr, undefined, this.settings.context);
  }

  private attributeAction(keyword: 'DELETE' | 'RENAME' | 'COPY', attr: string, target: string): void {
    const log = this.settings.log;
    if (keyword === 'DELETE') {
      log?.(`DELETE ${attr}`, false);
      if (this.ad.delete(attr)) this.changed.add(attr);
      return;
    }
    log?.(`${keyword} ${attr} to ${target}`, false);
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(target)) {
      log?.(`ERROR: ${keyword} ${attr} new name ${target} is not valid`, true);
      return;
    }
    const expr = this.ad.get(attr);
    if (expr === undefined) return;
    this.insert(target, expr);
    if (keyword === 'RENAME' && this.ad.delete(attr)) this.changed.add(attr);
  }

  /** DoRegexAttrOp: every attribute whose name matches (case-insensitively); `\N` in the new name is the Nth group. */
  private regexAction(keyword: 'DELETE' | 'RENAME' | 'COPY', slashed: string, replacement: string): void {
    const close = slashed.lastIndexOf('/');
    const pattern = close > 0 ? slashed.slice(1, close) : slashed.slice(1);
    const flags = close > 0 ? slashed.slice(close + 1) : '';
    const regex = compileRegex(pattern, classAdRegexOptions(`i${flags}`));
    if (!regex) {
      this.settings.log?.(`ERROR: Error compiling regex '${pattern}'. this entry will be ignored.`, true);
      return;
    }
    const template = replacement.trim();
    for (const name of this.ad.names()) {
      if (keyword === 'DELETE') {
        if (regexFinds(regex, name)) this.attributeAction('DELETE', name, '');
        continue;
      }
      if (!regexFinds(regex, name)) continue;
      const target = regexSubstitute(regex, name, template, false, false);
      if (target !== undefined) this.attributeAction(keyword, name, target);
    }
  }

  private fail(message: string): TransformError {
    return new TransformError(this.transform.name, message);
  }
}
