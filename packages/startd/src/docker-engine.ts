import { execFile } from 'node:child_process';
import type { Logger } from 'pino';
import { STARTD_LABEL, type DockerSettings } from './container-args.js';
import { dockerConfig, type KnobLookup } from './docker-knobs.js';

/** DockerAPI::default_timeout: how long one docker command may take. */
const DOCKER_COMMAND_TIMEOUT_MS = 120_000;

export interface DockerCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the docker CLI as the startd, with the startd's environment (DOCKER_HOST included), as the
 * starter runs it (build_env_for_docker_cli), or with the one given (DOCKER_CONFIG added); resolves with its exit code, never rejects.
 */
export function runDocker(cli: string, args: string[], timeoutMs = DOCKER_COMMAND_TIMEOUT_MS, env: NodeJS.ProcessEnv = process.env): Promise<DockerCommandResult> {
  return new Promise((resolve) => {
    execFile(cli, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', env }, (err, stdout, stderr) => {
      if (err === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const { code } = err as NodeJS.ErrnoException & { code?: number | string };
      resolve({ code: typeof code === 'number' ? code : -1, stdout: stdout ?? '', stderr: stderr !== '' ? stderr : err.message });
    });
  });
}

/**
 * DockerAPI::detect, as the startd's starter runs it at start: `docker -v` must print a version and
 * `docker info` must succeed (the engine answers). Returns the settings, or why Docker is not offered.
 * HTCondor then also runs its own test image (DOCKER_PERFORM_TEST); tinycondor has no such image, so an
 * engine that answers is taken to run containers.
 */
export async function detectDocker(knob: KnobLookup): Promise<{ settings: DockerSettings; warnings: string[] } | { offline: string; warnings: string[] }> {
  const { config, warnings } = dockerConfig(knob);
  const { cli } = config;
  const [version, info] = await Promise.all([runDocker(cli, ['-v'], 20_000), runDocker(cli, ['info', '--format', '{{.ServerVersion}}'], 20_000)]);
  const line = version.stdout.split('\n')[0]?.trim() ?? '';
  if (version.code !== 0 || !line.startsWith('Docker version ')) {
    return { offline: `'${cli} -v' did not print a Docker version (exit ${version.code}${version.stderr ? `: ${version.stderr.trim().split('\n')[0]}` : ''})`, warnings };
  }
  if (info.code !== 0) return { offline: `'${cli} info' did not exit successfully (code ${info.code}); the first line of output was '${info.stderr.trim().split('\n')[0] ?? ''}'`, warnings };
  // Docker 20.10.4 cannot run HTCondor's jobs (starter_v61_main.cpp): HasDocker = False.
  if (line.includes('20.10.4,')) return { offline: 'Unsupported Docker Version (20.10.4) detected', warnings };
  return { settings: { ...config, version: line }, warnings };
}

/**
 * Containers an earlier process of this startd left running (it was killed before it could remove them):
 * removed at start, as the startd removes the sandboxes of such runs (stale-runs.ts).
 */
export async function removeStaleContainers(docker: DockerSettings, startdName: string, log: Logger): Promise<void> {
  const listed = await runDocker(docker.cli, ['ps', '-aq', '--filter', `label=${STARTD_LABEL}=${startdName}`]);
  const ids = listed.stdout.split('\n').filter((id) => id !== '');
  if (listed.code !== 0 || ids.length === 0) return;
  const removed = await runDocker(docker.cli, ['rm', '-f', '-v', ...ids]);
  if (removed.code === 0) log.warn({ containers: ids.length }, 'removed the containers of runs an earlier process of this startd left');
  else log.error({ stderr: removed.stderr }, 'could not remove containers an earlier process of this startd left');
}
