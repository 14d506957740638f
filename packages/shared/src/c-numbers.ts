/**
 * C's atoi, as HTCondor reads numbers from tool arguments and submit values: the leading (signed) digits after
 * blanks, 0 when there are none, wrapped as a C int wraps them.
 */
export function atoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return match ? Number(BigInt.asIntN(32, BigInt(match[1]))) : 0;
}
