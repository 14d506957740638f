// CHECKPOINT_DESTINATION_MAPFILE: a map file (map-file.ts) of prefix entries, read as the schedd's
// fetchCheckpointDestinationCleanup reads it (ParseCanonicalizationFile(file, assume_hash, allow_include,
// is_prefix)). A checkpoint destination is looked up under method `*`: the canonicalization of the longest
// prefix it starts with, `\0` replaced by that prefix, is the clean-up plug-in and its arguments.
import type { MapFile } from './map-file.js';

/**
 * The clean-up plug-in for a checkpoint destination and its arguments (the canonicalization split as
 * StringTokenIterator splits it: on commas and blanks), or undefined when no prefix under `*` matches.
 */
export function cleanupCommand(map: MapFile, destination: string): string[] | undefined {
  return map
    .canonicalization('*', destination)
    ?.split(/[,\s]+/)
    .filter((token) => token !== '');
}

/**
 * The MANIFESTs to keep after a successful checkpoint: the newest `1 + DEFAULT_NUM_EXTRA_CHECKPOINTS`
 * (the shadow's checkpointsToSave); every other MANIFEST and every FAILURE file goes to clean-up.
 */
export function checkpointsToKeep(manifestNumbers: readonly number[], extra: number): Set<number> {
  return new Set([...manifestNumbers].sort((a, b) => b - a).slice(0, 1 + Math.max(0, extra)));
}
