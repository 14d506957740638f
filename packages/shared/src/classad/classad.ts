import type { Expr } from './ast.js';
import { valueToExpr } from './ast.js';
import { ClassAdParseError } from './errors.js';
import { evaluateAttribute, evaluateExpr, type EvalContext } from './evaluate.js';
import { parseExpr, parseOldExpr } from './parser.js';
import { unparse, unparseOldSyntax } from './unparse.js';
import { boolOf, intOf, jsToValue, numberOf, stringOf, type Value } from './value.js';

export { toHTCondorJson } from './json.js';
export { matches } from './match.js';

interface Attribute {
  /** The name in the case it was first set. */
  readonly name: string;
  readonly expr: Expr;
}

/** One `Name = expr` line of old ClassAd text. */
const TEXT_LINE = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$/;

/** A set of attribute → expression bindings; attribute names are case-insensitive. */
export class ClassAd {
  readonly #attributes = new Map<string, Attribute>();

  /** Builds an ad from its storage form (attribute → expression source). */
  static fromJSON(stored: Record<string, string>): ClassAd {
    const ad = new ClassAd();
    for (const [name, source] of Object.entries(stored)) {
      ad.insert(name, parseNamed(source, `attribute ${name}`));
    }
    return ad;
  }

  /**
   * Parses old ClassAd text, as HTCondor reads ad files (InsertLongFormAttrValue: old-syntax strings, a
   * backslash is no escape): one `Name = expr` per line, blank lines and `#` comments ignored.
   */
  static parseText(text: string): ClassAd {
    const ad = new ClassAd();
    const lines = text.split(/\r?\n/);
    lines.forEach((rawLine, lineIndex) => {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) return;
      const where = `line ${lineIndex + 1}`;
      const match = TEXT_LINE.exec(line);
      if (match === null) {
        throw new ClassAdParseError(`${where}: expected 'Name = expression', got ${JSON.stringify(line)}`, 0);
      }
      const [, name, source] = match;
      ad.insert(name, parseNamed(source, `${where} (attribute ${name})`, true));
    });
    return ad;
  }

  get size(): number {
    return this.#attributes.size;
  }

  has(name: string): boolean {
    return this.#attributes.has(name.toLowerCase());
  }

  delete(name: string): boolean {
    return this.#attributes.delete(name.toLowerCase());
  }

  /** Attribute names in insertion order, in the case they were first set. */
  names(): string[] {
    return [...this.#attributes.values()].map((attribute) => attribute.name);
  }

  get(name: string): Expr | undefined {
    return this.#attributes.get(name.toLowerCase())?.expr;
  }

  getSource(name: string): string | undefined {
    const expr = this.get(name);
    return expr === undefined ? undefined : cachedUnparse(expr);
  }

  /** The attribute's expression in old ClassAd syntax, as HTCondor prints it (-long, ad files). */
  getOldSource(name: string): string | undefined {
    const expr = this.get(name);
    return expr === undefined ? undefined : cachedUnparse(expr, true);
  }

  /** Binds an already-parsed expression; keeps the name's original case if it already exists. */
  insert(name: string, expr: Expr): this {
    const key = name.toLowerCase();
    const existing = this.#attributes.get(key);
    this.#attributes.set(key, { name: existing?.name ?? name, expr });
    return this;
  }

  /** Binds a JS value as a literal (numbers: int when integral, else real; null → undefined). */
  set(name: string, value: string | number | boolean | null | readonly unknown[]): this {
    return this.insert(name, valueToExpr(jsToValue(value)));
  }

  /** Binds a real literal even for integral numbers (1 → 1.0). */
  setReal(name: string, value: number): this {
    return this.insert(name, { kind: 'literal', value: { type: 'real', value } });
  }

  setExpr(name: string, source: string): this {
    return this.insert(name, parseNamed(source, `attribute ${name}`));
  }

  /** Binds `source` read in old ClassAd syntax, as HTCondor's AssignExpr and ParseClassAdRvalExpr read user text. */
  setOldExpr(name: string, source: string): this {
    return this.insert(name, parseNamed(source, `attribute ${name}`, true));
  }

  /** Copies every attribute of `other` into this ad (expressions are shared, they are immutable). */
  update(other: ClassAd): this {
    for (const attribute of other.#attributes.values()) this.insert(attribute.name, attribute.expr);
    return this;
  }

  clone(): ClassAd {
    const copy = new ClassAd();
    // Attributes are immutable records: the copy shares them, and a Map copies faster than re-inserting.
    for (const [key, attribute] of this.#attributes) copy.#attributes.set(key, attribute);
    return copy;
  }

  /** Evaluates an attribute with MY = this ad and TARGET = `target`. */
  evaluate(name: string, target?: ClassAd, context?: EvalContext): Value {
    return evaluateAttribute(this, name, target, context);
  }

  evaluateExpr(expr: Expr | string, target?: ClassAd, context?: EvalContext): Value {
    const tree = typeof expr === 'string' ? parseExpr(expr) : expr;
    return evaluateExpr(tree, this, target, context);
  }

  /** Evaluated int (reals truncated); undefined for anything else. */
  getInt(name: string): number | undefined {
    return intOf(this.evaluate(name));
  }

  getNumber(name: string): number | undefined {
    return numberOf(this.evaluate(name));
  }

  getString(name: string): string | undefined {
    return stringOf(this.evaluate(name));
  }

  /** Evaluated bool; numbers count as true when non-zero (HTCondor EvalBool). */
  getBool(name: string): boolean | undefined {
    return boolOf(this.evaluate(name));
  }

  /** Storage form: attribute → expression source. */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { name, expr } of this.#attributes.values()) out[name] = cachedUnparse(expr);
    return out;
  }

  /** `Name = expr` lines in old ClassAd syntax, in insertion order, as in `condor_q -long` and `_CONDOR_JOB_AD`. */
  toText(): string {
    let text = '';
    for (const { name, expr } of this.#attributes.values()) text += `${name} = ${cachedUnparse(expr, true)}\n`;
    return text;
  }
}

/**
 * Expressions are immutable, and a queue repeats the same few texts across thousands of job ads
 * (`Requirements`, `Cmd`, `JobStatus = 1`): parse each text once and unparse each tree once.
 */
const PARSE_CACHE_LIMIT = 100_000;
const parsedTexts = new Map<string, Expr>();
const parsedOldTexts = new Map<string, Expr>();
const unparsedTrees = new WeakMap<Expr, string>();
const unparsedOldTrees = new WeakMap<Expr, string>();
const sharedTrees = new WeakSet<Expr>();

/** Only trees from the parse cache are shared between ads, so only their text is worth keeping. */
function cachedUnparse(expr: Expr, oldSyntax = false): string {
  const texts = oldSyntax ? unparsedOldTrees : unparsedTrees;
  let text = texts.get(expr);
  if (text === undefined) {
    text = oldSyntax ? unparseOldSyntax(expr) : unparse(expr);
    if (sharedTrees.has(expr)) texts.set(expr, text);
  }
  return text;
}

/** Parses `source` (in old ClassAd syntax if `oldSyntax`), prefixing any error message with `where`. */
function parseNamed(source: string, where: string, oldSyntax = false): Expr {
  const cache = oldSyntax ? parsedOldTexts : parsedTexts;
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  try {
    const expr = oldSyntax ? parseOldExpr(source) : parseExpr(source);
    if (cache.size >= PARSE_CACHE_LIMIT) cache.clear();
    cache.set(source, expr);
    sharedTrees.add(expr);
    return expr;
  } catch (err) {
    if (err instanceof ClassAdParseError) throw new ClassAdParseError(`${where}: ${err.message}`, err.position);
    throw err;
  }
}
