// The userMap() maps of a command (classad_usermap.cpp reconfig_user_maps, for the tool's subsystem): TOOL for
// condor_q, condor_history and condor_status (TOOL_CLASSAD_USER_MAP_NAMES), XFORM for condor_transform_ads,
// SUBMIT for condor_submit (set_mySubSystem("SUBMIT") before config(): SUBMIT_CLASSAD_USER_MAP_NAMES).
import type { EvalContext } from '@tinycondor/shared/classad/index';
import type { CondorConfig } from '@tinycondor/shared/condor-config';
import { ConfiguredUserMaps } from '@tinycondor/schedd/user-maps';
import type { CommandIo } from './cli-error.js';
import { loadPoolConfig } from './pool-config.js';

/**
 * The context of a command's evaluations: its maps are read from the pool's configuration (the one given, or
 * CONDOR_CONFIG's) when an evaluation first calls userMap(), and kept for the rest of the command. A map that
 * cannot be read is said on stderr.
 */
export function toolEvalContext(subsystem: 'TOOL' | 'XFORM' | 'SUBMIT', io: CommandIo, config?: () => CondorConfig): EvalContext {
  let context: EvalContext | undefined;
  const maps = new ConfiguredUserMaps(subsystem, config ?? (() => loadPoolConfig(io.env).config), (line, isProblem) => (isProblem ? io.stderr(`${line}\n`) : undefined));
  return { userMap: (mapName, input) => (context ??= maps.context()).userMap?.(mapName, input) };
}
