// condor_q / condor_history / condor_status -format FMT ATTR, as HTCondor's AttrListPrintMask renders a
// printf column (ad_printmask.cpp render and display; registerFormatF collapses the format's escapes):
// the value of ATTR (an attribute, else an expression) written with FMT's one conversion; nothing at all
// when the value does not suit the conversion (an undefined attribute, a string for %d).
import { parseOldExpr, unparseOldSyntax, unparseValue, type ClassAd, type EvalContext, type Expr, type Value } from '@tinycondor/shared/classad/index';
import { formatPrintf, PRINTF_INT, PRINTF_REAL } from '@tinycondor/shared/submit/printf';

export interface PrintfColumn {
  format: string;
  attr: string;
}

/** The first conversion of a printf format (parsePrintfFormat); `%%` is text. */
const CONVERSION = /%(?!%)([-+ 0#]*)(\d+)?(?:\.(\d*))?(?:hh|h|ll|l|L|q|j|z|t)?([a-zA-Z])/;

/** collapse_escapes: C's backslash escapes in a format given on the command line. */
export function collapseEscapes(text: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
  return text.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (whole, escape: string) => {
    if (escape in simple) return simple[escape]!;
    if (escape.startsWith('x')) return String.fromCharCode(Number.parseInt(escape.slice(1), 16) & 0xff);
    if (/^[0-7]+$/.test(escape)) return String.fromCharCode(Number.parseInt(escape, 8) & 0xff);
    return whole;
  });
}

function stringConversion(format: string, match: RegExpExecArray, text: string): string {
  const [whole, flags, widthText, precisionText] = match as unknown as [string, string, string | undefined, string | undefined];
  let body = precisionText === undefined ? text : text.slice(0, Number(precisionText || '0'));
  const width = widthText === undefined ? 0 : Number(widthText);
  if (body.length < width) body = flags.includes('-') ? body.padEnd(width) : body.padStart(width);
  const at = match.index;
  return (format.slice(0, at) + '\u0000' + format.slice(at + whole.length)).replace(/%%/g, '%').replace('\u0000', body);
}

/**
 * One column's text for an ad. `rename` rewrites the column's value where condor_q's render leaves a
 * string (%s, and %v/%V of a string; condor_q -dag's name column) before the conversion writes it.
 */
export function renderPrintfColumn(ad: ClassAd, column: PrintfColumn, context?: EvalContext, rename: (text: string) => string = (text) => text): string {
  const format = collapseEscapes(column.format);
  const match = CONVERSION.exec(format);
  // A format without a conversion is printed as it is, whatever the attribute.
  if (!match) return format;
  const letter = match[4]!;
  const own = ad.get(column.attr);
  let expr: Expr | undefined = own;
  if (expr === undefined) {
    try {
      expr = parseOldExpr(column.attr);
    } catch {
      expr = undefined;
    }
  }
  if (expr === undefined) return '';
  const value: Value = ad.evaluateExpr(expr, undefined, context);
  const number = value.type === 'int' || value.type === 'real' ? value.value : undefined;
  if (PRINTF_INT.includes(letter)) return number === undefined ? '' : (formatPrintf(format, Math.trunc(number), PRINTF_INT) ?? format);
  if (PRINTF_REAL.includes(letter)) return number === undefined ? '' : (formatPrintf(format, number, PRINTF_REAL) ?? format);
  if (letter === 's') {
    if (value.type === 'string') return stringConversion(format, match, rename(value.value));
    // %s of an attribute that is not a string writes its expression as the ad holds it.
    return own !== undefined ? stringConversion(format, match, rename(unparseOldSyntax(own))) : '';
  }
  if (letter === 'v' || letter === 'V') {
    const shown: Value = value.type === 'string' ? { type: 'string', value: rename(value.value) } : value;
    return stringConversion(format, match, letter === 'v' && shown.type === 'string' ? shown.value : unparseValue(shown, 'old'));
  }
  if (letter === 'r' || letter === 'R') {
    // %r: the expression unparsed, unevaluated (PFT_RAW); nothing for an attribute the ad lacks.
    return own === undefined && expr.kind === 'attr' ? '' : stringConversion(format, match, unparseOldSyntax(expr));
  }
  // Any other conversion is not one parsePrintfFormat accepts: the format is printed as it is.
  return format;
}
