// The pool's configuration files: condor_config is the user's (written only when missing, never rewritten, so
// her knobs stay), and it includes condor_config.pool, which the schedd writes at each start with what only
// it knows (its address, directories, token file).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { formatCondorConfig } from '@tinycondor/shared/condor-config';
import { writeFileAtomic } from '@tinycondor/transfer/atomic-write';

/** The first line of the condor_config earlier versions rewrote at each start: such a file is the pool's, not the user's. */
const REWRITTEN_BEFORE = '# tinycondor pool configuration, written by the schedd each time it starts.';

/** The condor_config a new pool starts with: the pool's values first, then the user's, then config.d/. */
export function userConfigText(poolFile: string): string {
  return [
    '# tinycondor pool configuration: yours to edit. The pool writes this file only when it is missing.',
    '# The condor_* commands find the pool through CONDOR_CONFIG=<this file>.',
    `# The schedd writes its address, directories and token file to ${path.basename(poolFile)} at each start:`,
    `include : ${poolFile}`,
    '',
    '# Your knobs: here, below the include (a later line wins), or in files of config.d/, read after this file.',
    'LOCAL_CONFIG_DIR = $(LOCAL_DIR)/config.d',
    '',
  ].join('\n');
}

/** Whether a condor_config reads the pool's file (an include line naming it). */
export function includesPoolFile(text: string, poolFile: string): boolean {
  return text.split('\n').some((line) => {
    const include = /^\s*@?include\s*(?:ifexists?\s*)?:\s*(.*?)\s*$/i.exec(line);
    return include !== null && path.resolve(path.dirname(poolFile), include[1]!) === poolFile;
  });
}

/** Writes condor_config.pool, and condor_config when it is missing (or is one an earlier version rewrote each start). */
export function writePoolConfigFiles(configFile: string, poolFile: string, entries: ReadonlyArray<readonly [string, string]>, log: Logger): void {
  writeFileAtomic(
    poolFile,
    formatCondorConfig(entries, `tinycondor pool values, written by the schedd each time it starts (${path.basename(configFile)} includes this file).\nEdit ${path.basename(configFile)} or config.d/ instead: a knob set there overrides one set here.`),
    0o644,
  );
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(configFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing === undefined || existing.startsWith(REWRITTEN_BEFORE)) {
    writeFileAtomic(configFile, userConfigText(poolFile), 0o644);
  } else if (!includesPoolFile(existing, poolFile)) {
    log.warn({ configFile, poolFile }, `${configFile} does not include ${poolFile}: the condor_* commands will not find this schedd unless it sets SCHEDD_URL and TINYCONDOR_TOKEN_FILE itself`);
  }
}
