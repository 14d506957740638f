// HTCondor's macro functions ($INT, $REAL, $F…, $CHOICE, $RANDOM_*, $SUBSTR, $BASENAME, $DIRNAME), as
// config.cpp's evaluate_macro_func computes them from a function's body (already macro-expanded).
import { ClassAd, ClassAdParseError, unparseValue, type EvalContext, type Value } from '../classad/index.js';
import { formatPrintf, PRINTF_INT, PRINTF_REAL } from './printf.js';

/** What a function may look up: a macro's expanded value, or undefined when it is not defined. */
export interface FunctionScope {
  lookup(name: string): string | undefined;
  /** In [0, 1), as Math.random. */
  random(): number;
  /** For $Ff…(): the directory relative paths are taken from. */
  cwd: string;
  /** What the ClassAd evaluations of $EVAL(), $STRING(), $INT() and $REAL() are given. */
  evalContext?: EvalContext;
}

/** A problem in HTCondor's words (might_EXCEPT); the caller locates it. */
export class MacroFunctionError extends Error {}

/** The function a `$NAME(` prefix calls, or undefined when `$NAME(` is not one (HTCondor's names are upper-case). */
export function macroFunctionOf(name: string): string | undefined {
  if (FUNCTIONS.has(name)) return name;
  if (/^F[pnxdqabfwu]*$/i.test(name) && name.startsWith('F')) return name;
  return undefined;
}

const FUNCTIONS = new Set(['RANDOM_CHOICE', 'RANDOM_INTEGER', 'CHOICE', 'SUBSTR', 'INT', 'REAL', 'STRING', 'EVAL', 'BASENAME', 'DIRNAME']);

/** Whether a function gives a new value each time it is expanded. */
export function isRandomFunction(name: string): boolean {
  return name === 'RANDOM_CHOICE' || name === 'RANDOM_INTEGER';
}

export function callMacroFunction(name: string, body: string, scope: FunctionScope): string {
  switch (name) {
    case 'RANDOM_CHOICE':
      return randomChoice(body, scope);
    case 'RANDOM_INTEGER':
      return randomInteger(body, scope);
    case 'CHOICE':
      return choice(body, scope);
    case 'SUBSTR':
      return substr(body, scope);
    case 'INT':
    case 'REAL':
      return number(name, body, scope);
    case 'STRING':
      return string(body, scope);
    case 'EVAL':
      return evalExpression(body, scope);
    case 'BASENAME': {
      const comma = body.lastIndexOf(',');
      const suffix = comma >= 0 ? body.slice(comma + 1).trimStart() : undefined;
      return filename(valueOrLiteral(comma >= 0 ? body.slice(0, comma) : body, scope), { parts: X | N, suffix }, scope);
    }
    case 'DIRNAME':
      return filename(valueOrLiteral(body, scope), { parts: P }, scope);
    default:
      return filename(valueOrLiteral(body, scope), filenameFlags(name), scope);
  }
}

/** HTCondor's split(): items separated by commas and whitespace, empty ones dropped. */
function splitItems(text: string, separators = /[,\s]+/): string[] {
  return text.split(separators).map((item) => item.trim()).filter((item) => item !== '');
}

function valueOrLiteral(name: string, scope: FunctionScope): string {
  return scope.lookup(name.trim()) ?? name;
}

function randomChoice(body: string, scope: FunctionScope): string {
  let entries = splitItems(body, /,/);
  if (entries.length === 1) {
    const list = scope.lookup(entries[0]!);
    if (list !== undefined) entries = splitItems(list);
  }
  if (entries.length === 0) throw new MacroFunctionError('$RANDOM_CHOICE() macro is empty!');
  return entries[Math.floor(scope.random() * entries.length)]!;
}

/** strtol's whole-string reading, as string_to_long. */
function toLong(text: string | undefined): number | undefined {
  const trimmed = (text ?? '').trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

function randomInteger(body: string, scope: FunctionScope): string {
  const args = body.split(',');
  const min = toLong(args[0]);
  if (min === undefined) throw new MacroFunctionError('$RANDOM_INTEGER() config macro: invalid min!');
  const max = toLong(args[1]);
  if (max === undefined) throw new MacroFunctionError('$RANDOM_INTEGER() config macro: invalid max!');
  const step = args[2] === undefined || args[2].trim() === '' ? 1 : toLong(args[2]);
  if (step === undefined || step < 1) throw new MacroFunctionError('$RANDOM_INTEGER() config macro: invalid step!');
  if (min > max) throw new MacroFunctionError('$RANDOM_INTEGER() config macro: min > max!');
  const count = Math.floor((step + max - min) / step);
  return String(min + Math.floor(scope.random() * count) * step);
}

function choice(body: string, scope: FunctionScope): string {
  const comma = body.indexOf(',');
  const indexArg = (comma < 0 ? body : body.slice(0, comma)).trim();
  const indexText = scope.lookup(indexArg) ?? indexArg;
  const index = integerValue(indexText, scope.evalContext);
  if (index === undefined || index < 0 || index >= 2 ** 31 - 1) throw new MacroFunctionError(`$CHOICE() error: '${indexText}' is invalid index`);
  if (comma < 0) throw new MacroFunctionError('$CHOICE() error: no list');
  let rest = body.slice(comma + 1);
  if (!rest.includes(',')) {
    const listName = rest.trim();
    const list = scope.lookup(listName);
    if (list === undefined) throw new MacroFunctionError(`$CHOICE() macro: no list named "${listName}"!`);
    rest = list;
  }
  const items = rest.split(',');
  if (index >= items.length) throw new MacroFunctionError(`$CHOICE() config macro: index ${index} is out of range!`);
  return items[index]!.trim();
}

function substr(body: string, scope: FunctionScope): string {
  const [name, startArg, lengthArg] = body.split(',');
  if (startArg === undefined) throw new MacroFunctionError('$SUBSTR() macro: no length specified!');
  const startText = scope.lookup(startArg) ?? startArg;
  let start = integerValue(startText, scope.evalContext);
  if (start === undefined) throw new MacroFunctionError(`$SUBSTR() macro: ${startText} is invalid start index!`);
  let length = Number.MAX_SAFE_INTEGER;
  if (lengthArg !== undefined) {
    const lengthText = scope.lookup(lengthArg) ?? lengthArg;
    const parsed = integerValue(lengthText, scope.evalContext);
    if (parsed === undefined) throw new MacroFunctionError(`$SUBSTR() macro: ${lengthText} is invalid length !`);
    length = parsed;
  }
  const value = scope.lookup(name!);
  if (value === undefined) return '';
  if (start < 0) start = Math.max(0, value.length + start);
  start = Math.min(start, value.length);
  const left = value.length - start;
  if (length < 0) length = Math.max(0, left + length);
  return value.slice(start, start + Math.min(length, left));
}

/** string_is_long_param: an integer, or a ClassAd expression that evaluates to a number (truncated) or a boolean. */
function integerValue(text: string, context: EvalContext | undefined): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  const value = evaluate(trimmed, context);
  if (value === undefined) return undefined;
  return Math.trunc(value);
}

/** string_is_double_param: a number, or a ClassAd expression that evaluates to one. */
function realValue(text: string, context: EvalContext | undefined): number | undefined {
  const trimmed = text.trim();
  if (trimmed !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  return evaluate(trimmed, context);
}

function evaluate(text: string, context: EvalContext | undefined): number | undefined {
  const value = text === '' ? undefined : evaluateText(text, context);
  if (value?.type === 'int' || value?.type === 'real') return value.value;
  if (value?.type === 'bool') return value.value ? 1 : 0;
  return undefined;
}

function number(name: 'INT' | 'REAL', body: string, scope: FunctionScope): string {
  const comma = body.indexOf(',');
  const format = comma < 0 ? undefined : body.slice(comma + 1);
  const argument = comma < 0 ? body : body.slice(0, comma);
  if (format !== undefined && formatPrintf(format, 0, name === 'INT' ? PRINTF_INT : PRINTF_REAL) === undefined) {
    throw new MacroFunctionError(`$${name}() macro: '${format}' is not a valid format specifier!`);
  }
  const text = scope.lookup(argument) ?? argument;
  if (name === 'INT') {
    const value = integerValue(text, scope.evalContext);
    if (value === undefined) throw new MacroFunctionError(`$INT() macro: ${text} does not evaluate to an integer!`);
    return format === undefined ? String(value) : (formatPrintf(format, value, PRINTF_INT) as string);
  }
  const value = realValue(text, scope.evalContext);
  if (value === undefined) throw new MacroFunctionError(`$REAL() macro: ${text} does not evaluate to an real!`);
  if (format === undefined) return formatPrintf('%.16G', value, PRINTF_REAL) as string;
  const formatted = formatPrintf(format, value, PRINTF_REAL) as string;
  return formatted.includes('.') ? formatted : `${formatted}.0`;
}

/** The value of a ClassAd expression evaluated in an empty ad, or undefined when it does not parse. */
function evaluateText(text: string, context: EvalContext | undefined): Value | undefined {
  try {
    return new ClassAd().evaluateExpr(text, undefined, context);
  } catch (err) {
    if (err instanceof ClassAdParseError) return undefined;
    throw err;
  }
}

/** $STRING(name[,fmt]): the macro (or literal), its string value when it is a string expression, through %s. */
function string(body: string, scope: FunctionScope): string {
  const comma = body.indexOf(',');
  const format = comma < 0 ? undefined : body.slice(comma + 1);
  if (format !== undefined && !/^(?:[^%]|%%)*%-?\d*(?:\.\d+)?s(?:[^%]|%%)*$/.test(format)) {
    throw new MacroFunctionError(`$STRING macro: '${format}' is not a valid format specifier!`);
  }
  const argument = comma < 0 ? body : body.slice(0, comma);
  let text = scope.lookup(argument) ?? argument;
  const value = evaluateText(text, scope.evalContext);
  if (value?.type === 'string') text = value.value;
  if (format === undefined) return text;
  return format.replace(/%(-?)(\d*)(?:\.(\d+))?s|%%/, (match, left: string, width: string, precision: string | undefined) => {
    if (match === '%%') return '%';
    const cut = precision === undefined ? text : text.slice(0, Number(precision));
    return left ? cut.padEnd(Number(width || 0)) : cut.padStart(Number(width || 0));
  }).replace(/%%/g, '%');
}

/** $EVAL(name): the macro (or literal) evaluated as a ClassAd expression: a string as is, other values unparsed. */
function evalExpression(body: string, scope: FunctionScope): string {
  const text = scope.lookup(body) ?? body;
  const value = evaluateText(text, scope.evalContext);
  if (value === undefined) return text;
  return value.type === 'string' ? value.value : unparseValue(value);
}

const X = 1;
const N = 2;
const P = 4;
const D = 8;

interface FilenameFlags {
  parts: number;
  dirs?: number;
  quote?: string;
  bare?: boolean;
  full?: boolean;
  suffix?: string | undefined;
}

function filenameFlags(name: string): FilenameFlags {
  const flags: FilenameFlags = { parts: 0, dirs: 0 };
  let argQuote = false;
  let quoted = false;
  for (const letter of name.slice(1).toLowerCase()) {
    if (letter === 'x') flags.parts |= X;
    else if (letter === 'n') flags.parts |= N;
    else if (letter === 'p') flags.parts |= P;
    else if (letter === 'd') {
      flags.parts |= D;
      flags.dirs = (flags.dirs ?? 0) + 1;
    } else if (letter === 'a') argQuote = true;
    else if (letter === 'b') flags.bare = true;
    else if (letter === 'f') flags.full = true;
    else if (letter === 'q') quoted = true;
  }
  if (quoted) flags.quote = argQuote ? "'" : '"';
  return flags;
}

const isSeparator = (ch: string | undefined) => ch === '/' || ch === '\\';

/** The $F…() family, $BASENAME() and $DIRNAME() on one path (enclosing quotes dropped first). */
function filename(value: string, flags: FilenameFlags, scope: FunctionScope): string {
  let path = value.trim();
  if (path.length >= 2 && (path[0] === '"' || path[0] === "'") && path.endsWith(path[0]!)) path = path.slice(1, -1);
  if (flags.full && !isSeparator(path[0])) path = `${scope.cwd.replace(/\/$/, '')}/${path}`;
  let end = path.length;
  let nameStart = 0;
  for (let i = 0; i < path.length; i++) if (isSeparator(path[i])) nameStart = i + 1;
  const dot = path.lastIndexOf('.');
  let extStart = dot > nameStart ? dot : end;
  let parts = flags.parts;
  if (flags.suffix !== undefined && end - flags.suffix.length >= nameStart && path.slice(end - flags.suffix.length).toLowerCase() === flags.suffix.toLowerCase()) {
    extStart = end - flags.suffix.length;
    parts &= ~X;
  }
  if (nameStart === 0 && parts & (N | X)) parts &= ~(P | D);
  let start = 0;
  switch (parts & 0xf) {
    case X:
      start = extStart;
      if (flags.bare && extStart < end) start++;
      break;
    case N | X:
      start = nameStart;
      break;
    case N:
      start = nameStart;
      end = extStart;
      break;
    case 0:
    case P | N | X:
    case P | X:
      break;
    case P:
      end = flags.bare && nameStart > 0 ? nameStart - 1 : nameStart;
      break;
    case P | N:
      end = extStart;
      break;
    default:
      if (nameStart > 0) {
        start = dirsStart(path, flags.dirs ?? 0);
        if ((parts & 3) === N) end = extStart;
        else if ((parts & 3) === 0) end = flags.bare ? nameStart - 1 : nameStart;
      } else {
        end = start;
      }
  }
  const result = path.slice(start, Math.max(start, end));
  return flags.quote ? `${flags.quote}${result}${flags.quote}` : result;
}

/** condor_basename_plus_dirs: where the last `dirs` directories and the file name begin. */
function dirsStart(path: string, dirs: number): number {
  const starts: number[] = [];
  for (let i = 0; i < path.length; i++) if (isSeparator(path[i])) starts.push(i + 1);
  starts.splice(Math.max(0, starts.length - dirs));
  return starts.length === 0 ? 0 : starts[starts.length - 1]!;
}
