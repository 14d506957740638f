/** C isdigit() on a byte. */
function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** A byte as C's signed char sees it, so that the differences returned match natural_cmp's. */
function signed(byte: number | undefined): number {
  if (byte === undefined) return 0;
  return byte > 127 ? byte - 256 : byte;
}

/**
 * natural_cmp (classad/natural_cmp.cpp), strverscmp(3)'s order on the strings' UTF-8 bytes: the digits
 * around the first mismatch compare as numbers, fewer leading zeros first. Like HTCondor's, the result is
 * a difference (of bytes or of lengths), not just its sign: versioncmp() returns it as it is.
 */
export function naturalCompare(left: string, right: string): number {
  const a = Buffer.from(left, 'utf8');
  const b = Buffer.from(right, 'utf8');
  const at = (s: Buffer, i: number): number | undefined => (i < s.length ? s[i] : undefined);
  let i = 0;
  while (i < a.length && a[i] === at(b, i)) i++;
  if (at(a, i) === at(b, i)) return 0;
  // The digits leading up to the mismatch, the same in both strings.
  let numberStart = i;
  while (numberStart > 0 && isDigit(a[numberStart - 1])) numberStart--;
  if (numberStart === i && (!isDigit(at(a, i)) || !isDigit(at(b, i)))) return signed(at(a, i)) - signed(at(b, i));
  const zerosEnd = (s: Buffer): number => {
    let z = numberStart;
    while (at(s, z) === 0x30) z++;
    // A final trailing zero is not a leading zero.
    if (z > numberStart && !isDigit(at(s, z))) z--;
    return z;
  };
  const z1 = zerosEnd(a);
  const z2 = zerosEnd(b);
  if (z1 !== z2) return z2 - z1;
  if (z1 > numberStart) return signed(at(a, i)) - signed(at(b, i));
  const numberEnd = (s: Buffer, from: number): number => {
    let n = from;
    while (isDigit(at(s, n))) n++;
    return n;
  };
  const n1 = numberEnd(a, z1);
  const n2 = numberEnd(b, z2);
  if (n1 !== n2) return n1 - n2;
  return signed(at(a, i)) - signed(at(b, i));
}
