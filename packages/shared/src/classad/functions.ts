import type { Expr } from './ast.js';
import type { ClassAd } from './classad.js';
import { maxOf, minOf } from '../extremes.js';
import type { EvalContext } from './evaluate.js';
import { naturalCompare } from './natural-cmp.js';
import { applyBinary, isIdentical, truthValue, type StrictBinaryOp } from './operators.js';
import { parseExpr } from './parser.js';
import { classAdRegexOptions, compileRegex, regexFinds, regexSubstitute, stringListRegexOptions } from './regex.js';
import { unparse, unparseValue } from './unparse.js';
import { roundHalfEven } from '../rounding.js';
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

/**
 * What a function that looks past its arguments' values sees of the call's scope: unparse(), eval(),
 * evalInEachContext() and countMatches().
 */
export interface CallSite {
  /** The expression of attribute `name` in the ad the call is evaluated in (state.curAd's Lookup), if it has one. */
  ownExpr(name: string): Expr | undefined;
  /** The expression an attribute reference names from the call's scope (AttributeReference::Deref), if any. */
  deref(ref: Extract<Expr, { kind: 'attr' }>): Expr | undefined;
  /** Evaluates `expr` as if it were written where the call is (eval()). */
  evaluateHere(expr: Expr): Value;
  /** Evaluates `expr` in the scope of the nested ad `ad` (compat_classad.cpp evaluateInContext). */
  evaluateInAd(expr: Expr, ad: ClassAd): Value;
}

type Builtin = (args: readonly Expr[], evaluate: ArgEvaluator, spend: Spend, context: EvalContext, site: CallSite) => Value;

/** A call site that sees nothing: functions that need one give ERROR. */
const NO_SITE: CallSite = {
  ownExpr: () => undefined,
  deref: () => undefined,
  evaluateHere: () => ERROR,
  evaluateInAd: () => ERROR,
};

const DEFAULT_LIST_DELIMITERS = ' ,';
/** StringTokenIterator's default delimiters, stringListMember's. */
const STRING_LIST_DELIMITERS = ', \t\r\n';

/** Calls a built-in function by case-insensitive name; unknown names and bad arity give ERROR. */
export function callFunction(name: string, args: readonly Expr[], evaluate: ArgEvaluator, spend: Spend, context: EvalContext = {}, site: CallSite = NO_SITE): Value {
  const builtin = BUILTINS.get(name.toLowerCase());
  if (builtin === undefined) return errorValue(`unknown function ${name}`);
  return builtin(args, evaluate, spend, context, site);
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

/**
 * C strtod() as convertValueToRealValue and convertValueToIntegerValue (value.cpp) read a string: leading white
 * space, then the longest number at the start (decimal, hexadecimal, inf, nan); what follows is ignored. No number
 * at all: undefined (HTCondor's ERROR).
 */
function parseNumber(text: string): number | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([0-9a-fA-F]+)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(inf(?:inity)?)|(nan))/i.exec(text);
  if (match === null) return undefined;
  const [, sign, hex, decimal, inf] = match;
  const magnitude = hex !== undefined ? parseInt(hex, 16) : decimal !== undefined ? Number(decimal) : inf !== undefined ? Infinity : NaN;
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * floor/ceil/ceiling/round (fnCall.cpp doRound): an int stays as it is; anything else converts to a real
 * (convertValueToRealValue: a string's leading number; UNDEFINED and what does not convert are ERROR) and
 * gives an int (a real when the result is no finite number). round is C rint(): halves go to the even neighbour.
 */
function rounding(round: (x: number) => number): Builtin {
  return (args, evaluate) => {
    if (args.length !== 1) return ERROR;
    const v = evaluate(args[0]);
    if (v.type === 'int') return v;
    const x = toReal(v);
    if (x === undefined) return ERROR;
    const r = round(x);
    return Number.isFinite(r) ? intValue(r) : realValue(r);
  };
}

/**
 * pow(base, exponent) (fnCall.cpp doMath2): two ints with a non-negative exponent give an int, computed as
 * HTCondor does, `(long long)(pow(b, e) + 0.5)` (so pow(-2, 3) is -7 there and here); otherwise both convert to
 * reals (ERROR when either does not, UNDEFINED too) and the result is a real.
 */
const powFunction: Builtin = (args, evaluate) => {
  if (args.length !== 2) return ERROR;
  const [base, exponent] = args.map(evaluate) as [Value, Value];
  if (base.type === 'int' && exponent.type === 'int' && exponent.value >= 0) return intValue(Math.trunc(base.value ** exponent.value + 0.5));
  const b = toReal(base);
  const e = toReal(exponent);
  return b === undefined || e === undefined ? ERROR : realValue(b ** e);
};

/**
 * quantize(a, b) (fnCall.cpp doMath2): `a` (converted to a real: ERROR when it does not, UNDEFINED too) rounded
 * up to a multiple of `b`. An int `b` keeps an int `a` an int (C integer division: `((a + b-1) / b) * b`), a real
 * one gives a real; a `b` of 0 gives `a` as it is. A list `b`: its first item at least `a`, as that item is;
 * past them all, multiples of its last item; an item that is no number is ERROR; an empty list gives `a`.
 */
const quantizeFunction: Builtin = (args, evaluate) => {
  if (args.length !== 2) return ERROR;
  const [arg, second] = args.map(evaluate) as [Value, Value];
  const x = toReal(arg);
  if (x === undefined) return ERROR;
  let base = second;
  if (second.type === 'list') {
    base = realValue(0);
    for (const item of second.items) {
      const step = toReal(item);
      if (step === undefined) return ERROR;
      if (step >= x) return item;
      base = item;
    }
  }
  const step = toReal(base);
  if (step === undefined) return ERROR;
  if (base.type === 'int') {
    if (base.value === 0) return arg;
    if (arg.type === 'int') return intValue(Math.trunc((arg.value + base.value - 1) / base.value) * base.value);
    return realValue(Math.ceil(x / base.value) * base.value);
  }
  if (Math.abs(step) <= 1e-8) return arg;
  return realValue(Math.ceil(x / step) * step);
};

/**
 * Scanning a string (a regular expression, splitting a string list into many items) costs up to about a
 * microsecond a character, a step's cost (see MAX_EVAL_STEPS): a step per character.
 */
function spendPerCharacter(spend: Spend, text: string): boolean {
  return spend(text.length);
}

/** Characters to put in a RegExp character class as themselves. */
function escapeForClass(characters: string): string {
  return characters.replace(/[\\\]^-]/g, '\\$&');
}

function splitStringList(list: string, delimiters: string): string[] {
  // One native split at any delimiter character: a character-by-character loop costs ten times more on a long list.
  const pieces = delimiters === '' ? [list] : list.split(new RegExp(`[${escapeForClass(delimiters)}]`, 'u'));
  return pieces.map((piece) => piece.trim()).filter((piece) => piece !== '');
}

/**
 * stringListMember(item, list[, delimiters]) / stringListIMember, and stringListSubsetMatch(items, list[,
 * delimiters]) / stringListISubsetMatch (compat_classad.cpp stringListMember_func): UNDEFINED arguments count as
 * empty strings, unless both the item and the list are UNDEFINED (then UNDEFINED); anything else not a string
 * is ERROR. Delimiters default to ", \t\r\n". A subset match is true when every item of the first list is in the
 * second (an empty first list always is); the I forms ignore ASCII case.
 */
function stringListMember(ignoreCase: boolean, subset: boolean): Builtin {
  return (args, evaluate, spend) => {
    if (args.length < 2 || args.length > 3) return ERROR;
    const values = args.map(evaluate);
    if (values.some((v) => v.type !== 'undefined' && v.type !== 'string')) return ERROR;
    const [item, list, delimiters] = values as [Value, Value, Value | undefined];
    if (item.type === 'undefined' && list.type === 'undefined') return UNDEFINED;
    const text = (v: Value | undefined, fallback: string) => (v?.type === 'string' ? v.value : fallback);
    const listText = text(list, '');
    if (!spendPerCharacter(spend, listText)) return ERROR;
    const separators = text(delimiters, STRING_LIST_DELIMITERS);
    const fold = (entry: string) => (ignoreCase ? asciiLower(entry) : entry);
    const entries = new Set(splitStringList(listText, separators).map(fold));
    if (!subset) return boolValue(entries.has(fold(text(item, ''))));
    return boolValue(splitStringList(text(item, ''), separators).every((entry) => entries.has(fold(entry))));
  };
}

type Summary = 'sum' | 'avg' | 'min' | 'max';

/** C's FLT_MAX and FLT_MIN. */
const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

/**
 * stringListSum/Avg/Min/Max(list[, delimiters]) (compat_classad.cpp stringListSummarize_func): each item read by
 * sscanf("%lf") (ERROR when one is no number); an int unless an item has a character other than +-0123456789
 * (or the average is asked). An empty list: 0.0 for sum and avg, UNDEFINED for min and max.
 */
function stringListSummary(kind: Summary): Builtin {
  return (args, evaluate, spend) => {
    if (args.length < 1 || args.length > 2) return ERROR;
    const [list, delimiters] = args.map(evaluate) as [Value, Value | undefined];
    if (list.type !== 'string' || (delimiters !== undefined && delimiters.type !== 'string')) return ERROR;
    if (!spendPerCharacter(spend, list.value)) return ERROR;
    const items = splitStringList(list.value, delimiters?.value ?? ', ');
    if (items.length === 0) return kind === 'sum' || kind === 'avg' ? realValue(0) : UNDEFINED;
    let isReal = kind === 'avg';
    const numbers: number[] = [];
    for (const item of items) {
      const n = parseNumber(item);
      if (n === undefined) return ERROR;
      if (!/^[+\-0-9]*$/.test(item)) isReal = true;
      numbers.push(n);
    }
    let result: number;
    // HTCondor starts min at FLT_MAX and max at FLT_MIN (the least positive float): a list of negative numbers
    // has a max of FLT_MIN (0 as an int) there, and so here.
    if (kind === 'min') result = numbers.reduce((acc, n) => (n < acc ? n : acc), FLT_MAX);
    else if (kind === 'max') result = numbers.reduce((acc, n) => (n > acc ? n : acc), FLT_MIN);
    else result = numbers.reduce((a, b) => a + b, 0) / (kind === 'avg' ? numbers.length : 1);
    return isReal ? realValue(result) : intValue(Math.trunc(result));
  };
}

/**
 * stringListsIntersect(a, b[, delimiters]) (fnCall.cpp): whether an item of `a` is in `b`, the items being the
 * text between delimiters (default " ,", also for an empty delimiter string) as it is, not trimmed. ERROR and
 * then UNDEFINED arguments decide first.
 */
const stringListsIntersectFunction = strict(2, 3, ([a, b, delimiters], spend) => {
  if (a.type !== 'string' || b.type !== 'string' || (delimiters !== undefined && delimiters.type !== 'string')) return ERROR;
  if (!spendPerCharacter(spend, a.value) || !spendPerCharacter(spend, b.value)) return ERROR;
  const separators = delimiters?.value || ' ,';
  const pieces = (text: string) => text.split(new RegExp(`[${escapeForClass(separators)}]`, 'u')).filter((piece) => piece !== '');
  const second = new Set(pieces(b.value));
  return boolValue(pieces(a.value).some((piece) => second.has(piece)));
});

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
 * stringList_regexpMember(pattern, list[, delimiters[, options]]) (compat_classad.cpp): every argument must be
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

/** bool(x) (fnCall.cpp convBool): numbers are true when not zero; "true"/"false" in any case; any other string UNDEFINED. */
const boolFunction: Builtin = (args, evaluate) => {
  if (args.length !== 1) return ERROR;
  const v = evaluate(args[0]);
  switch (v.type) {
    case 'undefined':
    case 'bool':
      return v;
    case 'int':
    case 'real':
      return boolValue(v.value !== 0);
    case 'string':
      if (asciiLower(v.value) === 'false') return boolValue(false);
      return asciiLower(v.value) === 'true' ? boolValue(true) : UNDEFINED;
    default:
      return ERROR;
  }
};

/**
 * unparse(Attr) (fnCall.cpp unparse): the text of the expression attribute Attr has in the ad the call is in;
 * "" when it has none (a scoped reference such as MY.Attr is looked up by that whole name, so finds nothing).
 * Anything but an attribute reference is ERROR.
 */
const unparseFunction: Builtin = (args, _evaluate, _spend, _context, site) => {
  if (args.length !== 1 || args[0].kind !== 'attr') return ERROR;
  const ref = args[0];
  const expr = ref.scope === undefined ? site.ownExpr(ref.name) : undefined;
  return stringValue(expr === undefined ? '' : unparse(expr));
};

/** eval(s) (fnCall.cpp eval): the value of the expression `s` (a value not a string: its text) as if written where the call is. */
const evalFunction: Builtin = (args, evaluate, spend, _context, site) => {
  if (args.length !== 1) return ERROR;
  const v = evaluate(args[0]);
  if (v.type === 'undefined' || v.type === 'error') return ERROR;
  const text = toText(v);
  // Parsing costs about what scanning does: a step per character.
  if (!spendPerCharacter(spend, text)) return ERROR;
  let expr: Expr;
  try {
    expr = parseExpr(text);
  } catch {
    return ERROR;
  }
  return site.evaluateHere(expr);
};

/**
 * evalInEachContext(expr, ads) and countMatches(expr, ads) (compat_classad.cpp evalInEachContext_func): `expr`
 * evaluated in each nested ad of the list. When `expr` is a reference to an attribute the call's scope has, that
 * attribute's expression is what is evaluated (MY.RequireGPUs), else the reference itself (a projection). A
 * list that is UNDEFINED gives UNDEFINED, or 0 matches; an item that is UNDEFINED gives UNDEFINED, one that is
 * no ad ERROR. countMatches counts the results that are true (or a non-zero number), never UNDEFINED or ERROR.
 */
function evalInEachContext(count: boolean): Builtin {
  return (args, evaluate, _spend, _context, site) => {
    if (args.length !== 2) return ERROR;
    const expr = args[0].kind === 'attr' ? site.deref(args[0]) ?? args[0] : args[0];
    const list = evaluate(args[1]);
    if (list.type === 'undefined') return count ? intValue(0) : UNDEFINED;
    if (list.type !== 'list') return ERROR;
    const results = list.items.map((item) => {
      if (item.type === 'ad') return site.evaluateInAd(expr, item.ad);
      return item.type === 'undefined' ? UNDEFINED : ERROR;
    });
    if (!count) return { type: 'list', items: results };
    return intValue(results.filter((r) => (r.type === 'bool' || r.type === 'int' || r.type === 'real') && isTrue(r)).length);
  };
}

const COMPARISONS = new Map<string, StrictBinaryOp>([
  ['<', '<'], ['<=', '<='], ['!=', '!='], ['==', '=='], ['>', '>'], ['>=', '>='], ['is', '=?='], ['isnt', '=!='],
]);

/**
 * anyCompare(op, list, value) / allCompare (fnCall.cpp listCompare): whether `item op value` holds for some / every
 * item. `op` is one of < <= != == > >= is isnt. An UNDEFINED op or list is UNDEFINED; a comparison that is
 * UNDEFINED makes allCompare false and ends anyCompare false; one that is ERROR is ERROR.
 */
function listCompare(all: boolean): Builtin {
  return (args, evaluate) => {
    if (args.length !== 3) return ERROR;
    const opValue = evaluate(args[0]);
    if (opValue.type === 'undefined') return UNDEFINED;
    if (opValue.type !== 'string') return ERROR;
    const op = COMPARISONS.get(opValue.value);
    if (op === undefined) return ERROR;
    const list = evaluate(args[1]);
    if (list.type === 'undefined') return UNDEFINED;
    if (list.type !== 'list') return ERROR;
    const against = evaluate(args[2]);
    for (const item of list.items) {
      const result = applyBinary(op, item, against);
      if (result.type === 'undefined') return boolValue(false);
      if (result.type !== 'bool') return ERROR;
      if (result.value !== all) return boolValue(!all);
    }
    return boolValue(all);
  };
}

/** convertValueToStringValue: a string as it is, any other value its text; UNDEFINED and ERROR do not convert. */
function convertibleText(v: Value): string | undefined {
  return v.type === 'undefined' || v.type === 'error' ? undefined : toText(v);
}

/** versioncmp / versionGT … versionEQ (fnCall.cpp compareVersion): natural_cmp on the two values' text. */
function compareVersion(result: (order: number) => Value): Builtin {
  return (args, evaluate) => {
    if (args.length !== 2) return ERROR;
    const [left, right] = args.map(evaluate) as [Value, Value];
    if (left.type === 'undefined' || right.type === 'undefined') return UNDEFINED;
    const a = convertibleText(left);
    const b = convertibleText(right);
    return a === undefined || b === undefined ? ERROR : result(naturalCompare(a, b));
  };
}

/** version_in_range(v, min, max) (fnCall.cpp versionInRange): min <= v <= max in natural_cmp's order. */
const versionInRangeFunction: Builtin = (args, evaluate) => {
  if (args.length !== 3) return ERROR;
  const [test, min, max] = args.map(evaluate) as [Value, Value, Value];
  if (min.type === 'undefined' || max.type === 'undefined') return UNDEFINED;
  const [t, lo, hi] = [test, min, max].map(convertibleText);
  if (t === undefined || lo === undefined || hi === undefined) return ERROR;
  return boolValue(naturalCompare(lo, t) <= 0 && naturalCompare(t, hi) <= 0);
};

/** C's `%d` of a 32-bit int, and `%02d` of its absolute value. */
function pad2(n: number): string {
  return String(Math.abs(n)).padStart(2, '0');
}

/** interval(seconds) (fnCall.cpp interval): `days+hh:mm:ss`, `h:mm:ss`, `m:ss` or `s`, as int arithmetic gives them. */
const intervalFunction: Builtin = (args, evaluate) => {
  if (args.length !== 1) return ERROR;
  const converted = toInteger(evaluate(args[0]));
  if (converted === undefined) return ERROR;
  // IsIntegerValue into a C int.
  const total = converted | 0;
  const days = Math.trunc(total / 86400);
  let rest = total % 86400;
  const hours = Math.trunc(rest / 3600);
  rest %= 3600;
  const minutes = Math.trunc(rest / 60);
  const seconds = rest % 60;
  if (days !== 0) return stringValue(`${days}+${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`);
  if (hours !== 0) return stringValue(`${hours}:${pad2(minutes)}:${pad2(seconds)}`);
  if (minutes !== 0) return stringValue(`${minutes}:${pad2(seconds)}`);
  return stringValue(`${seconds}`);
};

/** random([max]) (fnCall.cpp random): an int in [0, max) for an int max, a real in [0, max) for a real one (1.0 without). */
const randomFunction: Builtin = (args, evaluate) => {
  if (args.length > 1) return ERROR;
  const max = args.length === 0 ? realValue(1) : evaluate(args[0]);
  if (max.type === 'int') return max.value <= 0 ? ERROR : intValue(Math.floor(Math.random() * max.value));
  if (max.type === 'real') return max.value <= 0 ? ERROR : realValue(max.value * Math.random());
  return ERROR;
};

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
  ['bool', boolFunction],
  ['floor', rounding(Math.floor)],
  ['ceil', rounding(Math.ceil)],
  ['ceiling', rounding(Math.ceil)],
  ['round', rounding(roundHalfEven)],
  ['quantize', quantizeFunction],
  ['pow', powFunction],
  ['member', listMember((needle, item) => isTrue(applyBinary('==', needle, item)))],
  ['identicalmember', listMember(isIdentical)],
  ['stringlistmember', stringListMember(false, false)],
  ['stringlistimember', stringListMember(true, false)],
  ['stringlistsubsetmatch', stringListMember(false, true)],
  ['stringlistisubsetmatch', stringListMember(true, true)],
  ['stringlistsum', stringListSummary('sum')],
  ['stringlistavg', stringListSummary('avg')],
  ['stringlistmin', stringListSummary('min')],
  ['stringlistmax', stringListSummary('max')],
  ['stringlistsintersect', stringListsIntersectFunction],
  ['stringlistsize', (args, evaluate, spend) => {
    // compat_classad.cpp stringListSize_func: anything but strings, UNDEFINED too, is ERROR.
    if (args.length < 1 || args.length > 2) return ERROR;
    const [list, delimiters] = args.map(evaluate) as [Value, Value | undefined];
    if (list.type !== 'string' || (delimiters !== undefined && delimiters.type !== 'string')) return ERROR;
    if (!spendPerCharacter(spend, list.value)) return ERROR;
    return intValue(splitStringList(list.value, delimiters?.value ?? DEFAULT_LIST_DELIMITERS).length);
  }],
  ['regexp', regexpFunction],
  ['regexps', substitution('')],
  ['replace', substitution('f')],
  ['replaceall', substitution('fg')],
  ['regexpmember', regexpMemberFunction],
  ['stringlist_regexpmember', stringListRegexpMemberFunction],
  ['sum', aggregate('sum')],
  ['avg', aggregate('avg')],
  ['min', aggregate('min')],
  ['max', aggregate('max')],
  ['debug', (args, evaluate) => (args.length === 1 ? evaluate(args[0]) : ERROR)],
  ['unparse', unparseFunction],
  ['eval', evalFunction],
  ['evalineachcontext', evalInEachContext(false)],
  ['countmatches', evalInEachContext(true)],
  ['anycompare', listCompare(false)],
  ['allcompare', listCompare(true)],
  ['versioncmp', compareVersion(intValue)],
  ['versionlt', compareVersion((order) => boolValue(order < 0))],
  ['versionle', compareVersion((order) => boolValue(order <= 0))],
  ['versiongt', compareVersion((order) => boolValue(order > 0))],
  ['versionge', compareVersion((order) => boolValue(order >= 0))],
  ['versioneq', compareVersion((order) => boolValue(order === 0))],
  ['version_in_range', versionInRangeFunction],
  ['interval', intervalFunction],
  ['random', randomFunction],
  ['usermap', userMapFunction],
  ['splitusername', splitAt('user')],
  ['splitslotname', splitAt('slot')],
  ['split', splitFunction],
]);
