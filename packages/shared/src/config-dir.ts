// HTCondor's configuration directories (get_config_dir_file_list, condor_config.cpp): LOCAL_CONFIG_DIR's, and a
// directory a map file includes.
import fs from 'node:fs';
import path from 'node:path';
import { configValue, type CondorConfig } from './condor-config.js';

/** LOCAL_CONFIG_DIR_EXCLUDE_REGEXP's default (param_info.in): hidden files, scripts, backups and package leftovers. */
export const DEFAULT_CONFIG_DIR_EXCLUDE = '^((\\..*)|(.*\\.pl)|(.*\\.py)|(.*\\.sh)|(.*~)|(#.*)|(.*\\.rpmsave)|(.*\\.rpmnew)|(.*\\.dpkg-old)|(.*\\.dpkg-dist)|(.*\\.cfsaved))$';

/** LOCAL_CONFIG_DIR_EXCLUDE_REGEXP of a configuration; throws when it does not compile. */
export function configDirExclude(config: CondorConfig | undefined, env: Record<string, string | undefined> = process.env): RegExp {
  const pattern = (config === undefined ? undefined : configValue(config, 'LOCAL_CONFIG_DIR_EXCLUDE_REGEXP', env)) ?? DEFAULT_CONFIG_DIR_EXCLUDE;
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new Error(`LOCAL_CONFIG_DIR_EXCLUDE_REGEXP: ${(err as Error).message}`);
  }
}

/** The files of a configuration directory, in lexicographic order, less the names `exclude` matches and the subdirectories; throws when it cannot be read. */
export function configDirFiles(dir: string, exclude: RegExp): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => !exclude.test(name))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => !fs.statSync(file).isDirectory());
}
