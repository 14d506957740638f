import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { forkWhenNoFileIsBeingWritten } from '@tinycondor/transfer/fork-gate';
import type { ExitStatus, Usage } from '@tinycondor/shared/protocol';
import type { JobResourceLimits } from './job-limits.js';
import type { JobUser } from '@tinycondor/shared/job-user';

/** What a job process is started with: its stdio are descriptors the startd opened. */
export interface JobProcessSpec {
  executable: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdio: [stdin: number, stdout: number, stderr: number];
  /** The run's cgroup directories (cgroup v1), which the process joins before it runs the executable. */
  cgroupDirs: string[];
  /** Whom it runs as; undefined: as the startd. */
  user?: JobUser;
  /** The job's core and stack limits (jobResourceLimits); undefined: the startd's own, for a process that is no job. */
  limits?: JobResourceLimits;
  /** A mount namespace of its own, made before it runs the executable (MOUNT_UNDER_SCRATCH); undefined: the startd's. */
  mounts?: JobMounts;
  /** suspend_job_at_exec: the process is stopped (SIGSTOP) at its exec and waits for SIGCONT. */
  suspendAtExec?: boolean;
}

/** The job's mount namespace: each source bind-mounted over its target, and a fresh /dev/shm where asked (MOUNT_PRIVATE_DEV_SHM). */
export interface JobMounts {
  binds: { source: string; target: string }[];
  privateDevShm: boolean;
}

/** job_spawn.c's namespace flags. */
const NAMESPACE_NEW = 1;
const NAMESPACE_PRIVATE_DEV_SHM = 2;

/** Why a job process did not start, with the errno as HTCondor's starter reports it (positive, strerror's text). */
export interface SpawnFailure {
  errno: number;
  message: string;
}

export interface JobProcessEvents {
  /** The process runs, as the leader of its own session and process group. */
  spawned(pid: number): void;
  failed(failure: SpawnFailure): void;
  /** `usage`: the CPU time of the process and the children it waited for (zero where it is not known). */
  exited(exit: ExitStatus, usage: Usage): void;
}

/** Starts job processes; `fork` is child_process, `vfork` the startd's native module (vfork and execve). */
export interface JobSpawner {
  readonly method: 'vfork' | 'fork';
  start(spec: JobProcessSpec, events: JobProcessEvents): void;
}

interface NativeSpawn {
  spawn(
    file: string,
    argv: string[],
    envp: string[],
    cwd: string,
    stdin: number,
    stdout: number,
    stderr: number,
    cgroupTasks: string[],
    uid: number,
    gid: number,
    groups: number[],
    onExit: (code: number | null, signal: number | null, userSeconds: number, systemSeconds: number) => void,
    coreBytes: number,
    stackBytes: number,
    namespaceFlags: number,
    binds: string[],
    suspendAtExec: boolean,
  ): number;
}

function exitStatus(code: number | null, signal: number | null): ExitStatus {
  return signal !== null ? { bySignal: true, signal } : { bySignal: false, exitCode: code ?? 0 };
}

function namespaceFlags(mounts: JobMounts | undefined): number {
  if (mounts === undefined) return 0;
  return NAMESPACE_NEW | (mounts.privateDevShm ? NAMESPACE_PRIVATE_DEV_SHM : 0);
}

function environmentPairs(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
}

/** The bind mounts as job_spawn.c takes them: source, target, source, target… */
function bindPairs(spec: JobProcessSpec): string[] {
  return (spec.mounts?.binds ?? []).flatMap(({ source, target }) => [source, target]);
}

/** child_process.spawn's refusal of NUL bytes, as an errno: C strings end at the first one. */
function hasNul(spec: JobProcessSpec, envp: string[]): boolean {
  return [spec.executable, spec.cwd, ...spec.args, ...envp, ...bindPairs(spec)].some((text) => text.includes('\0'));
}

/**
 * Through the native module: no fork of the startd, so the cost does not grow with its memory. The child
 * closes every descriptor but its standard streams before its exec (native/job_spawn.c). It joins its cgroups
 * through their `tasks` files: for a process of one thread, as the child is until its exec, that is what a
 * write to `cgroup.procs` does, without the write lock on every thread group of the system that the latter
 * takes, which waits for an RCU grace period (2 against 8–12 ms per start here, see docs/perf-log.md).
 */
export function vforkSpawner(native: NativeSpawn): JobSpawner {
  const fallback = forkSpawner();
  return {
    method: 'vfork',
    start(spec, events) {
      // Only a path is spawned as it is; a bare name is looked up in PATH as child_process does it.
      if (!spec.executable.includes('/')) {
        fallback.start(spec, events);
        return;
      }
      const envp = environmentPairs(spec.env);
      if (hasNul(spec, envp)) {
        events.failed({ errno: os.constants.errno.EINVAL, message: 'an argument or environment value holds a NUL byte' });
        return;
      }
      let pid: number;
      try {
        pid = native.spawn(
          spec.executable,
          [spec.executable, ...spec.args],
          envp,
          spec.cwd,
          ...spec.stdio,
          spec.cgroupDirs.map((dir) => path.join(dir, 'tasks')),
          spec.user?.uid ?? -1,
          spec.user?.gid ?? -1,
          spec.user?.groups ?? [],
          (code, signal, userSeconds, systemSeconds) => events.exited(exitStatus(code, signal), { userSeconds, systemSeconds }),
          spec.limits?.coreBytes ?? Number.NaN,
          spec.limits?.stackBytes ?? Number.NaN,
          namespaceFlags(spec.mounts),
          bindPairs(spec),
          spec.suspendAtExec === true,
        );
      } catch (err) {
        const { errno, message } = err as { errno?: number; message: string };
        events.failed({ errno: errno ?? 0, message });
        return;
      }
      events.spawned(pid);
    },
  };
}

const SYSTEM_ERRORS = util.getSystemErrorMap();

/**
 * Through child_process (libuv forks the startd, then execs); it does not say how much CPU the process used.
 * The fork waits until no file is being written (fork-gate.ts): the child would hold it open until its exec.
 */
export function forkSpawner(): JobSpawner {
  return {
    method: 'fork',
    start(spec, events) {
      // child_process cannot act between fork and exec: no namespace, as where DaemonCore has no unshare (ENOSYS).
      if (spec.mounts !== undefined) {
        events.failed({ errno: os.constants.errno.ENOSYS, message: 'Function not implemented' });
        return;
      }
      forkWhenNoFileIsBeingWritten(() => {
        let child;
        try {
          // libuv drops the supplementary groups when it changes the identity: the job keeps only its primary group.
          child = spawn(spec.executable, spec.args, { cwd: spec.cwd, env: spec.env, stdio: spec.stdio, detached: true, uid: spec.user?.uid, gid: spec.user?.gid });
        } catch (err) {
          events.failed({ errno: os.constants.errno.EINVAL, message: (err as Error).message });
          return;
        }
        child.once('spawn', () => {
          const pid = child.pid as number;
          // child_process cannot act between fork and exec: the job joins its cgroups just after it started,
          // so a process it forks at once may stay outside them (the native spawner has no such window). It
          // may have threads by then: all of them move, through cgroup.procs.
          try {
            for (const dir of spec.cgroupDirs) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
          } catch (err) {
            child.kill('SIGKILL');
            events.failed({ errno: Math.abs((err as NodeJS.ErrnoException).errno ?? 0), message: `cannot join the job's cgroup: ${(err as Error).message}` });
            return;
          }
          // child_process cannot trace the exec as the native spawner does: stopped as soon as it is seen started.
          if (spec.suspendAtExec === true) process.kill(pid, 'SIGSTOP');
          events.spawned(pid);
        });
        child.once('error', (err: NodeJS.ErrnoException) => {
          const errno = err.errno ?? 0;
          events.failed({ errno: Math.abs(errno), message: SYSTEM_ERRORS.get(errno)?.[1] ?? err.message });
        });
        child.once('exit', (code, signal) => {
          events.exited(exitStatus(code, signal === null ? null : (os.constants.signals[signal] ?? 9)), { userSeconds: 0, systemSeconds: 0 });
        });
      });
    },
  };
}

/**
 * The spawner this startd uses: vfork when the native module (packages/startd/build, built by
 * `npm ci` or `npm run build`) loads, else child_process, with the reason.
 */
export function jobSpawner(): { spawner: JobSpawner; fallbackReason?: string } {
  try {
    const native = createRequire(import.meta.url)('../build/Release/job_spawn.node') as NativeSpawn;
    return { spawner: vforkSpawner(native) };
  } catch (err) {
    return { spawner: forkSpawner(), fallbackReason: (err as Error).message.split('\n')[0] };
  }
}
