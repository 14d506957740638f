// A process's userMap() maps (shared/user-maps.ts) read from its configuration and files: the schedd's
// (SCHEDD_CLASSAD_USER_MAP_NAMES) for its job transforms, submit requirements and constraints, and the tools'
// (TOOL_…, XFORM_… for condor_transform_ads). HTCondor reads them at start and at condor_reconfig; here, as the
// configuration itself, again when the configuration changes, and a map file again when it changes.
import fs from 'node:fs';
import type { EvalContext } from '@tinycondor/shared/classad/index';
import { configValue, type CondorConfig } from '@tinycondor/shared/condor-config';
import { configDirExclude, configDirFiles } from '@tinycondor/shared/config-dir';
import { UserMaps, userMapSettings, type UserMapLog, type UserMapSources } from '@tinycondor/shared/user-maps';

/** Map files as the process reads them (an included directory less LOCAL_CONFIG_DIR_EXCLUDE_REGEXP's names). */
export function mapFileSources(config: CondorConfig | undefined): UserMapSources {
  return {
    readFile: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (err) {
        // strerror's words, as HTCondor gives them.
        throw new Error((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message);
      }
    },
    isDirectory: (file) => {
      try {
        return fs.statSync(file).isDirectory();
      } catch {
        return false;
      }
    },
    configDirFiles: (dir) => configDirFiles(dir, configDirExclude(config)),
    modified: (file) => {
      try {
        return fs.statSync(file).mtimeMs;
      } catch {
        return undefined;
      }
    },
  };
}

/** The maps of one subsystem (SCHEDD, TOOL, XFORM), from a configuration that may change. */
export class ConfiguredUserMaps {
  private readonly maps = new UserMaps();
  /** The configuration the maps were last set from (null: never). */
  private configured: CondorConfig | undefined | null = null;

  constructor(
    private readonly subsystem: string,
    private readonly config: () => CondorConfig | undefined,
    private readonly log: UserMapLog,
  ) {}

  /** The evaluations' context with the maps as they are now (reconfigured, or files read again, first). */
  context(): EvalContext {
    const config = this.config();
    const sources = mapFileSources(config);
    if (config !== this.configured) {
      this.configured = config;
      const { settings, problems } = userMapSettings(this.subsystem, (name) => (config === undefined ? undefined : configValue(config, name)));
      for (const problem of problems) this.log(problem, true);
      this.maps.reconfigure(settings, sources, this.log);
    } else {
      this.maps.refresh(sources, this.log);
    }
    return { userMap: this.maps.userMap };
  }
}
