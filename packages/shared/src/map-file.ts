// HTCondor's map files (MapFile.cpp) as the ClassAd userMap() maps (CLASSAD_USER_MAPFILE_<name>,
// CLASSAD_USER_MAPDATA_<name>) and CHECKPOINT_DESTINATION_MAPFILE are read: ParseCanonicalization with
// assume_hash, `@include` allowed at the top level only. Each line is `<method> <principal> <canonicalization>`,
// fields separated by blanks or quoted with `"`; a principal written `/regex/` (optionally followed by `i`
// and/or `U`) is a regular expression, any other a literal (or, in a prefix map, a prefix). A lookup under a
// method (case-insensitive) tries the entries in file order; the first that matches gives the
// canonicalization with `\0`…`\9` replaced by the match and its groups.
import type { RE2JS } from 're2js';
import { compileRegex } from './classad/regex.js';

/** What reading a map's `@include` needs: the files it names. */
export interface MapFileSources {
  /** The text of a file; throws, with the system's words, when it cannot be opened. */
  readFile(path: string): string;
  isDirectory(path: string): boolean;
  /** An included directory's files as get_config_dir_file_list takes them; throws when it cannot be read. */
  configDirFiles(path: string): string[];
}

export interface MapFileOptions {
  /** CLASSAD_USER_MAP_PREFIX_<name> (and the checkpoint destination map): principals are prefixes. */
  prefix?: boolean;
  sources?: MapFileSources;
}

/** Consecutive literal (or prefix) lines share one entry, as MapFile::AddEntry groups them. */
type MapEntry =
  | { kind: 'literal'; table: Map<string, string> }
  | { kind: 'prefix'; prefixes: [string, string][] }
  | { kind: 'regex'; regex: RE2JS; canonicalization: string };

/** A parsed map: its entries by method (lower-cased: the methods compare case-insensitively). */
export class MapFile {
  private readonly methods = new Map<string, MapEntry[]>();

  get empty(): boolean {
    return this.methods.size === 0;
  }

  /** MapFile::GetCanonicalization: the canonicalization `principal` maps to under `method`, or undefined. */
  canonicalization(method: string, principal: string): string | undefined {
    for (const entry of this.methods.get(method.toLowerCase()) ?? []) {
      const match = matchEntry(entry, principal);
      if (match !== undefined) return substitute(match.canonicalization, match.groups);
    }
    return undefined;
  }

  /** MapFile::AddEntry for a literal principal, or a prefix in a prefix map. */
  addPrincipal(method: string, principal: string, canonicalization: string, kind: 'literal' | 'prefix'): void {
    const entries = this.entriesOf(method);
    let last = entries.at(-1);
    if (last?.kind !== kind) {
      last = kind === 'prefix' ? { kind: 'prefix', prefixes: [] } : { kind: 'literal', table: new Map() };
      entries.push(last);
    }
    if (last.kind === 'literal') {
      // The first line for a principal is kept.
      if (!last.table.has(principal)) last.table.set(principal, canonicalization);
    } else if (last.kind === 'prefix') {
      // Longest first (PREFIX_MAP's order: strcmp descending); a prefix given again goes after the first.
      const at = last.prefixes.findIndex(([other]) => byteCompare(other, principal) < 0);
      last.prefixes.splice(at < 0 ? last.prefixes.length : at, 0, [principal, canonicalization]);
    }
  }

  /** MapFile::AddEntry for a `/regex/` principal. */
  addRegex(method: string, regex: RE2JS, canonicalization: string): void {
    this.entriesOf(method).push({ kind: 'regex', regex, canonicalization });
  }

  private entriesOf(method: string): MapEntry[] {
    const key = method.toLowerCase();
    let entries = this.methods.get(key);
    if (entries === undefined) {
      entries = [];
      this.methods.set(key, entries);
    }
    return entries;
  }
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function matchEntry(entry: MapEntry, principal: string): { canonicalization: string; groups: string[] } | undefined {
  switch (entry.kind) {
    case 'literal': {
      const canonicalization = entry.table.get(principal);
      return canonicalization === undefined ? undefined : { canonicalization, groups: [principal] };
    }
    case 'prefix': {
      const found = entry.prefixes.find(([prefix]) => principal.startsWith(prefix));
      return found === undefined ? undefined : { canonicalization: found[1], groups: [found[0]] };
    }
    case 'regex': {
      const matcher = entry.regex.matcher(principal);
      if (!matcher.find()) return undefined;
      // pcre2_match's groups: up to the highest that took part; one that did not is empty.
      let count = 1;
      for (let group = matcher.groupCount(); group > 0; group--) {
        if (matcher.group(group) !== null) {
          count = group + 1;
          break;
        }
      }
      return { canonicalization: entry.canonicalization, groups: Array.from({ length: count }, (_, group) => matcher.group(group) ?? '') };
    }
  }
}

/** MapFile::PerformSubstitution: `\N` is group N when there is one; any other `\x` (`\\` too) stays as written. */
function substitute(pattern: string, groups: readonly string[]): string {
  return pattern.replace(/\\([\s\S]?)/g, (whole, c: string) => (/^[0-9]$/.test(c) ? (groups[Number(c)] ?? whole) : whole));
}

interface Field {
  field: string;
  offset: number;
  /** Written `/…/`, with the option letters after it. */
  regex?: { caseless: boolean; ungreedy: boolean };
}

/**
 * MapFile::ParseField: blanks skipped, then a word up to the next blank, or a `"…"` field (or, where a regex
 * may be, a `/…/` one) in which `\` before the closing character or before `\` escapes it; such a field
 * unclosed runs to the end of the line.
 */
function parseField(line: string, start: number, regexAllowed = false): Field {
  let offset = start;
  while (offset < line.length && (line[offset] === ' ' || line[offset] === '\t' || line[offset] === '\n')) offset++;
  const opening = line[offset];
  const closing = opening === '"' || (opening === '/' && regexAllowed) ? opening : undefined;
  let field = '';
  if (closing === undefined) {
    while (offset < line.length && line[offset] !== ' ' && line[offset] !== '\t' && line[offset] !== '\n') field += line[offset++];
    return { field, offset };
  }
  const regex = closing === '/' ? { caseless: false, ungreedy: false } : undefined;
  for (offset++; offset < line.length; offset++) {
    const c = line[offset] as string;
    if (c === closing) {
      offset++;
      for (; regex !== undefined && (line[offset] === 'i' || line[offset] === 'U'); offset++) {
        if (line[offset] === 'i') regex.caseless = true;
        else regex.ungreedy = true;
      }
      break;
    }
    if (c === '\\' && offset + 1 < line.length) {
      const next = line[++offset] as string;
      field += next === closing || next === '\\' ? next : `\\${next}`;
    } else {
      field += c;
    }
  }
  return { field, offset, regex };
}

/** MapFile::ParseCanonicalization: the lines of `text` (read from `source`) added to `map`; the problems in HTCondor's words. */
function parseInto(map: MapFile, text: string, source: string, allowInclude: boolean, prefix: boolean, sources: MapFileSources | undefined, problems: string[]): void {
  // Each line keeps its newline, as readLine gives it to ParseField (a field unclosed takes it).
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  lines.forEach((line, index) => {
    const number = index + 1;
    const method = parseField(line, 0);
    if (method.field === '@include') {
      if (!allowInclude) {
        problems.push(`ERROR: @include directive not allowed in the map file ${source} (line ${number})`);
        return;
      }
      let file = parseField(line, method.offset).field;
      if (file === '') {
        problems.push(`ERROR: Empty filename for @include directive in the map ${source} (line ${number})`);
        return;
      }
      // A relative name is taken from the including file's directory (from the working directory for map data).
      if (!file.startsWith('/') && source.includes('/')) file = source.slice(0, source.lastIndexOf('/') + 1) + file;
      // Included files may not include, and are never prefix maps (ParseCanonicalizationFile's defaults).
      if (sources?.isDirectory(file)) {
        let files: string[];
        try {
          files = sources.configDirFiles(file);
        } catch {
          problems.push(`ERROR: Could not include dir ${file}`);
          return;
        }
        for (const included of files) readInto(map, included, false, false, sources, problems);
      } else {
        readInto(map, file, false, false, sources, problems);
      }
      return;
    }
    if (method.field === '' || method.field.startsWith('#')) return;
    const principal = parseField(line, method.offset, !prefix);
    const canonicalization = parseField(line, principal.offset).field;
    if (principal.field === '' || canonicalization === '') {
      problems.push(`ERROR: Error parsing line ${number} of ${source}.  (Method=${method.field}) (Principal=${principal.field}) (Canon=${canonicalization}) Skipping to next line.`);
      return;
    }
    if (principal.regex === undefined) {
      map.addPrincipal(method.field, principal.field, canonicalization, prefix ? 'prefix' : 'literal');
      return;
    }
    const regex = compileRegex(principal.field, { caseless: principal.regex.caseless, ungreedy: principal.regex.ungreedy, multiline: false, dotall: false, extended: false });
    if (regex === undefined) {
      problems.push(`ERROR: Error compiling expression '${principal.field}' (${source} line ${number}).  this entry will be ignored.`);
      return;
    }
    map.addRegex(method.field, regex, canonicalization);
  });
}

/** MapFile::ParseCanonicalizationFile into `map`; false when the file cannot be opened. */
function readInto(map: MapFile, file: string, allowInclude: boolean, prefix: boolean, sources: MapFileSources | undefined, problems: string[]): boolean {
  let text: string;
  try {
    if (sources === undefined) throw new Error('no files can be read here');
    text = sources.readFile(file);
  } catch (err) {
    problems.push(`ERROR: Could not open canonicalization file '${file}' (${(err as Error).message})`);
    return false;
  }
  parseInto(map, text, file, allowInclude, prefix, sources, problems);
  return true;
}

/** Map data (CLASSAD_USER_MAPDATA_<name>): `source` names it in the problems. */
export function parseMapData(text: string, source: string, options: MapFileOptions = {}): { map: MapFile; problems: string[] } {
  const map = new MapFile();
  const problems: string[] = [];
  parseInto(map, text, source, true, options.prefix ?? false, options.sources, problems);
  return { map, problems };
}

/** A map file; `map` undefined when it cannot be opened (then `problems` says why). */
export function readMapFile(file: string, options: MapFileOptions & { sources: MapFileSources }): { map: MapFile | undefined; problems: string[] } {
  const map = new MapFile();
  const problems: string[] = [];
  const opened = readInto(map, file, true, options.prefix ?? false, options.sources, problems);
  return { map: opened ? map : undefined, problems };
}
