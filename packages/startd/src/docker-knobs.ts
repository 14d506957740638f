import { parseExpr, type ClassAd } from '@tinycondor/shared/classad/index';
import { DOCKER_VOLUME_NAME } from '@tinycondor/shared/protocol';
import { parseArgumentList } from '@tinycondor/shared/submit/arguments';
import { splitList } from '@tinycondor/shared/submit/queue';

/** A configuration lookup: the value of a knob, undefined when the configuration does not set it. */
export type KnobLookup = (name: string) => string | undefined;

/** An administrator's volume (DOCKER_MOUNT_VOLUMES): `DOCKER_VOLUME_DIR_<name>`, and its `…_MOUNT_IF` expression. */
export interface DockerVolume {
  name: string;
  /** `--volume`'s value: `source:target[:options]` (a bare path is mounted at its own path). */
  volume: string;
  mountIf?: string;
}

/** How a startd's container jobs are configured, from the DOCKER_* knobs (HTCondor's defaults in param_info.in). */
export interface DockerConfig {
  /** DOCKER: the docker CLI the startd runs. */
  cli: string;
  /** DOCKER_NETWORKS: networks beyond host/none/nat that jobs may name in docker_network_type. */
  networks: string[];
  /** DOCKER_DROP_ALL_CAPABILITIES (default true). */
  dropAllCapabilities: boolean;
  /** DOCKER_RUN_UNDER_INIT (default true). */
  runUnderInit: boolean;
  /** DOCKER_VOLUMES: advertised as HasDockerVolume<name> = true in the slots' ads. */
  advertisedVolumes: string[];
  /** DOCKER_MOUNT_VOLUMES: mounted into every container whose MOUNT_IF (if any) is true. */
  mountVolumes: DockerVolume[];
  /** DOCKER_EXTRA_ARGUMENTS: added to every `docker create` before the image. */
  extraArguments: string[];
  /** DOCKER_SHM_SIZE: an expression over the machine (MY) and job (TARGET) ads giving `--shm-size` in bytes. */
  shmSize?: string;
  /** MOUNT_UNDER_SCRATCH: directories each container gets private, in the job's scratch directory. */
  mountUnderScratch: string;
}

/** HTCondor's default DOCKER. */
export const DEFAULT_DOCKER_CLI = '/usr/bin/docker';

/** MOUNT_UNDER_SCRATCH's default (param_info.in): a string expression. */
const DEFAULT_MOUNT_UNDER_SCRATCH = '"/tmp,/var/tmp"';

/** DOCKER_* knobs tinycondor does not implement: a pool that sets them is told so, never silently run otherwise. */
const UNIMPLEMENTED: Record<string, string> = {
  DOCKER_PERFORM_TEST: 'no test container is run at start: an engine that answers `docker info` is taken to run containers',
  DOCKER_TEST_IMAGE_PATH: 'no test container is run at start',
  DOCKER_TEST_IMAGE_NAME: 'no test container is run at start',
  DOCKER_IMAGE_CACHE_SIZE: 'images are never removed from the engine by the startd',
  DOCKER_CACHE_ADVERTISE_INTERVAL: 'DockerCachedImageSizes is not advertised',
  DOCKER_TRUST_LOCAL_IMAGES: 'an image the engine holds is always used as it is, as with the default',
  DOCKER_LOG_DRIVER_NAME: "containers are created with '--log-driver none'",
  DOCKER_SKIP_IMAGE_ARCH_CHECK: "an image's architecture is not checked against the machine's",
  DOCKER_PAT_PRODUCER: 'images are pulled with the startd\'s own docker credentials',
};

export function knobBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  if (/^(true|yes|1)$/i.test(value.trim())) return true;
  if (/^(false|no|0)$/i.test(value.trim())) return false;
  throw new Error(`${name} must be True or False, got '${value}'`);
}

/** A list of names that become parts of attribute or knob names (HasDockerVolume<name>, DOCKER_VOLUME_DIR_<name>). */
function attributeNameList(knobName: string, value: string | undefined): string[] {
  const names = splitList(value ?? '');
  const pattern = new RegExp(DOCKER_VOLUME_NAME);
  const bad = names.find((name) => !pattern.test(name));
  if (bad !== undefined) throw new Error(`${knobName}: '${bad}' cannot be part of an attribute name (letters, digits and _, at most 64)`);
  return names;
}

/**
 * The DOCKER_* knobs as the startd and starter read them, and a warning for each knob set that tinycondor
 * does not implement. Throws (naming the knob) on a value HTCondor would refuse.
 */
export function dockerConfig(knob: KnobLookup): { config: DockerConfig; warnings: string[] } {
  const warnings: string[] = [];
  const mountVolumes: DockerVolume[] = [];
  for (const name of attributeNameList('DOCKER_MOUNT_VOLUMES', knob('DOCKER_MOUNT_VOLUMES'))) {
    const dir = knob(`DOCKER_VOLUME_DIR_${name}`)?.trim();
    // docker_proc.cpp: a name without its directory is skipped with a warning.
    if (dir === undefined || dir === '') {
      warnings.push(`WARNING: DOCKER_VOLUME_DIR_${name} is missing in config file.`);
      continue;
    }
    const mountIf = knob(`DOCKER_VOLUME_DIR_${name}_MOUNT_IF`);
    if (mountIf !== undefined) parseKnobExpr(`DOCKER_VOLUME_DIR_${name}_MOUNT_IF`, mountIf);
    mountVolumes.push({ name, volume: dir.includes(':') ? dir : `${dir}:${dir}`, ...(mountIf === undefined ? {} : { mountIf }) });
  }
  let extraArguments: string[] = [];
  const extra = knob('DOCKER_EXTRA_ARGUMENTS');
  if (extra !== undefined) {
    try {
      extraArguments = parseArgumentList(extra).args;
    } catch (err) {
      throw new Error(`DOCKER_EXTRA_ARGUMENTS: docker: failed to parse extra arguments: ${(err as Error).message}`);
    }
  }
  const shmSize = knob('DOCKER_SHM_SIZE');
  if (shmSize !== undefined) parseKnobExpr('DOCKER_SHM_SIZE', shmSize);
  for (const [name, what] of Object.entries(UNIMPLEMENTED)) {
    if (knob(name) !== undefined) warnings.push(`${name} is not implemented by tinycondor yet: ${what}`);
  }
  return {
    config: {
      cli: knob('DOCKER')?.trim() || DEFAULT_DOCKER_CLI,
      networks: splitList(knob('DOCKER_NETWORKS') ?? ''),
      dropAllCapabilities: knobBoolean('DOCKER_DROP_ALL_CAPABILITIES', knob('DOCKER_DROP_ALL_CAPABILITIES'), true),
      runUnderInit: knobBoolean('DOCKER_RUN_UNDER_INIT', knob('DOCKER_RUN_UNDER_INIT'), true),
      advertisedVolumes: attributeNameList('DOCKER_VOLUMES', knob('DOCKER_VOLUMES')),
      mountVolumes,
      extraArguments,
      ...(shmSize === undefined ? {} : { shmSize }),
      mountUnderScratch: knob('MOUNT_UNDER_SCRATCH') ?? DEFAULT_MOUNT_UNDER_SCRATCH,
    },
    warnings,
  };
}

function parseKnobExpr(name: string, value: string) {
  try {
    return parseExpr(value);
  } catch (err) {
    throw new Error(`${name}: cannot parse '${value}' as an expression: ${(err as Error).message}`);
  }
}

/** A knob's expression evaluated as param_boolean/param_longlong do with a machine (MY) and a job (TARGET) ad. */
function evaluateKnob(name: string, value: string, machineAd: ClassAd, jobAd: ClassAd) {
  return machineAd.evaluateExpr(parseKnobExpr(name, value), jobAd);
}

/**
 * The administrator's volumes a job's container gets (DockerProc's DOCKER_MOUNT_VOLUMES): each one whose
 * MOUNT_IF is absent or true for this machine and job.
 */
export function mountedVolumes(config: DockerConfig, machineAd: ClassAd, jobAd: ClassAd): string[] {
  return config.mountVolumes
    .filter(({ name, mountIf }) => {
      if (mountIf === undefined) return true;
      const value = evaluateKnob(`DOCKER_VOLUME_DIR_${name}_MOUNT_IF`, mountIf, machineAd, jobAd);
      return value.type === 'bool' ? value.value : value.type === 'int' || value.type === 'real' ? value.value !== 0 : false;
    })
    .map(({ volume }) => volume);
}

/** DOCKER_SHM_SIZE for this machine and job: its integer value, or undefined when unset or not an integer. */
export function shmSizeBytes(config: DockerConfig, machineAd: ClassAd, jobAd: ClassAd): number | undefined {
  if (config.shmSize === undefined) return undefined;
  const value = evaluateKnob('DOCKER_SHM_SIZE', config.shmSize, machineAd, jobAd);
  if (value.type === 'int') return value.value;
  if (value.type === 'real') return Math.trunc(value.value);
  return undefined;
}

/**
 * The directories a job's container gets private (DockerProc's buildExtraVolumes): MOUNT_UNDER_SCRATCH,
 * evaluated over the job ad when it is an expression, else as written, then the job's own
 * mount_under_scratch. Each is a directory of the same name in the scratch directory, mounted over it.
 */
export function scratchDirectories(config: DockerConfig, jobAd: ClassAd): string[] {
  let names = config.mountUnderScratch;
  try {
    const value = jobAd.evaluateExpr(parseExpr(names));
    if (value.type === 'string') names = value.value;
  } catch {
    // not an expression: a literal list
  }
  const own = jobAd.getString('MountUnderScratch') ?? '';
  return [...splitList(names), ...splitList(own)];
}
