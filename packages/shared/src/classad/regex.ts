import { RE2JS } from 're2js';

/**
 * Regular expressions of the ClassAd functions, on RE2 (re2js): matching takes time linear in the
 * target, so no pattern can stall an evaluation by backtracking (`^(a+)+$`). HTCondor compiles
 * them with PCRE2; what RE2 has no linear-time way to run (backreferences, lookaround, possessive
 * quantifiers, atomic groups) fails to compile here, and the function evaluates to ERROR, as
 * HTCondor's does for a pattern PCRE2 cannot compile.
 */

/** PCRE2 compile options the ClassAd functions take from their option letters. */
export interface RegexOptions {
  caseless: boolean;
  multiline: boolean;
  dotall: boolean;
  extended: boolean;
  /** PCRE2_UNGREEDY (a map file's `/regex/U`): RE2's (?U). */
  ungreedy?: boolean;
}

/** HTCondor's regexp_helper: i, m, s and x (lower case only); any other letter is ignored (forwards compatibility). */
export function classAdRegexOptions(letters: string): RegexOptions {
  return { caseless: letters.includes('i'), multiline: letters.includes('m'), dotall: letters.includes('s'), extended: letters.includes('x') };
}

/** stringList_regexpMember's regexp_str_to_options (compat_classad.cpp): the same letters in either case. */
export function stringListRegexOptions(letters: string): RegexOptions {
  return classAdRegexOptions(letters.toLowerCase());
}

/** Compiled patterns by options and text: a constraint or policy evaluates the same pattern on every job. */
const COMPILED_LIMIT = 1_000;
const compiled = new Map<string, RE2JS | undefined>();

/** The compiled pattern, or undefined when it does not compile (bad syntax, or nothing RE2 runs). */
export function compileRegex(pattern: string, options: RegexOptions): RE2JS | undefined {
  const key = `${Number(options.caseless)}${Number(options.multiline)}${Number(options.dotall)}${Number(options.extended)}${Number(options.ungreedy ?? false)}${pattern}`;
  if (compiled.has(key)) return compiled.get(key);
  let flags = 0;
  if (options.caseless) flags |= RE2JS.CASE_INSENSITIVE;
  if (options.multiline) flags |= RE2JS.MULTILINE;
  if (options.dotall) flags |= RE2JS.DOTALL;
  let regex: RE2JS | undefined;
  try {
    regex = RE2JS.compile(`${options.ungreedy ? '(?U)' : ''}${options.extended ? withoutExtendedSpacing(pattern) : pattern}`, flags);
  } catch {
    regex = undefined;
  }
  if (compiled.size >= COMPILED_LIMIT) compiled.clear();
  compiled.set(key, regex);
  return regex;
}

/**
 * PCRE2_EXTENDED, which RE2 lacks: white space in the pattern is dropped and `#` starts a comment to the
 * end of the line, except where escaped or inside a character class.
 */
export function withoutExtendedSpacing(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      out += c + pattern[++i];
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // A ']' first in the class (after an optional '^') is a literal.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
    } else if (c === '#') {
      while (i + 1 < pattern.length && pattern[i + 1] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** Whether the pattern matches anywhere in the target. */
export function regexFinds(regex: RE2JS, target: string): boolean {
  return regex.matcher(target).find();
}

/**
 * HTCondor's regexp_helper with a replacement (regexps, replace, replaceall): the replacement with `\0`…`\9`
 * standing for the match and its groups; with `fullTarget` ('f') the target with the match replaced in place;
 * with `all` ('g') every match. undefined where HTCondor gives ERROR: `\N` past the last group that took part.
 */
export function regexSubstitute(regex: RE2JS, target: string, replacement: string, fullTarget: boolean, all: boolean): string | undefined {
  const matcher = regex.matcher(target);
  let output = '';
  let index = 0;
  while (index <= target.length && matcher.find(index)) {
    const start = matcher.start();
    const end = matcher.end();
    if (fullTarget) output += target.slice(index, start);
    const expanded = expandReplacement(replacement, matcher);
    if (expanded === undefined) return undefined;
    output += expanded;
    index = end;
    if (!all) break;
    // After an empty match HTCondor copies one character and searches on from the next.
    if (start === end) {
      if (index < target.length) output += target[index];
      index++;
    }
  }
  if (fullTarget && index < target.length) output += target.slice(index);
  return output;
}

function expandReplacement(replacement: string, matcher: ReturnType<RE2JS['matcher']>): string | undefined {
  // pcre2_match's count: one more than the highest group that took part in the match.
  let groups = 1;
  for (let g = matcher.groupCount(); g > 0; g--) {
    if (matcher.group(g) !== null) {
      groups = g + 1;
      break;
    }
  }
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    const next = replacement[i + 1];
    if (c === '\\' && next !== undefined && next >= '0' && next <= '9') {
      const group = Number(next);
      if (group >= groups) return undefined;
      out += matcher.group(group) ?? '';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
