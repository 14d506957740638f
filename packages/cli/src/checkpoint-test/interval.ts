/**
 * Optimal checkpoint intervals from the checkpoint cost C and the mean time between failures M (same
 * unit): Young (1974) T = sqrt(2CM); Daly (2006) T = sqrt(2CM)·(1 + sqrt(C/2M)/3 + C/18M) − C for C < 2M,
 * else M.
 */
export function youngInterval(cost: number, mtbf: number): number {
  return Math.sqrt(2 * cost * mtbf);
}

export function dalyInterval(cost: number, mtbf: number): number {
  if (cost >= 2 * mtbf) return mtbf;
  const ratio = cost / (2 * mtbf);
  return Math.sqrt(2 * cost * mtbf) * (1 + Math.sqrt(ratio) / 3 + ratio / 9) - cost;
}

/** `4h`, `30m`, `90s`, `1.5h` or plain seconds → seconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return seconds > 0 ? seconds : undefined;
}
