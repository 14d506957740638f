// $(name) macro expansion for submit descriptions.
import type { EvalContext } from '../classad/index.js';
import { submitError, type SourcePos } from './errors.js';
import { callMacroFunction, isRandomFunction, macroFunctionOf, MacroFunctionError, type FunctionScope } from './macro-functions.js';

/** Longest text one expansion may produce; stops `A = $(B)$(B)`-style blow-ups. */
export const MAX_EXPANDED_LENGTH = 1_000_000;
/** Deepest chain of macros referring to macros; keeps the call stack bounded. */
export const MAX_MACRO_DEPTH = 200;
/** Deepest nesting of expansions of any kind (chains, and `$(a:$(b:…))` within one value). */
const MAX_EXPANSION_NESTING = 500;

export interface MacroSource {
  /** The raw (unexpanded) value of a macro, by lower-cased name. */
  lookup(lowerName: string): string | undefined;
  env: Record<string, string | undefined>;
  /** For $RANDOM_CHOICE() and $RANDOM_INTEGER(); Math.random when not given. */
  random?: () => number;
  /** For $Ff…(): where relative paths are; '/' when not given. */
  cwd?: string;
  /** For $EVAL(), $STRING(), $INT() and $REAL(): what their evaluations are given (userMap()'s maps). */
  evalContext?: EvalContext;
}

/** Index of the `)` matching the `(` at `open`, or -1. */
export function findClosingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function splitDefault(inner: string): { name: string; fallback: string | undefined } {
  const colon = inner.indexOf(':');
  if (colon < 0) return { name: inner.trim(), fallback: undefined };
  return { name: inner.slice(0, colon).trim(), fallback: inner.slice(colon + 1) };
}

/**
 * Expands `$(name)`, `$(name:default)`, `$(DOLLAR)`, `$ENV(NAME)` and the macro functions ($INT(), $Fn(), …);
 * leaves `$$(...)` for match time. Undefined macros expand to the empty string, as in HTCondor.
 * One expander serves one proc: macro values are cached, and a macro that refers to
 * itself (directly or through others) is a SubmitError.
 */
export class MacroExpander {
  private readonly cache = new Map<string, string>();
  private readonly inProgress = new Set<string>();
  private nesting = 0;
  /** True once a $RANDOM_…() was expanded: the result then differs from one expansion to the next. */
  usedRandom = false;

  constructor(private readonly source: MacroSource) {}

  expand(text: string, pos: SourcePos): string {
    if (!text.includes('$')) return text;
    // `$(a:$(b:$(c:…)))` nests within one line; bound it like a chain of macros.
    if (this.nesting >= MAX_EXPANSION_NESTING) throw submitError(pos, `macro references nest more than ${MAX_EXPANSION_NESTING} levels deep`);
    this.nesting += 1;
    try {
      return this.expandText(text, pos);
    } finally {
      this.nesting -= 1;
    }
  }

  private expandText(text: string, pos: SourcePos): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, dollar);
      i = this.expandAt(text, dollar, pos, (piece) => {
        out += piece;
      });
      if (out.length > MAX_EXPANDED_LENGTH) {
        throw submitError(pos, `macro expansion is longer than ${MAX_EXPANDED_LENGTH} characters`);
      }
    }
    return out;
  }

  /** Expands the `$` construct at `dollar`, emits its text and returns the index after it. */
  private expandAt(text: string, dollar: number, pos: SourcePos, emit: (piece: string) => void): number {
    if (text.startsWith('$$(', dollar)) {
      const close = findClosingParen(text, dollar + 2);
      const end = close < 0 ? text.length : close + 1;
      emit(text.slice(dollar, end));
      return end;
    }
    const prefix = /^[A-Za-z_]*/.exec(text.slice(dollar + 1, dollar + 40))![0];
    const open = dollar + 1 + prefix.length;
    const isEnv = prefix === 'ENV';
    const func = isEnv || prefix === '' ? undefined : macroFunctionOf(prefix);
    if (text[open] !== '(' || (prefix !== '' && !isEnv && func === undefined)) {
      emit('$');
      return dollar + 1;
    }
    const close = findClosingParen(text, open);
    if (close < 0) {
      emit(text.slice(dollar));
      return text.length;
    }
    const body = this.expand(text.slice(open + 1, close), pos);
    if (func !== undefined) {
      emit(this.callFunction(func, body, pos));
    } else {
      const { name, fallback } = splitDefault(body);
      emit(isEnv ? this.envValue(name, fallback) : this.macroValue(name, fallback, pos));
    }
    return close + 1;
  }

  /** HTCondor gives UNDEFINED for an unset variable without a default. */
  private envValue(name: string, fallback: string | undefined): string {
    return this.source.env[name] ?? fallback ?? 'UNDEFINED';
  }

  private callFunction(func: string, body: string, pos: SourcePos): string {
    if (isRandomFunction(func)) this.usedRandom = true;
    const scope: FunctionScope = {
      lookup: (name) => {
        const trimmed = name.trim();
        const lowerName = trimmed.toLowerCase();
        if (lowerName !== 'dollar' && this.source.lookup(lowerName) === undefined) return undefined;
        return this.macroValue(trimmed, undefined, pos);
      },
      random: this.source.random ?? Math.random,
      cwd: this.source.cwd ?? '/',
      evalContext: this.source.evalContext,
    };
    try {
      return callMacroFunction(func, body, scope);
    } catch (err) {
      if (err instanceof MacroFunctionError) throw submitError(pos, err.message);
      throw err;
    }
  }

  private macroValue(name: string, fallback: string | undefined, pos: SourcePos): string {
    const lowerName = name.toLowerCase();
    if (lowerName === 'dollar') return '$';
    const cached = this.cache.get(lowerName);
    if (cached !== undefined && (cached !== '' || fallback === undefined)) return cached;
    const raw = this.source.lookup(lowerName);
    // As evaluate_macro_func: the default stands in for a macro that is undefined or empty.
    if (raw === undefined || (fallback !== undefined && raw.trim() === '')) return fallback === undefined ? '' : this.expand(fallback, pos);
    if (this.inProgress.has(lowerName)) {
      throw submitError(pos, `macro $(${name}) refers to itself (recursive macro definition)`);
    }
    if (this.inProgress.size >= MAX_MACRO_DEPTH) {
      throw submitError(pos, `macro $(${name}) nests more than ${MAX_MACRO_DEPTH} levels deep`);
    }
    this.inProgress.add(lowerName);
    try {
      const value = this.expand(raw, pos);
      this.cache.set(lowerName, value);
      return value;
    } finally {
      this.inProgress.delete(lowerName);
    }
  }
}

/**
 * Resolves references to `name` inside its own new definition (`PATH = $(PATH):/bin`)
 * using the previous definition, as HTCondor does at definition time.
 */
export function substituteSelfReference(name: string, value: string, previous: string | undefined): string {
  const wanted = name.toLowerCase();
  let out = '';
  let i = 0;
  for (;;) {
    const start = value.indexOf('$(', i);
    if (start < 0) return out + value.slice(i);
    const close = value.indexOf(')', start);
    const isEscaped = start > 0 && value[start - 1] === '$';
    if (close < 0 || isEscaped) {
      out += value.slice(i, start + 2);
      i = start + 2;
      continue;
    }
    const { name: referenced, fallback } = splitDefault(value.slice(start + 2, close));
    if (referenced.toLowerCase() === wanted) {
      out += value.slice(i, start) + (previous ?? fallback ?? '');
    } else {
      out += value.slice(i, close + 1);
    }
    i = close + 1;
  }
}
