import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { jobArguments } from '@tinycondor/shared/job-command';
import { dockerImageReference, normalizeDockerImageTag } from '@tinycondor/shared/submit/container-job';
import { containerServices } from '@tinycondor/shared/container-services';
import { mountedVolumes, shmSizeBytes, type DockerConfig } from './docker-knobs.js';

/** A startd's Docker engine, as detected at its start, and its DOCKER_* configuration. */
export interface DockerSettings extends DockerConfig {
  /** DockerVersion: what `docker -v` printed. */
  version: string;
}

/** The label HTCondor marks its containers with, and the one that names the startd that made them. */
export const HTCONDOR_LABEL = 'org.htcondorproject=True';
export const STARTD_LABEL = 'org.tinycondor.startd';

/**
 * Whether a job runs in a container (condor_submit marks docker-universe jobs WantDocker and the others
 * WantContainer). The starter runs a container job from a Docker repository with Docker where the machine
 * has it; tinycondor's startds run no other kind (condor_submit refuses Apptainer images).
 */
export function wantsContainer(jobAd: ClassAd): boolean {
  return jobAd.getBool('WantDocker') === true || jobAd.getBool('WantContainer') === true;
}

/** The image `docker create` is given: DockerImage, else ContainerImage without docker://, tagged :latest when untagged. */
export function containerImage(jobAd: ClassAd): string | undefined {
  const image = dockerImageReference(jobAd.getString('DockerImage'), jobAd.getString('ContainerImage'));
  return image === undefined ? undefined : normalizeDockerImageTag(image);
}

/**
 * DockerProc's container name, HTCJob<cluster>_<proc>_<slot>_PID<starter pid>, with the startd's name after
 * it: startds in containers on one engine (the compose pool) have the same pid and the same slot names, and a
 * container a killed startd left would otherwise take the name of the job's next run elsewhere.
 */
export function containerName(jobAd: ClassAd, slotName: string, pid: number, startdName: string): string {
  const startd = startdName.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `HTCJob${jobAd.getInt('ClusterId') ?? 0}_${jobAd.getInt('ProcId') ?? 0}_${slotName}_PID${pid}_${startd}`;
}

/** makeHostname: owner-cluster.proc-machine, at most 63 characters (docker refuses longer ones). */
export function containerHostname(jobAd: ClassAd, machineAd: ClassAd): string {
  const name = `${jobAd.getString('Owner') ?? 'unknown'}-${jobAd.getInt('ClusterId') ?? 1}.${jobAd.getInt('ProcId') ?? 1}-${machineAd.getString('Machine') ?? 'host'}`;
  return name.slice(0, 63);
}

export interface ContainerPlan {
  name: string;
  image: string;
  /** The directories bind-mounted at the same path inside: the sandbox, and the working directory when it differs. */
  volumes: string[];
  /** MOUNT_UNDER_SCRATCH's directories, as `<sandbox>/<dir>:<dir>` (see scratchDirectories). */
  scratchMounts: string[];
  workdir: string;
  /** `--user`: the job's uid and gid (HTCondor never runs a docker job as root; tinycondor runs a job its root owner submitted as root, as it does outside containers). */
  user: { uid: number; gid: number; groups: number[] };
  env: NodeJS.ProcessEnv;
  /** The command run in the image (empty: the image's own), and how the job's executable reaches it. */
  command: string;
  memoryMb: number;
  cpus: number;
  startdName: string;
}

/** Why a plan cannot be made into a container: the job names a network this machine does not offer. */
export class ContainerRefused extends Error {}

/**
 * `docker create`'s arguments for a job, as DockerAPI::createContainer builds them: resource limits,
 * capabilities dropped, init, name and labels, no log driver, the job's environment, the sandbox mounted at
 * its own path and used as the working directory, the job's user, its network, service ports, pull policy,
 * then the image, its command and the job's arguments. Unknown pull policies are reported in `ignored`,
 * as the starter logs and ignores them.
 */
export function dockerCreateArgs(plan: ContainerPlan, jobAd: ClassAd, machineAd: ClassAd, docker: DockerSettings): { args: string[]; ignored: string[] } {
  const args = ['create', `--cpu-shares=${100 * plan.cpus}`, `--memory=${plan.memoryMb}m`];
  const ignored: string[] = [];
  if (docker.dropAllCapabilities) args.push('--cap-drop=all', '--cap-add=SYS_PTRACE', '--security-opt', 'no-new-privileges');
  if (docker.runUnderInit) args.push('--init');
  args.push('--name', plan.name, `--label=${HTCONDOR_LABEL}`, `--label=${STARTD_LABEL}=${plan.startdName}`, '--log-driver', 'none');
  for (const [key, value] of Object.entries(plan.env)) if (value !== undefined) args.push('-e', `${key}=${value}`);
  // As DockerAPI::createContainer: the sandbox, then the administrator's volumes, each target once.
  const volumes = [...plan.volumes.map((volume) => `${volume}:${volume}`), ...plan.scratchMounts, ...mountedVolumes(docker, machineAd, jobAd)];
  for (const volume of new Set(volumes)) args.push('--volume', volume);
  args.push('--workdir', plan.workdir, '--user', `${plan.user.uid}:${plan.user.gid}`);
  for (const group of plan.user.groups) if (group !== plan.user.gid) args.push('--group-add', String(group));
  const network = jobAd.getString('DockerNetworkType') ?? '';
  let setHostname = true;
  if (network === 'host') {
    args.push('--network=host');
    setHostname = false;
  } else if (network === 'none') {
    args.push('--network=none');
  } else if (network !== '' && network !== 'nat') {
    if (!docker.networks.includes(network)) {
      throw new ContainerRefused(`Docker job requested network ${network} not allowed by parameter DOCKER_NETWORKS with value ${docker.networks.join(', ')}, refusing to run job`);
    }
    args.push(`--network=${network}`);
  }
  if (setHostname) args.push('--hostname', containerHostname(jobAd, machineAd));
  for (const { name, port } of containerServices(jobAd)) {
    if (port === undefined) throw new ContainerRefused(`Requested container service '${name}' did not specify a port, or the specified port was not a number.`);
    args.push('-p', String(port));
  }
  const pullPolicy = (jobAd.getString('DockerPullPolicy') ?? '').toLowerCase();
  if (pullPolicy === 'always') args.push('--pull', 'always');
  else if (pullPolicy !== '') ignored.push(`Ignoring unknown docker pull policy: ${pullPolicy}`);
  args.push(...docker.extraArguments);
  const shmSize = shmSizeBytes(docker, machineAd, jobAd);
  if (shmSize !== undefined) args.push('--shm-size', String(shmSize));
  if (plan.command !== '' && jobAd.getBool('DockerOverrideEntrypoint') === true) args.push('--entrypoint', plan.command, plan.image);
  else if (plan.command !== '') args.push(plan.image, plan.command);
  else args.push(plan.image);
  args.push(...jobArguments(jobAd));
  return { args, ignored };
}

/** The command a container runs: a transferred executable as `./name` in the sandbox, otherwise Cmd as written (it lives in the image). */
export function containerCommand(jobAd: ClassAd, transfers: boolean): string {
  const cmd = jobAd.getString('Cmd') ?? '';
  if (cmd === '') return '';
  return transfers && jobAd.getBool('TransferExecutable') !== false ? `./${path.basename(cmd)}` : cmd;
}

/** What `docker inspect` says of a container that ended (the fields DockerProc::JobReaper reads). */
export interface ContainerState {
  Running: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  Error: string;
}

export type ContainerEnd =
  | { kind: 'exit'; exit: { bySignal: false; exitCode: number } | { bySignal: true; signal: number } }
  | { kind: 'out-of-memory'; reason: string }
  | { kind: 'docker-error'; reason: string };

/**
 * How the job ended, as DockerProc::JobReaper reads the container's state: out of memory holds it,
 * an error of docker's own holds it, and an exit code above 128 is the signal that ended the process.
 */
export function containerEnd(state: ContainerState, memoryMb: number): ContainerEnd {
  if (state.OOMKilled) return { kind: 'out-of-memory', reason: `Docker job has gone over memory limit of ${memoryMb} Mb` };
  if (state.Error !== '') return { kind: 'docker-error', reason: `Error running docker job: ${state.Error}` };
  const code = state.ExitCode;
  return { kind: 'exit', exit: code > 128 ? { bySignal: true, signal: code - 128 } : { bySignal: false, exitCode: code } };
}
