// A real Docker engine for the container-job tests and benchmarks: our own dockerd (own socket, exec root and data root,
// no iptables, no default bridge), as scripts/docker-test.sh starts one, with images built locally from the
// debootstrap tarball scripts/docker/minbase.sh makes (nothing can be pulled here).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the engine's stop is registered (a tap test, or the benchmark's own list). */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_DIR = process.env.TINYCONDOR_DOCKER_CACHE ?? '/var/cache/tinycondor-docker';
/** The CLI a startd runs by default (HTCondor's DOCKER default). */
export const DOCKER_CLI = '/usr/bin/docker';

/** Debian bookworm, minbase: sh and coreutils, no python. */
export const BASE_IMAGE = 'tinycondor-test/bookworm:1';
/** The same with python3 (the seeds' example.py). */
export const PYTHON_IMAGE = 'tinycondor-test/python3:1';

export interface TestDockerEngine {
  /** The environment that points a docker CLI (and a pool's startds) at this engine. */
  env: { DOCKER_HOST: string };
  docker(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string, timeout = 600_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env, timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr: err !== null && stderr === '' ? err.message : stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** Why this machine cannot start an engine for the tests, or undefined. */
function cannotStart(): string | undefined {
  if (process.getuid?.() !== 0) return 'starting a Docker engine needs root';
  const onPath = (name: string) => (process.env.PATH ?? '/usr/sbin:/usr/bin').split(':').some((dir) => fs.existsSync(path.join(dir, name)));
  if (!onPath('dockerd') && !fs.existsSync('/usr/sbin/dockerd')) return 'no dockerd (apt-get install docker.io)';
  if (!fs.existsSync(DOCKER_CLI)) return `no ${DOCKER_CLI} (apt-get install docker.io)`;
  return undefined;
}

/**
 * Starts the engine (torn down with the test) and makes sure both test images exist in it; resolves
 * with why not where no engine can start here (the caller skips, saying so).
 */
export async function startDockerEngine(t: Teardown): Promise<TestDockerEngine | { skip: string }> {
  const refusal = cannotStart();
  if (refusal !== undefined) return { skip: refusal };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-dockerd-'));
  const socket = `unix://${runDir}/docker.sock`;
  const dataRoot = path.join(CACHE_DIR, 'engine-jobs');
  fs.mkdirSync(dataRoot, { recursive: true });
  const log = fs.openSync(path.join(runDir, 'dockerd.log'), 'a');
  const daemon = spawn(
    fs.existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd',
    ['--data-root', dataRoot, '--exec-root', path.join(runDir, 'exec'), '--pidfile', path.join(runDir, 'dockerd.pid'), '-H', socket, '--iptables=false', '--ip6tables=false', '--bridge=none'],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  t.teardown(async () => {
    daemon.kill('SIGTERM');
    const timer = setTimeout(() => daemon.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    // dockerd leaves its bind mounts under the exec root behind.
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1] ?? '').filter((mount) => mount.startsWith(`${runDir}/`));
    for (const mount of mounts.sort().reverse()) await run('umount', [mount], process.env);
    fs.rmSync(runDir, { recursive: true, force: true });
  });
  const env = { ...process.env, DOCKER_HOST: socket };
  const docker = (args: string[], input?: string) => run(DOCKER_CLI, args, env, input);
  const deadline = Date.now() + 60_000;
  while ((await docker(['info', '--format', '{{.ServerVersion}}'])).code !== 0) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      return { skip: `no Docker engine could be started here: ${fs.readFileSync(path.join(runDir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ')}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if ((await docker(['image', 'inspect', BASE_IMAGE])).code !== 0) {
    const tarball = await run(path.join(root, 'scripts', 'docker', 'minbase.sh'), [], process.env);
    if (tarball.code !== 0) return { skip: `no base image: scripts/docker/minbase.sh failed: ${tarball.stderr.trim().split('\n').slice(-2).join(' | ')}` };
    const imported = await docker(['import', tarball.stdout.trim(), BASE_IMAGE]);
    if (imported.code !== 0) throw new Error(`docker import: ${imported.stderr}`);
  }
  if ((await docker(['image', 'inspect', PYTHON_IMAGE])).code !== 0) {
    const dockerfile = `FROM ${BASE_IMAGE}\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-minimal >/dev/null && rm -rf /var/lib/apt/lists/*\n`;
    const built = await docker(['build', '--network', 'host', '-q', '-t', PYTHON_IMAGE, '-'], dockerfile);
    if (built.code !== 0) throw new Error(`building ${PYTHON_IMAGE}: ${built.stderr}`);
  }
  return { env: { DOCKER_HOST: socket }, docker };
}
