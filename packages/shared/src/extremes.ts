// Largest and smallest of a list, in a loop: Math.max(...list) passes every item as an argument and
// throws RangeError (call stack size exceeded) past about 120 000 items, e.g. on a 200 000-job queue.

/** The largest of `floor` and `value` of each item (NaN if any is NaN, as Math.max). */
export function maxOf<T>(items: Iterable<T>, value: (item: T) => number, floor = -Infinity): number {
  let max = floor;
  for (const item of items) max = Math.max(max, value(item));
  return max;
}

/** The smallest of `ceiling` and `value` of each item (NaN if any is NaN, as Math.min). */
export function minOf<T>(items: Iterable<T>, value: (item: T) => number, ceiling = Infinity): number {
  let min = ceiling;
  for (const item of items) min = Math.min(min, value(item));
  return min;
}
