import fs from 'node:fs';
import path from 'node:path';

/**
 * Where this process sits in the cgroup v1 hierarchies a startd confines its jobs with, read from
 * /proc/self/cgroup (`4:memory:/some/path`). A job's cgroup is made below the startd's own, as HTCondor's
 * starter makes its job's below the condor service's.
 */
export function cgroupV1Paths(procSelfCgroup: string, mountRoot = '/sys/fs/cgroup'): { memory?: string; pids?: string } {
  const found: { memory?: string; pids?: string } = {};
  for (const line of procSelfCgroup.split('\n')) {
    const match = /^\d+:([^:]*):(\/.*)$/.exec(line);
    if (!match) continue;
    for (const controller of match[1].split(',')) {
      if (controller === 'memory' || controller === 'pids') found[controller] = path.join(mountRoot, controller, match[2]);
    }
  }
  return found;
}

/** This process's own cgroup v1 directories (none where /proc/self/cgroup cannot be read). */
export function ownCgroupV1Paths(): { memory?: string; pids?: string } {
  return cgroupV1Paths(readPath('/proc/self/cgroup') ?? '');
}

/** What a job's processes together may use (HTCondor: the slot's memory as a hard limit, no swap beyond it). */
export interface JobLimits {
  memoryBytes: number;
  /** The most processes and threads the job may have at once. */
  pidsMax: number;
}

/** How much memory the job's processes used, as HTCondor's starter reports it (KiB). */
export interface MemoryUsage {
  residentSetSizeKb: number;
  imageSizeKb: number;
}

/**
 * The cgroups of the startd's slots: one directory per slot under `tinycondor_<pid>` in each controller the
 * startd may write, reused by the slot's runs one after another (a run's leftover processes are killed at
 * its end, so the next run starts in an empty cgroup). Where none is writable (not root, cgroup v2 only, a
 * container without them) `available` is false and jobs run unconfined, as HTCondor's starter runs them
 * without cgroups.
 */
export class JobCgroups {
  private readonly parents: { memory?: string; pids?: string } = {};
  private readonly slots = new Map<string, SlotCgroup>();

  constructor(own: { memory?: string; pids?: string }, startdPid = process.pid) {
    for (const controller of ['memory', 'pids'] as const) {
      const base = own[controller];
      if (base === undefined) continue;
      removeStaleStartdCgroups(base);
      const parent = path.join(base, `tinycondor_${startdPid}`);
      try {
        // Never recursive: the startd's own cgroup must exist (where /sys is not the host's, as under
        // `ip netns exec`, a recursive mkdir on sysfs never returns).
        makeDir(parent);
        this.parents[controller] = parent;
      } catch {
        // Not ours to write: jobs go unconfined by this controller.
      }
    }
  }

  get available(): { memory: boolean; pids: boolean } {
    return { memory: this.parents.memory !== undefined, pids: this.parents.pids !== undefined };
  }

  /** The slot's cgroups, made at its first run. */
  forSlot(slotName: string): SlotCgroup {
    let cgroup = this.slots.get(slotName);
    if (cgroup === undefined) {
      const dirs: { memory?: string; pids?: string } = {};
      for (const controller of ['memory', 'pids'] as const) {
        const parent = this.parents[controller];
        if (parent === undefined) continue;
        dirs[controller] = path.join(parent, slotName);
        makeDir(dirs[controller]);
      }
      cgroup = new SlotCgroup(dirs);
      this.slots.set(slotName, cgroup);
    }
    return cgroup;
  }

  /** Kills what is left in the slots' cgroups and removes them once the kernel has reaped it; for the startd's exit. */
  async close(deadlineMs = 2000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      for (const cgroup of this.slots.values()) cgroup.killLeftovers();
      if ([...this.slots.values()].every((cgroup) => cgroup.isEmpty()) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const parent of Object.values(this.parents)) removeCgroup(parent);
  }
}

export class SlotCgroup {
  private oomKillsBefore = 0;

  constructor(private readonly dirs: { memory?: string; pids?: string }) {}

  /** The directories a starting job joins before it execs. */
  get directories(): string[] {
    return Object.values(this.dirs);
  }

  private get procsFiles(): string[] {
    return this.directories.map((dir) => path.join(dir, 'cgroup.procs'));
  }

  /** Sets a run's limits and starts its accounting afresh (peak usage, OOM kills). */
  prepare(limits: JobLimits): void {
    const { memory, pids } = this.dirs;
    if (memory !== undefined) {
      const current = Number(read(memory, 'memory.limit_in_bytes'));
      // memory.memsw.limit_in_bytes may never be below memory.limit_in_bytes: lower memory first, raise it last.
      // DISABLE_SWAP_FOR_JOB (default true): memory and swap together get the same limit; the memsw file is
      // missing where the kernel does not account swap, and then there is no swap to disable.
      if (limits.memoryBytes < current) {
        write(memory, 'memory.limit_in_bytes', limits.memoryBytes);
        writeIfPresent(memory, 'memory.memsw.limit_in_bytes', limits.memoryBytes);
      } else {
        writeIfPresent(memory, 'memory.memsw.limit_in_bytes', limits.memoryBytes);
        write(memory, 'memory.limit_in_bytes', limits.memoryBytes);
      }
      write(memory, 'memory.max_usage_in_bytes', 0);
      this.oomKillsBefore = this.oomKills();
    }
    if (pids !== undefined) write(pids, 'pids.max', limits.pidsMax);
  }

  private oomKills(): number {
    const control = this.dirs.memory === undefined ? undefined : read(this.dirs.memory, 'memory.oom_control');
    return Number(/^oom_kill (\d+)$/m.exec(control ?? '')?.[1] ?? 0);
  }

  /** Whether the kernel's OOM killer ended a process of this run (memory.oom_control's oom_kill grew). */
  oomKilled(): boolean {
    return this.oomKills() > this.oomKillsBefore;
  }

  /** The run's memory limit in bytes (undefined without a memory cgroup). */
  memoryLimitBytes(): number | undefined {
    if (this.dirs.memory === undefined) return undefined;
    const limit = Number(read(this.dirs.memory, 'memory.limit_in_bytes'));
    return Number.isFinite(limit) ? limit : undefined;
  }

  /**
   * Resident set now (memory.stat's `rss`) and the run's peak (memory.max_usage_in_bytes), in KiB, as
   * HTCondor's cgroup v1 process family reads them; undefined without a memory cgroup.
   */
  memoryUsage(): MemoryUsage | undefined {
    if (this.dirs.memory === undefined) return undefined;
    const rss = Number(/^rss (\d+)$/m.exec(read(this.dirs.memory, 'memory.stat') ?? '')?.[1] ?? 0);
    const peak = Math.max(rss, Number(read(this.dirs.memory, 'memory.max_usage_in_bytes') ?? 0) || 0);
    return { residentSetSizeKb: Math.ceil(rss / 1024), imageSizeKb: Math.ceil(peak / 1024) };
  }

  /** The processes in the slot's cgroups now. */
  pids(): number[] {
    return [...new Set(this.procsFiles.flatMap(pidsIn))];
  }

  isEmpty(): boolean {
    return this.procsFiles.every((file) => pidsIn(file).length === 0);
  }

  /**
   * SIGKILL to every process still in the slot's cgroups: what a run left behind (a daemonised child, a
   * process that left the job's process group) ends with the run, as HTCondor's starter ends the job's family.
   */
  killLeftovers(): void {
    for (const file of this.procsFiles) killAllIn(file);
  }
}

/** The processes a `cgroup.procs` file lists (none when it cannot be read). */
function pidsIn(procsFile: string): number[] {
  return (readPath(procsFile) ?? '').split('\n').filter(Boolean).map(Number);
}

/** SIGKILL to every process a `cgroup.procs` file lists. */
function killAllIn(procsFile: string): void {
  for (const pid of pidsIn(procsFile)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** mkdir that accepts a directory already there. */
function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

function write(dir: string, file: string, value: number): void {
  fs.writeFileSync(path.join(dir, file), String(Math.trunc(value)));
}

function writeIfPresent(dir: string, file: string, value: number): void {
  try {
    write(dir, file, value);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function read(dir: string, file: string): string | undefined {
  return readPath(path.join(dir, file));
}

function readPath(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The cgroups of startds that are gone (killed outright, so they could not remove them): what still runs
 * in them is killed, and the empty ones removed.
 */
function removeStaleStartdCgroups(base: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(base);
  } catch {
    return;
  }
  for (const name of entries) {
    const pid = /^tinycondor_(\d+)$/.exec(name)?.[1];
    if (pid === undefined || processExists(Number(pid))) continue;
    const dir = path.join(base, name);
    for (const slot of safeReaddir(dir)) killAllIn(path.join(dir, slot, 'cgroup.procs'));
    removeCgroup(dir);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** cgroup directories are removed with rmdir only (their files are the kernel's); children first. */
function removeCgroup(dir: string): void {
  let children: fs.Dirent[] = [];
  try {
    children = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const child of children) if (child.isDirectory()) removeCgroup(path.join(dir, child.name));
  try {
    fs.rmdirSync(dir);
  } catch {
    // Still busy (a process not yet reaped) or already gone: nothing more to do at exit.
  }
}
