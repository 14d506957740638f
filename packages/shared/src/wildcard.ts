// HTCondor's matches_withwildcard and matches_prefix_withwildcard (src/condor_utils/stl_string_utils.cpp
// matches_withwildcard_impl), case-sensitive, as contains_withwildcard and contains_prefix_withwildcard use them.

/**
 * Whether `name` matches `pattern`, whose first `*` stands for any text; a second `*` at the very end makes
 * the rest a text to find anywhere after the start rather than the end. With `prefix` a `*` at the end is
 * implied: the pattern need only match the beginning of `name`.
 */
export function matchesWithWildcard(pattern: string, name: string, prefix = false): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return prefix ? name.startsWith(pattern) : pattern === name;
  let start: string;
  let end: string;
  let anywhere = prefix;
  if (star === 0) {
    start = '';
    end = pattern.slice(1);
  } else if (star === pattern.length - 1) {
    start = pattern.slice(0, -1);
    end = '';
    anywhere = true;
  } else {
    start = pattern.slice(0, star);
    end = pattern.slice(star + 1);
  }
  if (end.endsWith('*')) {
    end = end.slice(0, -1);
    anywhere = true;
  }
  if (!name.startsWith(start)) return false;
  const tail = name.slice(start.length);
  if (end === '') return true;
  return anywhere ? tail.includes(end) : tail.endsWith(end);
}
