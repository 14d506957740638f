// One printf conversion, for $INT(name,fmt) and $REAL(name,fmt) (HTCondor validates the format with
// validatePrintfFormat: text around a single conversion of the right type).

export const PRINTF_INT = 'diouxXc';
export const PRINTF_REAL = 'eEfFgGaA';

const FORMAT = /^((?:[^%]|%%)*)%([-+ 0#]*)(\d+)?(?:\.(\d*))?(?:hh|h|ll|l|L|q|j|z|t)?([a-zA-Z])((?:[^%]|%%)*)$/;

/** `value` written with `format`, or undefined when the format is not one conversion of `kinds`. */
export function formatPrintf(format: string, value: number, kinds: string): string | undefined {
  const match = FORMAT.exec(format);
  if (!match || !kinds.includes(match[5]!)) return undefined;
  const [, before, flags, widthText, precisionText, conversion, after] = match as unknown as string[];
  const precision = precisionText === undefined ? undefined : Number(precisionText || '0');
  let body: string;
  let negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  switch (conversion) {
    case 'd':
    case 'i':
    case 'u':
      body = String(Math.trunc(magnitude));
      if (precision !== undefined) body = body.padStart(precision, '0');
      break;
    case 'o':
    case 'x':
    case 'X': {
      const bits = BigInt.asUintN(64, BigInt(Math.trunc(value)));
      body = bits.toString(conversion === 'o' ? 8 : 16);
      if (conversion === 'X') body = body.toUpperCase();
      if (precision !== undefined) body = body.padStart(precision, '0');
      if (flags!.includes('#') && bits !== 0n) body = conversion === 'o' ? `0${body}` : `0${conversion}${body}`;
      negative = false;
      break;
    }
    case 'c':
      body = String.fromCharCode(Math.trunc(value) & 0xff);
      negative = false;
      break;
    case 'f':
    case 'F':
      body = magnitude.toFixed(precision ?? 6);
      break;
    case 'e':
    case 'E':
      body = exponential(magnitude, precision ?? 6);
      break;
    case 'g':
    case 'G':
      body = general(magnitude, precision ?? 6, flags!.includes('#'));
      break;
    default:
      body = magnitude.toString(16);
  }
  if (conversion === 'E' || conversion === 'G' || conversion === 'F') body = body.toUpperCase();
  const sign = negative ? '-' : flags!.includes('+') ? '+' : flags!.includes(' ') ? ' ' : '';
  const width = widthText === undefined ? 0 : Number(widthText);
  let text = sign + body;
  if (text.length < width) {
    if (flags!.includes('-')) text = text.padEnd(width);
    else if (flags!.includes('0') && !/[a-z]/i.test(body.replace(/e[+-]\d+$/i, ''))) text = sign + body.padStart(width - sign.length, '0');
    else text = text.padStart(width);
  }
  return unescapePercent(before!) + text + unescapePercent(after!);
}

function unescapePercent(text: string): string {
  return text.replace(/%%/g, '%');
}

/** C's %e: at least two exponent digits. */
function exponential(value: number, precision: number): string {
  return value.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** C's %g. */
function general(value: number, precision: number, keepZeros: boolean): string {
  const significant = precision === 0 ? 1 : precision;
  if (value === 0) return keepZeros ? (0).toFixed(significant - 1) : '0';
  const exponent = Number(value.toExponential(significant - 1).split('e')[1]);
  const text = exponent < -4 || exponent >= significant ? exponential(value, significant - 1) : value.toFixed(significant - 1 - exponent);
  if (keepZeros) return text;
  const [mantissa, exponentPart] = text.split('e') as [string, string | undefined];
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exponentPart === undefined ? trimmed : `${trimmed}e${exponentPart}`;
}
