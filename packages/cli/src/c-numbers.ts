/** C's atoi, as HTCondor's tools read numbers from their arguments: the leading (signed) digits, 0 when there are none. */
export function atoi(text: string): number {
  const match = /^\s*[+-]?\d+/.exec(text);
  return match ? Number(match[0]) : 0;
}
