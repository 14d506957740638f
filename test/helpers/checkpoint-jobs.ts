// Helpers for the self-checkpointing integration tests: the seeds' example jobs plus two small test
// hooks (where is each run, and hold the job at a given step), SPOOL and attribute probes.
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { eventually, processAlive, type TestPool } from './pool.js';

/** What a job reported through its hook: a run starting, or the job waiting at a paused step. */
export interface HookRecord {
  kind: 'start' | 'paused';
  value: number;
  pid: number;
  /** The run's sandbox (execute directory). */
  cwd: string;
  /** The sandbox's entries when reported, relative, directories with a trailing '/', sorted. */
  files: string[];
}

/** Files outside the submit directory through which the test and its job talk. */
export interface Hooks {
  log: string;
  pause: string;
}

export function makeHooks(pool: TestPool, name = 'hooks'): Hooks {
  const dir = path.join(path.dirname(pool.dir), name);
  fs.mkdirSync(dir, { recursive: true });
  return { log: path.join(dir, 'hooks.jsonl'), pause: path.join(dir, 'pause') };
}

/** Makes the job wait at step `value` (or nowhere); written by rename so the job never reads half a file. */
export function pauseAt(hooks: Hooks, value: number | undefined): void {
  if (value === undefined) {
    fs.rmSync(hooks.pause, { force: true });
    return;
  }
  fs.writeFileSync(`${hooks.pause}.new`, String(value));
  fs.renameSync(`${hooks.pause}.new`, hooks.pause);
}

export function hookRecords(hooks: Hooks): HookRecord[] {
  if (!fs.existsSync(hooks.log)) return [];
  return fs
    .readFileSync(hooks.log, 'utf8')
    .split('\n')
    .filter((line) => line.endsWith('}'))
    .map((line) => JSON.parse(line) as HookRecord);
}

/** Waits until the job has reported `count` records of `kind`; returns the last of them. */
export function waitForHook(hooks: Hooks, kind: HookRecord['kind'], count: number, deadlineMs = 30_000): Promise<HookRecord> {
  return eventually(`hook record ${kind} #${count}`, () => {
    const records = hookRecords(hooks).filter((r) => r.kind === kind);
    return records.length >= count ? records[count - 1] : undefined;
  }, deadlineMs);
}

/**
 * Python lines defining report(kind, value) and nap(value). nap() stands in for the seeds'
 * time.sleep(10): a 0.2 s nap, then, while the pause file names this step, the job waits there.
 */
export function pythonHooks(hooks: Hooks): string {
  return `# --- test hooks (not part of the seed) ---
import json, os
def listing():
    found = []
    for top, dirs, files in os.walk('.'):
        if top == '.':
            # the directories a root startd makes for MOUNT_UNDER_SCRATCH (tmp, var/tmp), not the job's
            dirs[:] = [d for d in dirs if d not in ('tmp', 'var')]
        rel = os.path.relpath(top, '.')
        prefix = '' if rel == '.' else rel + '/'
        found += [prefix + d + '/' for d in dirs] + [prefix + f for f in files]
    return sorted(found)
def report(kind, value):
    with open(${JSON.stringify(hooks.log)}, 'a') as f:
        f.write(json.dumps({'kind': kind, 'value': value, 'pid': os.getpid(), 'cwd': os.getcwd(), 'files': listing()}) + '\\n')
def paused_at():
    try:
        with open(${JSON.stringify(hooks.pause)}) as f:
            return f.read()
    except IOError:
        return None
def nap(value):
    time.sleep(0.2)
    if paused_at() == str(value):
        report('paused', value)
        while paused_at() == str(value):
            time.sleep(0.02)
# --- end of test hooks ---
`;
}

/**
 * The manual's example.py (001; 002 is the same with 77.ckpt and 77), verbatim but for the interpreter
 * path (unbuffered, so output written before an eviction is really in _condor_stdout), the hooks, and
 * `checkpointExit`, the statement that ends the process after a checkpoint.
 */
export function countingScript(hooks: Hooks, checkpointFile: string, checkpointExit: string): string {
  return `#!/usr/bin/python3 -u

import sys
import time
import signal

${pythonHooks(hooks)}
value = 0
try:
    with open('${checkpointFile}', 'r') as f:
        value = int(f.read())
except IOError:
    pass

report('start', value)
print("Starting from {0}".format(value))
for i in range(value,10):
    print("Computing timestamp {0}".format(value))
    nap(value)
    value += 1
    with open('${checkpointFile}', 'w') as f:
        f.write("{0}".format(value))
    if value%3 == 0:
        ${checkpointExit}

print("Computation complete")
sys.exit(0)
`;
}

/** example.out of an uninterrupted (or correctly resumed) run of the counting example. */
export const COUNTING_OUTPUT = [
  'Starting from 0',
  'Computing timestamp 0',
  'Computing timestamp 1',
  'Computing timestamp 2',
  'Starting from 3',
  'Computing timestamp 3',
  'Computing timestamp 4',
  'Computing timestamp 5',
  'Starting from 6',
  'Computing timestamp 6',
  'Computing timestamp 7',
  'Computing timestamp 8',
  'Starting from 9',
  'Computing timestamp 9',
  'Computation complete',
  '',
].join('\n');

/** The job's SPOOL directory, found as the manual says: `condor_config_val SPOOL`, then the job id. */
export async function jobSpoolDir(pool: TestPool, cluster: number, proc: number): Promise<string> {
  const spool = (await pool.run('condor_config_val', ['SPOOL'])).stdout.trim();
  return path.join(spool, String(cluster % 10000), String(proc % 10000), `cluster${cluster}.proc${proc}.subproc0`);
}

/** Entries under `dir`, relative, directories with a trailing '/', sorted; [] when it does not exist. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        found.push(`${name}/`);
        walk(name);
      } else found.push(name);
    }
  };
  walk('');
  return found.sort();
}

/** The first line of each 040 event of a job, in order. */
export function transferLines(events: ParsedEvent[], cluster: number, proc: number): string[] {
  return events.filter((e) => e.cluster === cluster && e.proc === proc && e.code === 40).map((e) => e.lines[0]);
}

export const INPUT_PAIR = ['Started transferring input files', 'Finished transferring input files'];
export const OUTPUT_PAIR = ['Started transferring output files', 'Finished transferring output files'];

/** `condor_q C.P -af Attr...` (or condor_history) output, without the final newline. */
async function autoformat(pool: TestPool, tool: 'condor_q' | 'condor_history', id: string, attrs: string[]): Promise<string> {
  const result = await pool.run(tool, [id, '-af', ...attrs]);
  if (result.code !== 0) throw new Error(`${tool} ${id} -af ${attrs.join(' ')} failed: ${result.stderr}`);
  return result.stdout.replace(/\n$/, '');
}

/** One attribute of a job as `-af` prints it (strings unquoted). */
export function jobAttr(pool: TestPool, tool: 'condor_q' | 'condor_history', id: string, attr: string): Promise<string> {
  return autoformat(pool, tool, id, [attr]);
}

/**
 * Several attributes in one query: name → printed value. All but the last must print without spaces
 * (numbers, booleans); the last may be any string.
 */
export async function jobAttrs(pool: TestPool, tool: 'condor_q' | 'condor_history', id: string, attrs: string[]): Promise<Record<string, string>> {
  const words = (await autoformat(pool, tool, id, attrs)).split(' ');
  const values = [...words.slice(0, attrs.length - 1), words.slice(attrs.length - 1).join(' ')];
  return Object.fromEntries(attrs.map((a, i) => [a, values[i]]));
}

/** Resolves when process `pid` no longer exists. */
export function processGone(pid: number, deadlineMs = 15_000): Promise<true> {
  return eventually(`process ${pid} to end`, () => (processAlive(pid) ? undefined : true), deadlineMs);
}
