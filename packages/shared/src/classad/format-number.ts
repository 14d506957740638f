/** Decimal text of an int value, exact beyond 2^53 (ints are 64-bit in ClassAds). */
export function formatInt(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** printf-style `%.<precision>G` for a finite number (C semantics: trailing zeros stripped, E+XX exponent). */
export function formatG(x: number, precision: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const p = Math.max(1, precision);
  // toExponential rounds to p significant digits, which fixes the exponent C would choose.
  const [mantissa, expText] = x.toExponential(p - 1).split('e');
  const exponent = Number(expText);
  if (exponent < -4 || exponent >= p) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${stripTrailingZeros(mantissa)}E${sign}${digits}`;
  }
  return stripTrailingZeros(x.toFixed(Math.max(0, p - 1 - exponent)));
}

function stripTrailingZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}

/** How HTCondor's old-ClassAd unparser writes a real: %.16G, always with a '.' or exponent. */
export function formatRealLiteral(x: number): string {
  if (Number.isNaN(x)) return 'real("NaN")';
  if (x === Infinity) return 'real("INF")';
  if (x === -Infinity) return 'real("-INF")';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const text = formatG(x, 16);
  return /[.E]/.test(text) ? text : `${text}.0`;
}

/** printf("%1.15E", x) for a finite x: ClassAdUnParser's new-syntax and ClassAdXMLUnParser's reals. */
export function formatRealE(x: number): string {
  const [mantissa = '', exp = '0'] = x.toExponential(15).split('e');
  const expNumber = Number(exp);
  return `${mantissa}E${expNumber < 0 ? '-' : '+'}${String(Math.abs(expNumber)).padStart(2, '0')}`;
}

/** How HTCondor's new-syntax ClassAd unparser writes a real (UnparseReal): %.1f for 0, else %1.15E. */
export function formatRealNewSyntax(x: number): string {
  if (Number.isNaN(x) || !Number.isFinite(x) || x === 0) return formatRealLiteral(x);
  return formatRealE(x);
}
