// CHECKPOINT_DESTINATION_MAPFILE, read as HTCondor's MapFile reads it with prefix entries
// (ParseCanonicalizationFile(file, assume_hash, allow_include, is_prefix)): `<method> <prefix> <canonicalization>`
// per line, fields separated by blanks or quoted with `"`, `#` comments. The schedd looks a checkpoint
// destination up under method `*`: the canonicalization of the first prefix it starts with, in the prefixes'
// sorted order, with `\0` replaced by that prefix, is the clean-up plug-in and its arguments
// (fetchCheckpointDestinationCleanup).

/** Prefix → canonicalization, per method. */
export type CheckpointMap = Map<string, Map<string, string>>;

/** MapFile::ParseField: a blank-separated field, or a `"…"` one (`\"` and `\\` escaped), from `offset`. */
function parseField(line: string, offset: number): { field: string; offset: number } {
  while (offset < line.length && (line[offset] === ' ' || line[offset] === '\t' || line[offset] === '\n')) offset++;
  let field = '';
  if (line[offset] === '"') {
    for (offset++; offset < line.length; offset++) {
      const c = line[offset];
      if (c === '"') return { field, offset: offset + 1 };
      if (c === '\\' && offset + 1 < line.length) {
        offset++;
        field += line[offset] === '"' || line[offset] === '\\' ? line[offset] : `\\${line[offset]}`;
      } else {
        field += c;
      }
    }
    return { field, offset };
  }
  for (; offset < line.length && line[offset] !== ' ' && line[offset] !== '\t' && line[offset] !== '\n'; offset++) field += line[offset];
  return { field, offset };
}

/** The map, and the lines it skipped with why (MapFile logs them and goes on). */
export function parseCheckpointMap(text: string, fileName: string): { map: CheckpointMap; skipped: string[] } {
  const map: CheckpointMap = new Map();
  const skipped: string[] = [];
  text.split('\n').forEach((line, index) => {
    const method = parseField(line, 0);
    if (method.field === '' || method.field.startsWith('#')) return;
    if (method.field === '@include') {
      skipped.push(`${fileName}:${index + 1}: @include is not implemented by tinycondor in ${fileName}`);
      return;
    }
    const principal = parseField(line, method.offset);
    const canonicalization = parseField(line, principal.offset);
    if (principal.field === '' || canonicalization.field === '') {
      skipped.push(`Error parsing line ${index + 1} of ${fileName}.  (Method=${method.field}) (Principal=${principal.field}) (Canon=${canonicalization.field}) Skipping to next line.`);
      return;
    }
    const prefixes = map.get(method.field) ?? new Map<string, string>();
    // The first entry for a prefix is kept (CanonicalMapPrefixEntry::add).
    if (!prefixes.has(principal.field)) prefixes.set(principal.field, canonicalization.field);
    map.set(method.field, prefixes);
  });
  return { map, skipped };
}

/** MapFile::PerformSubstitution with the one group a prefix match has: `\0`. */
function substitute(pattern: string, prefix: string): string {
  return pattern.replace(/\\(.)/g, (whole, c: string) => (c === '0' ? prefix : whole));
}

/**
 * The clean-up plug-in for a checkpoint destination and its arguments (the canonicalization split as
 * StringTokenIterator splits it: on commas and blanks), or undefined when no prefix under `*` matches.
 */
export function cleanupCommand(map: CheckpointMap, destination: string): string[] | undefined {
  const prefixes = map.get('*');
  if (prefixes === undefined) return undefined;
  const prefix = [...prefixes.keys()].sort().find((key) => destination.startsWith(key));
  if (prefix === undefined) return undefined;
  return substitute(prefixes.get(prefix) as string, prefix)
    .split(/[,\s]+/)
    .filter((token) => token !== '');
}

/**
 * The MANIFESTs to keep after a successful checkpoint: the newest `1 + DEFAULT_NUM_EXTRA_CHECKPOINTS`
 * (the shadow's checkpointsToSave); every other MANIFEST and every FAILURE file goes to clean-up.
 */
export function checkpointsToKeep(manifestNumbers: readonly number[], extra: number): Set<number> {
  return new Set([...manifestNumbers].sort((a, b) => b - a).slice(0, 1 + Math.max(0, extra)));
}
