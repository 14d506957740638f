// The maps of the ClassAd function userMap() in one process (classad_usermap.cpp): the names
// `<SUBSYS>_CLASSAD_USER_MAP_NAMES` lists for the process's subsystem (SCHEDD for the schedd, TOOL for condor_q
// and the other tools, XFORM for condor_transform_ads), each read from the file CLASSAD_USER_MAPFILE_<name>
// names, else from the text of CLASSAD_USER_MAPDATA_<name>; with CLASSAD_USER_MAP_PREFIX_<name> true its
// principals are prefixes. The process gives the file reads; the maps are what its evaluations are given.
import { configBoolean } from './condor-config.js';
import { parseMapData, readMapFile, type MapFile, type MapFileSources } from './map-file.js';
import { splitList } from './submit/queue.js';

/** Where a reconfiguration's lines go; `isProblem` for a map or knob that could not be read. */
export type UserMapLog = (line: string, isProblem: boolean) => void;

export interface UserMapSources extends MapFileSources {
  /** A file's modification time (ms), undefined when it cannot be stat'ed. */
  modified(path: string): number | undefined;
}

/** One name of `<SUBSYS>_CLASSAD_USER_MAP_NAMES`: where its map comes from (neither: the map it has stays). */
export interface UserMapSetting {
  name: string;
  file?: string;
  data?: string;
  prefix: boolean;
}

/**
 * reconfig_user_maps' reading of the configuration: param() of each knob (a knob set to nothing is not set);
 * no names, no maps. `problems` in HTCondor's words.
 */
export function userMapSettings(subsystem: string, param: (name: string) => string | undefined): { settings: UserMapSetting[]; problems: string[] } {
  const value = (name: string): string | undefined => {
    const text = param(name);
    return text === undefined || text.trim() === '' ? undefined : text;
  };
  const problems: string[] = [];
  const names = splitList(value(`${subsystem}_CLASSAD_USER_MAP_NAMES`) ?? '');
  const settings = names.map((name) => {
    const prefixKnob = `CLASSAD_USER_MAP_PREFIX_${name}`;
    const prefixText = value(prefixKnob);
    const prefix = prefixText === undefined ? false : configBoolean(prefixText.trim());
    if (prefix === undefined) {
      problems.push(`${prefixKnob} in the condor configuration  is not a valid boolean ("${prefixText}").  Please set it to True or False (default is False)`);
    }
    const file = value(`CLASSAD_USER_MAPFILE_${name}`)?.trim();
    const data = file === undefined ? value(`CLASSAD_USER_MAPDATA_${name}`) : undefined;
    return { name, file, data, prefix: prefix ?? false };
  });
  return { settings, problems };
}

interface LoadedMap {
  name: string;
  file: string | undefined;
  /** The file's modification time when it was read. */
  modified: number | undefined;
  prefix: boolean;
  /** undefined: the file could not be read, the name maps nothing. */
  map: MapFile | undefined;
}

/** A process's userMap() maps, by name (case-insensitive). */
export class UserMaps {
  private readonly maps = new Map<string, LoadedMap>();

  /**
   * user_map_do_mapping: `mapName` is `name.method`, or `name` for method `*`; the canonicalization, or
   * undefined when there is no such map or nothing in it matches. (An EvalContext's userMap.)
   */
  readonly userMap = (mapName: string, input: string): string | undefined => {
    const dot = mapName.indexOf('.');
    const [name, method] = dot < 0 ? [mapName, '*'] : [mapName.slice(0, dot), mapName.slice(dot + 1)];
    return this.maps.get(name.toLowerCase())?.map?.canonicalization(method, input);
  };

  /**
   * reconfig_user_maps: the maps no longer named are dropped; a map file is read again unless it is the same
   * file, read before and not modified since; map data is parsed again.
   */
  reconfigure(settings: readonly UserMapSetting[], sources: UserMapSources, log: UserMapLog): void {
    const named = new Set(settings.map((setting) => setting.name.toLowerCase()));
    for (const key of this.maps.keys()) if (!named.has(key)) this.maps.delete(key);
    for (const setting of settings) {
      const key = setting.name.toLowerCase();
      if (setting.file !== undefined) {
        const loaded = this.maps.get(key);
        const modified = sources.modified(setting.file);
        if (loaded?.map !== undefined && loaded.file === setting.file && modified !== undefined && modified === loaded.modified) continue;
        this.load(setting.name, setting.file, setting.prefix, sources, log);
      } else if (setting.data !== undefined) {
        log(`Loading classad userMap '${setting.name}' ts=0 from knob`, false);
        const { map, problems } = parseMapData(setting.data, setting.name, { prefix: setting.prefix, sources });
        for (const problem of problems) log(problem, true);
        this.maps.set(key, { name: setting.name, file: undefined, modified: undefined, prefix: setting.prefix, map });
      }
    }
  }

  /**
   * The map files modified since they were read (or tried), read again: a daemon here reads its configuration
   * again when one of its files changes, and a map file is one of them.
   */
  refresh(sources: UserMapSources, log: UserMapLog): void {
    for (const loaded of [...this.maps.values()]) {
      if (loaded.file !== undefined && sources.modified(loaded.file) !== loaded.modified) this.load(loaded.name, loaded.file, loaded.prefix, sources, log);
    }
  }

  /** add_user_map for a file: read it, or name nothing when it cannot be. */
  private load(name: string, file: string, prefix: boolean, sources: UserMapSources, log: UserMapLog): void {
    const modified = sources.modified(file);
    log(`Loading classad userMap '${name}' ts=${Math.floor((modified ?? 0) / 1000)} from ${file}`, false);
    const { map, problems } = readMapFile(file, { prefix, sources });
    for (const problem of problems) log(problem, true);
    if (map === undefined) log(`PARSE ERROR -1 in classad userMap '${name}' from file ${file}`, true);
    this.maps.set(name.toLowerCase(), { name, file, modified, prefix, map });
  }
}
