import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DockerCredentialsAnswer } from '@tinycondor/shared/docker-credentials';
import type { ExitStatus } from '@tinycondor/shared/protocol';
import { containerEnd, type ContainerState, type DockerSettings } from './container-args.js';
import { servicePortsFromInspect, type ContainerService } from '@tinycondor/shared/container-services';
import { dockerApiSocket, requestContainerInspect, requestContainerStats, type ContainerStats } from './container-stats.js';
import { runDocker } from './docker-engine.js';
import type { JobSpawner } from './job-process.js';

/** How a container job could not run: its image (hold 35), its memory (hold 34/102), or docker itself (hold 6). */
export interface ContainerFailure {
  stage: 'container-image' | 'memory' | 'execute';
  reason: string;
}

export interface ContainerEvents {
  /** The container runs (`docker start -a` is attached to it). */
  spawned(): void;
  failed(failure: ContainerFailure): void;
  /** How the job ended, and what the engine last said of the container's use (none when it was never asked). */
  exited(exit: ExitStatus, usage: ContainerUsage | undefined): void;
  /** The host ports the engine forwards to the job's services, once it tells them (`<service>_HostPort` → port). */
  servicePorts(ports: Record<string, number>): void;
}

/** A container's use as DockerProc reports it: the most memory seen, and the CPU of the last sample. */
export interface ContainerUsage {
  maxMemoryBytes: number;
  userCpuNs: number;
  systemCpuNs: number;
}

/** DockerProc's stats timer: first after 2 s, then every POLLING_INTERVAL (default 5 s). */
const FIRST_STATS_MS = 2000;
const STATS_INTERVAL_MS = 5000;

/** How often a signal docker could not deliver yet (the container is still starting) is tried again. */
const SIGNAL_RETRY_MS = 100;

/** DockerProc::JobReaper's patience with an engine that has not yet seen its container stop. */
const INSPECT_ATTEMPTS = 20;

/** Images the engine was seen to hold, by CLI: looked for once, not before every container (each look costs a docker command). */
const knownImages = new Map<string, Set<string>>();

/** Removals of ended containers still under way, by name: a new container of that name (a restart in place) waits for its. */
const removals = new Map<string, Promise<void>>();

/**
 * DockerProc::StartJob: the credentials the schedd sends, as config.json in a directory of their own outside
 * the sandbox (HTCondor's /tmp/docker_config.<starter pid>; one per run here, the startd runs many), or the
 * failure: the schedd's HTCondorError holds the job (InvalidDockerImage), one of this machine's does not.
 */
async function writeCredentials(fetch: () => Promise<DockerCredentialsAnswer>): Promise<{ dir: string } | { failure: ContainerFailure }> {
  const answer = await fetch();
  if ('error' in answer) return { failure: { stage: 'container-image', reason: answer.error } };
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `docker_config.${process.pid}.`));
    fs.writeFileSync(path.join(dir, 'config.json'), answer.config, { mode: 0o600 });
    return { dir };
  } catch (err) {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    return { failure: { stage: 'execute', reason: `Cannot write docker creds: ${(err as Error).message}` } };
  }
}

/** `docker inspect --format '{{json .State}}'`'s answer, or undefined when it is not one. */
export function parseState(text: string): ContainerState | undefined {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof state !== 'object' || state === null) return undefined;
  const { Running, ExitCode, OOMKilled, Error: error } = state as Record<string, unknown>;
  if (typeof Running !== 'boolean' || typeof ExitCode !== 'number' || typeof OOMKilled !== 'boolean') return undefined;
  return { Running, ExitCode, OOMKilled, Error: typeof error === 'string' ? error : '' };
}

/**
 * One process of a container job, as HTCondor's DockerProc runs it: the image pulled when the engine
 * lacks it, `docker create`, then `docker start -a` attached to the job's standard streams. When that
 * ends, `docker inspect` says how the job ended and the container is removed. Signals go through
 * `docker kill --signal`, suspension through `docker pause`/`unpause`.
 */
export class ContainerProcess {
  private attached: { exited: boolean } | undefined;
  private created = false;
  private usage: ContainerUsage | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  /** DockerProc's shouldAskForServicePorts: the job has services whose host ports the engine has not told yet. */
  private askForServicePorts: boolean;

  constructor(
    private readonly docker: DockerSettings,
    private readonly name: string,
    private readonly image: string,
    private readonly createArgs: string[],
    private readonly memoryMb: number,
    private readonly services: readonly ContainerService[],
    private readonly log: Logger,
    /** docker_send_credentials: asks the schedd for the submitter's credentials (the starter's fetch_docker_creds). */
    private readonly credentials?: () => Promise<DockerCredentialsAnswer>,
  ) {
    this.askForServicePorts = services.length > 0;
  }

  async start(spawner: JobSpawner, stdio: [number, number, number], events: ContainerEvents): Promise<void> {
    // The container of this name an earlier process of the run ended in (a restart in place) must be gone.
    await removals.get(this.name);
    let configDir: string | undefined;
    if (this.credentials !== undefined) {
      const written = await writeCredentials(this.credentials);
      if ('failure' in written) {
        events.failed(written.failure);
        return;
      }
      configDir = written.dir;
    }
    // DockerAPI::pullImage and createContainer: the CLI reads the job's credentials where DOCKER_CONFIG names.
    const env = configDir === undefined ? undefined : { ...process.env, DOCKER_CONFIG: configDir };
    let created: boolean;
    try {
      created = await this.create(env, events);
    } finally {
      // DockerProc::JobReaper: the credentials are removed once docker create has exited.
      if (configDir !== undefined) fs.rmSync(configDir, { recursive: true, force: true });
    }
    if (!created) return;
    this.created = true;
    const attached = { exited: false };
    this.attached = attached;
    spawner.start(
      { executable: this.docker.cli, args: ['start', '-a', this.name], cwd: '/', env: process.env, stdio, cgroupDirs: [] },
      {
        spawned: () => {
          this.sampleStats(attached, FIRST_STATS_MS, events);
          events.spawned();
        },
        failed: ({ errno, message }) => {
          attached.exited = true;
          clearTimeout(this.statsTimer);
          void this.remove();
          events.failed({ stage: 'execute', reason: `Failed to execute '${this.docker.cli} start -a ${this.name}': (errno=${errno}: '${message}')` });
        },
        exited: () => {
          attached.exited = true;
          clearTimeout(this.statsTimer);
          void this.ended().then((end) => {
            if (end.kind === 'exit') events.exited(end.exit, this.usage);
            else events.failed({ stage: end.kind === 'out-of-memory' ? 'memory' : 'execute', reason: end.reason });
          });
        },
      },
    );
  }

  /** The image pulled when the engine lacks it, then `docker create`; false when either failed (reported). */
  private async create(env: NodeJS.ProcessEnv | undefined, events: ContainerEvents): Promise<boolean> {
    const known = knownImages.get(this.docker.cli) ?? new Set<string>();
    knownImages.set(this.docker.cli, known);
    if (!known.has(this.image)) {
      const present = await runDocker(this.docker.cli, ['image', 'inspect', '--format', '{{.Id}}', this.image]);
      if (present.code !== 0) {
        this.log.info({ image: this.image }, 'pulling the image');
        const pulled = await runDocker(this.docker.cli, ['pull', '-q', this.image], undefined, env);
        if (pulled.code !== 0) {
          events.failed({ stage: 'container-image', reason: `Cannot pull image ${this.image} ${pulled.stderr.replace(/\n/g, '')}` });
          return false;
        }
      }
      known.add(this.image);
    }
    const created = await runDocker(this.docker.cli, this.createArgs, undefined, env);
    if (created.code !== 0) {
      // An image removed from the engine since it was seen there is looked for (and pulled) again.
      if (/No such image|Unable to find image/i.test(created.stderr) && known.delete(this.image)) return this.create(env, events);
      // DockerProc::JobReaper: what docker create wrote, on one line, is the hold reason.
      events.failed({ stage: 'container-image', reason: created.stderr.replace(/\n/g, ' ').trim() });
      return false;
    }
    return true;
  }

  /**
   * DockerProc::getStats: the engine's stats of the running container, asked through its API socket every
   * few seconds; the largest memory is kept, the CPU is the last answer's (the container's totals). Until the
   * engine has told the host ports of the job's services, each poll first asks for them (getServicePorts).
   */
  private sampleStats(attached: { exited: boolean }, delayMs: number, events: ContainerEvents): void {
    const socket = dockerApiSocket(process.env);
    if ('unavailable' in socket) {
      this.log.info(socket.unavailable);
      return;
    }
    this.statsTimer = setTimeout(() => {
      void this.askServicePorts(socket.socketPath, attached, events).then(async () => {
        const stats: ContainerStats | undefined = await requestContainerStats(socket.socketPath, this.name);
        if (attached.exited) return;
        if (stats !== undefined && (stats.memoryBytes > 0 || stats.userCpuNs > 0 || stats.systemCpuNs > 0)) {
          this.usage = { maxMemoryBytes: Math.max(this.usage?.maxMemoryBytes ?? 0, stats.memoryBytes), userCpuNs: stats.userCpuNs, systemCpuNs: stats.systemCpuNs };
        }
        this.sampleStats(attached, STATS_INTERVAL_MS, events);
      });
    }, delayMs);
    this.statsTimer.unref();
  }

  private async askServicePorts(socketPath: string, attached: { exited: boolean }, events: ContainerEvents): Promise<void> {
    if (!this.askForServicePorts) return;
    const inspected = await requestContainerInspect(socketPath, this.name);
    const ports = inspected === undefined ? undefined : servicePortsFromInspect(inspected, this.services);
    if (ports === undefined || attached.exited) return;
    this.askForServicePorts = false;
    if (Object.keys(ports).length > 0) events.servicePorts(ports);
  }

  /** The container's final state (waiting, as the starter does, for the engine to see it stop); its removal goes on meanwhile. */
  private async ended(): Promise<ReturnType<typeof containerEnd>> {
    let state: ContainerState | undefined;
    for (let attempt = 0; attempt < INSPECT_ATTEMPTS; attempt++) {
      const inspected = await runDocker(this.docker.cli, ['inspect', '--format', '{{json .State}}', this.name]);
      if (inspected.code === 0) {
        state = parseState(inspected.stdout);
        if (state !== undefined && !state.Running) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    void this.remove();
    if (state === undefined) return { kind: 'docker-error', reason: 'Error running docker job: Cannot inspect exited container' };
    return containerEnd(state, this.memoryMb);
  }

  private remove(): Promise<void> {
    if (!this.created) return Promise.resolve();
    this.created = false;
    const removal = runDocker(this.docker.cli, ['rm', '-f', '-v', this.name]).then((removed) => {
      if (removed.code !== 0) this.log.warn({ container: this.name, stderr: removed.stderr }, 'could not remove the container');
      if (removals.get(this.name) === removal) removals.delete(this.name);
    });
    removals.set(this.name, removal);
    return removal;
  }

  /** `docker kill --signal`: tried again while the container is still starting, until `docker start -a` ends. */
  signal(signal: number): void {
    const attached = this.attached;
    if (attached === undefined || attached.exited) return;
    void runDocker(this.docker.cli, ['kill', '--signal', String(signal), this.name]).then((result) => {
      if (result.code === 0 || attached.exited) return;
      setTimeout(() => this.signal(signal), SIGNAL_RETRY_MS).unref();
    });
  }

  /** condor_suspend / condor_continue: DockerProc::Suspend and Continue pause and unpause the container. */
  pause(paused: boolean): void {
    if (this.attached === undefined || this.attached.exited) return;
    void runDocker(this.docker.cli, [paused ? 'pause' : 'unpause', this.name]).then((result) => {
      if (result.code !== 0) this.log.warn({ container: this.name, stderr: result.stderr }, `docker ${paused ? 'pause' : 'unpause'} failed`);
    });
  }
}
