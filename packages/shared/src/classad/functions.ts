import type { Expr } from './ast.js';
import { maxOf, minOf } from '../extremes.js';
import type { EvalContext } from './evaluate.js';
import { applyBinary, isIdentical, truthValue } from './operators.js';
import { classAdRegexOptions, compileRegex, regexFinds, regexSubstitute, stringListRegexOptions } from './regex.js';
import { unparseValue } from './unparse.js';
import {
  ERROR,
  UNDEFINED,
  boolValue,
  errorValue,
  intValue,
  isTrue,
  realValue,
  stringValue,
  type Value,
} from './value.js';

/** Evaluates one argument expression in the caller's scope. */
export type ArgEvaluator = (expr: Expr) => Value;

/** Takes steps from the evaluation's budget (see MAX_EVAL_STEPS); false once it is spent. */
export type Spend = (steps: number) => boolean;

type Builtin = (args: readonly Expr[], evaluate: ArgEvaluator, spend: Spend, context: EvalContext) => Value;

const DEFAULT_LIST_DELIMITERS = ' ,';

/** Calls a built-in function by case-insensitive name; unknown names and bad arity give ERROR. */
export function callFunction(name: string, args: readonly Expr[], evaluate: ArgEvaluator, spend: Spend, context: EvalContext = {}): Value {
  const builtin = BUILTINS.get(name.toLowerCase());
  if (builtin === undefined) return errorValue(`unknown function ${name}`);
  return builtin(args, evaluate, spend, context);
}

/** A function that sees evaluated arguments; ERROR or UNDEFINED arguments decide the result first. */
function strict(minArgs: number, maxArgs: number, body: (values: Value[], spend: Spend) => Value): Builtin {
  return (args, evaluate, spend) => {
    if (args.length < minArgs || args.length > maxArgs) return ERROR;
    const values = args.map(evaluate);
    if (values.some((v) => v.type === 'error')) return ERROR;
    if (values.some((v) => v.type === 'undefined')) return UNDEFINED;
    return body(values, spend);
  };
}

/** A one-argument predicate on the argument's type; never UNDEFINED. */
function typeTest(test: (v: Value) => boolean): Builtin {
  return (args, evaluate) => (args.length === 1 ? boolValue(test(evaluate(args[0]))) : ERROR);
}

/** The text a value contributes to strcat() and string(). */
function toText(v: Value): string {
  return v.type === 'string' ? v.value : unparseValue(v);
}

function toInteger(v: Value): number | undefined {
  switch (v.type) {
    case 'int':
      return v.value;
    case 'real':
      return Number.isFinite(v.value) ? Math.trunc(v.value) : undefined;
    case 'bool':
      return v.value ? 1 : 0;
    case 'string': {
      const n = parseNumber(v.value);
      return n === undefined || !Number.isFinite(n) ? undefined : Math.trunc(n);
    }
    default:
      return undefined;
  }
}

function toReal(v: Value): number | undefined {
  switch (v.type) {
    case 'int':
    case 'real':
      return v.value;
    case 'bool':
      return v.value ? 1 : 0;
    case 'string':
      return parseNumber(v.value);
    default:
      return undefined;
  }
}

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  switch (trimmed.toLowerCase()) {
    case 'nan': return NaN;
    case 'inf': case '+inf': return Infinity;
    case '-inf': return -Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** floor/ceiling/round give an int when the result is representable, else a real. */
function rounding(round: (x: number) => number): Builtin {
  return strict(1, 1, ([v]) => {
    if (v.type === 'int') return v;
    const x = toReal(v);
    if (x === undefined) return ERROR;
    const r = round(x);
    return Number.isFinite(r) ? intValue(r) : realValue(r);
  });
}

/** C round(): halves go away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * Scanning a string (a regular expression, splitting a string list into many items) costs up to about a
 * microsecond a character, a step's cost (see MAX_EVAL_STEPS): a step per character.
 */
function spendPerCharacter(spend: Spend, text: string): boolean {
  return spend(text.length);
}

function splitStringList(list: string, delimiters: string): string[] {
  // One native split at any delimiter character: a character-by-character loop costs ten times more on a long list.
  const pieces = delimiters === '' ? [list] : list.split(new RegExp(`[${delimiters.replace(/[\\\]^-]/g, '\\$&')}]`, 'u'));
  return pieces.map((piece) => piece.trim()).filter((piece) => piece !== '');
}

function stringListMember(ignoreCase: boolean): Builtin {
  return strict(2, 3, ([item, list, delimiters], spend) => {
    if (item.type !== 'string' || list.type !== 'string') return ERROR;
    if (delimiters !== undefined && delimiters.type !== 'string') return ERROR;
    if (!spendPerCharacter(spend, list.value)) return ERROR;
    const needle = ignoreCase ? item.value.toLowerCase() : item.value;
    const found = splitStringList(list.value, delimiters?.value ?? DEFAULT_LIST_DELIMITERS)
      .some((entry) => (ignoreCase ? entry.toLowerCase() : entry) === needle);
    return boolValue(found);
  });
}

function listMember(matches: (needle: Value, item: Value) => boolean): Builtin {
  return strict(2, 2, ([needle, list]) => {
    if (list.type !== 'list' || needle.type === 'list' || needle.type === 'ad') return ERROR;
    return boolValue(list.items.some((item) => matches(needle, item)));
  });
}

type Aggregate = 'sum' | 'avg' | 'min' | 'max';

/** sum/avg/min/max over either one list argument or the arguments themselves. */
function aggregate(kind: Aggregate): Builtin {
  return (args, evaluate) => {
    if (args.length === 0) return ERROR;
    const first = evaluate(args[0]);
    const values = args.length === 1 && first.type === 'list' ? first.items : [first, ...args.slice(1).map(evaluate)];
    if (values.some((v) => v.type === 'error')) return ERROR;
    if (values.some((v) => v.type === 'undefined')) return UNDEFINED;
    if (values.some((v) => v.type !== 'int' && v.type !== 'real')) return ERROR;
    const numbers = values.map((v) => (v.type === 'int' || v.type === 'real' ? v.value : 0));
    const anyReal = values.some((v) => v.type === 'real');
    const wrap = (x: number): Value => (anyReal ? realValue(x) : intValue(x));
    switch (kind) {
      case 'sum':
        return wrap(numbers.reduce((a, b) => a + b, 0));
      case 'avg':
        return realValue(numbers.length === 0 ? 0 : numbers.reduce((a, b) => a + b, 0) / numbers.length);
      case 'min':
        return numbers.length === 0 ? UNDEFINED : wrap(minOf(numbers, (n) => n));
      case 'max':
        return numbers.length === 0 ? UNDEFINED : wrap(maxOf(numbers, (n) => n));
    }
  };
}

/** regexp(pattern, target[, options]) (fnCall.cpp matchPattern). */
const regexpFunction = strict(2, 3, ([pattern, target, options], spend) => {
  if (pattern.type !== 'string' || target.type !== 'string' || (options !== undefined && options.type !== 'string')) return ERROR;
  const regex = compileRegex(pattern.value, classAdRegexOptions(options?.value ?? ''));
  if (regex === undefined) return errorValue(`invalid regular expression ${JSON.stringify(pattern.value)}`);
  return spendPerCharacter(spend, target.value) ? boolValue(regexFinds(regex, target.value)) : ERROR;
});

/** regexps / replace ('f') / replaceall ('fg'): (pattern, target, replacement[, options]) (fnCall.cpp substPattern). */
function substitution(implied: string): Builtin {
  return strict(3, 4, ([pattern, target, replacement, options], spend) => {
    if (options !== undefined && options.type !== 'string') return ERROR;
    if (pattern.type !== 'string' || target.type !== 'string' || replacement.type !== 'string') return ERROR;
    const letters = (options?.value ?? '') + implied;
    const regex = compileRegex(pattern.value, classAdRegexOptions(letters));
    if (regex === undefined) return errorValue(`invalid regular expression ${JSON.stringify(pattern.value)}`);
    if (!spendPerCharacter(spend, target.value)) return ERROR;
    const result = regexSubstitute(regex, target.value, replacement.value, letters.includes('f'), letters.includes('g'));
    return result === undefined ? ERROR : stringValue(result);
  });
}

/** regexpMember(pattern, list[, options]): true when an item matches; UNDEFINED items make a miss UNDEFINED (fnCall.cpp). */
const regexpMemberFunction = strict(2, 3, ([pattern, list, options], spend) => {
  if (pattern.type !== 'string' || list.type !== 'list' || (options !== undefined && options.type !== 'string')) return ERROR;
  const regex = compileRegex(pattern.value, classAdRegexOptions(options?.value ?? ''));
  if (regex === undefined) return ERROR;
  let couldBeUndefined = false;
  for (const item of list.items) {
    if (item.type === 'undefined') couldBeUndefined = true;
    else if (item.type !== 'string') return ERROR;
    else if (!spendPerCharacter(spend, item.value)) return ERROR;
    else if (regexFinds(regex, item.value)) return boolValue(true);
  }
  return couldBeUndefined ? UNDEFINED : boolValue(false);
});

/**
 * stringListRegexpMember(pattern, list[, delimiters[, options]]) (compat_classad.cpp): every argument must be
 * a string (UNDEFINED too is ERROR there); an empty list is UNDEFINED; option letters in either case.
 */
const stringListRegexpMemberFunction: Builtin = (args, evaluate, spend) => {
  if (args.length < 2 || args.length > 4) return ERROR;
  const values = args.map(evaluate);
  if (values.some((v) => v.type !== 'string')) return ERROR;
  const [pattern, list, delimiters, options] = values.map((v) => (v.type === 'string' ? v.value : ''));
  const regex = compileRegex(pattern, stringListRegexOptions(options ?? ''));
  if (regex === undefined) return ERROR;
  const items = splitStringList(list, delimiters ?? ', ');
  if (items.length === 0) return UNDEFINED;
  if (!spendPerCharacter(spend, list)) return ERROR;
  return boolValue(items.some((item) => regexFinds(regex, item)));
};

/**
 * join(sep, a, b, …), join(sep, list), join(list) (fnCall.cpp strCat): the items' text with `sep` between them;
 * UNDEFINED items are left out (all of them UNDEFINED: UNDEFINED), an ERROR one makes the result ERROR.
 */
const joinFunction: Builtin = (args, evaluate) => {
  if (args.length === 0) return stringValue('');
  let values = args.map(evaluate);
  const last = values.at(-1) as Value;
  if (values.length <= 2 && last.type === 'list') values = [values.length === 2 ? (values[0] as Value) : stringValue(''), ...last.items];
  let separator = '';
  let text = '';
  let anyUndefined = false;
  let anyDefined = false;
  for (const [index, value] of values.entries()) {
    if (value.type === 'undefined') {
      anyUndefined = true;
      continue;
    }
    if (value.type === 'error') return ERROR;
    if (index === 0) {
      separator = toText(value);
      continue;
    }
    if (text !== '') text += separator;
    anyDefined = true;
    text += toText(value);
  }
  return anyUndefined && !anyDefined ? UNDEFINED : stringValue(text);
};

/** strcasecmp's idea of case: ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** StringTokenIterator(output, ","): the items between commas, isspace() trimmed, empty ones skipped. */
function commaItems(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, ''))
    .filter((item) => item !== '');
}

/**
 * userMap(mapName, input[, preferred[, default]]) (compat_classad.cpp userMap_func) over the maps the process
 * was configured with: the 2-argument form gives the whole canonicalization (the comma-separated list, as
 * one string); the 3- and 4-argument forms give the item equal to `preferred` (ASCII case aside), else the
 * first item. No map, no entry or no item: UNDEFINED, or `default` in the 4-argument form.
 */
/**
 * splitUserName / splitSlotName (compat_classad.cpp splitAt_func): two strings split at the first '@'; without
 * one, the whole string is the user (domain empty) or the machine (slot empty). Anything but a string, UNDEFINED
 * too, is ERROR.
 */
function splitAt(whole: 'user' | 'slot'): Builtin {
  return (args, evaluate) => {
    if (args.length !== 1) return ERROR;
    const v = evaluate(args[0]);
    if (v.type !== 'string') return ERROR;
    const at = v.value.indexOf('@');
    const pair = at >= 0 ? [v.value.slice(0, at), v.value.slice(at + 1)] : whole === 'user' ? [v.value, ''] : ['', v.value];
    return { type: 'list', items: pair.map(stringValue) };
  };
}

/** C isspace() in the C locale. */
function isCSpace(ch: string | undefined): boolean {
  return ch !== undefined && ' \t\n\v\f\r'.includes(ch);
}

/**
 * split(s [, separators]) as compat_classad.cpp splitArb_func: separators default to ", \t"; empty pieces are
 * dropped except between two of the same non-space separator ("a,,b" gives three items, "a, b" two).
 */
const splitFunction: Builtin = (args, evaluate, spend) => {
  if (args.length !== 1 && args.length !== 2) return ERROR;
  const text = evaluate(args[0]);
  const separators = args.length === 2 ? evaluate(args[1]) : stringValue(', \t');
  if (text.type !== 'string' || separators.type !== 'string') return ERROR;
  const str = text.value;
  if (!spendPerCharacter(spend, str)) return ERROR;
  const seps = separators.value;
  const items: Value[] = [];
  let last = 0;
  if (seps.length > 0) {
    let previous: string | undefined;
    for (let ix = 0; ix < str.length; ix++) {
      const ch = str[ix];
      if (!seps.includes(ch)) continue;
      if (ix > last) items.push(stringValue(str.slice(last, ix)));
      else if (!isCSpace(previous) && previous === ch) items.push(stringValue(''));
      if (!isCSpace(ch)) previous = ch;
      last = ix + 1;
    }
  }
  if (str.length > last) items.push(stringValue(str.slice(last)));
  return { type: 'list', items };
};

const userMapFunction: Builtin = (args, evaluate, _spend, context) => {
  if (args.length < 2 || args.length > 4) return ERROR;
  const [mapName, input, preferred, fallback] = args.map(evaluate) as [Value, Value, Value | undefined, Value | undefined];
  const noResult = fallback ?? UNDEFINED;
  if (mapName.type !== 'string' || input.type !== 'string') {
    return mapName.type === 'error' || input.type === 'error' ? ERROR : noResult;
  }
  const output = context.userMap?.(mapName.value, input.value);
  if (output === undefined) return noResult;
  if (args.length === 2) return stringValue(output);
  const items = commaItems(output);
  const wanted = preferred?.type === 'string' ? asciiLower(preferred.value) : undefined;
  const selected = items.find((item) => asciiLower(item) === wanted) ?? items[0];
  return selected === undefined ? noResult : stringValue(selected);
};

function compareStrings(ignoreCase: boolean): Builtin {
  return strict(2, 2, ([a, b]) => {
    if (a.type === 'list' || a.type === 'ad' || b.type === 'list' || b.type === 'ad') return ERROR;
    const x = ignoreCase ? toText(a).toLowerCase() : toText(a);
    const y = ignoreCase ? toText(b).toLowerCase() : toText(b);
    return intValue(x < y ? -1 : x > y ? 1 : 0);
  });
}

function caseConversion(convert: (s: string) => string): Builtin {
  return strict(1, 1, ([v]) => (v.type === 'list' || v.type === 'ad' ? ERROR : stringValue(convert(toText(v)))));
}

const BUILTINS = new Map<string, Builtin>([
  ['time', (args) => (args.length === 0 ? intValue(Math.floor(Date.now() / 1000)) : ERROR)],
  ['ifthenelse', (args, evaluate) => {
    if (args.length !== 3) return ERROR;
    const condition = evaluate(args[0]);
    if (condition.type === 'undefined' || condition.type === 'error') return condition;
    const truth = truthValue(condition);
    if (truth === undefined) return ERROR;
    return evaluate(truth ? args[1] : args[2]);
  }],
  ['isundefined', typeTest((v) => v.type === 'undefined')],
  ['iserror', typeTest((v) => v.type === 'error')],
  ['isstring', typeTest((v) => v.type === 'string')],
  ['isinteger', typeTest((v) => v.type === 'int')],
  ['isreal', typeTest((v) => v.type === 'real')],
  ['isboolean', typeTest((v) => v.type === 'bool')],
  ['islist', typeTest((v) => v.type === 'list')],
  ['isclassad', typeTest((v) => v.type === 'ad')],
  ['strcat', strict(0, Infinity, (values) => stringValue(values.map(toText).join('')))],
  ['join', joinFunction],
  ['substr', strict(2, 3, ([s, offsetValue, lengthValue]) => {
    if (s.type !== 'string') return ERROR;
    const offsetArg = toInteger(offsetValue);
    const lengthArg = lengthValue === undefined ? undefined : toInteger(lengthValue);
    if (offsetArg === undefined || offsetValue.type === 'string') return ERROR;
    if (lengthValue !== undefined && (lengthArg === undefined || lengthValue.type === 'string')) return ERROR;
    const total = s.value.length;
    const start = Math.min(total, Math.max(0, offsetArg < 0 ? total + offsetArg : offsetArg));
    let end = total;
    if (lengthArg !== undefined) end = lengthArg < 0 ? total + lengthArg : start + lengthArg;
    return stringValue(end <= start ? '' : s.value.slice(start, Math.min(end, total)));
  })],
  ['strcmp', compareStrings(false)],
  ['stricmp', compareStrings(true)],
  ['toupper', caseConversion((s) => s.toUpperCase())],
  ['tolower', caseConversion((s) => s.toLowerCase())],
  ['size', strict(1, 1, ([v]) => {
    if (v.type === 'string') return intValue(v.value.length);
    if (v.type === 'list') return intValue(v.items.length);
    if (v.type === 'ad') return intValue(v.ad.size);
    return ERROR;
  })],
  ['int', strict(1, 1, ([v]) => {
    const n = toInteger(v);
    return n === undefined ? ERROR : intValue(n);
  })],
  ['real', strict(1, 1, ([v]) => {
    const x = toReal(v);
    return x === undefined ? ERROR : realValue(x);
  })],
  ['string', strict(1, 1, ([v]) => stringValue(toText(v)))],
  ['floor', rounding(Math.floor)],
  ['ceiling', rounding(Math.ceil)],
  ['round', rounding(roundHalfAway)],
  ['abs', strict(1, 1, ([v]) => {
    if (v.type === 'int') return intValue(Math.abs(v.value));
    if (v.type === 'real') return realValue(Math.abs(v.value));
    return ERROR;
  })],
  ['pow', strict(2, 2, ([base, exponent]) => {
    if (base.type === 'int' && exponent.type === 'int' && exponent.value >= 0) {
      return intValue(base.value ** exponent.value);
    }
    const b = toReal(base);
    const e = toReal(exponent);
    if (b === undefined || e === undefined || base.type === 'string' || exponent.type === 'string') return ERROR;
    return realValue(b ** e);
  })],
  ['member', listMember((needle, item) => isTrue(applyBinary('==', needle, item)))],
  ['identicalmember', listMember(isIdentical)],
  ['stringlistmember', stringListMember(false)],
  ['stringlistimember', stringListMember(true)],
  ['stringlistsize', strict(1, 2, ([list, delimiters], spend) => {
    if (list.type !== 'string' || (delimiters !== undefined && delimiters.type !== 'string')) return ERROR;
    if (!spendPerCharacter(spend, list.value)) return ERROR;
    return intValue(splitStringList(list.value, delimiters?.value ?? DEFAULT_LIST_DELIMITERS).length);
  })],
  ['regexp', regexpFunction],
  ['regexps', substitution('')],
  ['replace', substitution('f')],
  ['replaceall', substitution('fg')],
  ['regexpmember', regexpMemberFunction],
  ['stringlistregexpmember', stringListRegexpMemberFunction],
  ['sum', aggregate('sum')],
  ['avg', aggregate('avg')],
  ['min', aggregate('min')],
  ['max', aggregate('max')],
  ['debug', (args, evaluate) => (args.length === 1 ? evaluate(args[0]) : ERROR)],
  ['usermap', userMapFunction],
  ['splitusername', splitAt('user')],
  ['splitslotname', splitAt('slot')],
  ['split', splitFunction],
]);
