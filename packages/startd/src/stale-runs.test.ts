import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { cleanUpStaleRuns } from './stale-runs.js';

const log = pino({ level: 'silent' });

/** A job-like process group: a shell and its child `sleep`, all with the sandbox in their environment. */
function fakeJob(t: Test, sandbox: string): ChildProcess {
  const child = spawn('/bin/sh', ['-c', 'sleep 300 & wait'], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH, _CONDOR_SCRATCH_DIR: sandbox } });
  t.teardown(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return child;
}

function ended(child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Whether a process (not our child, so not reaped by us) ended: gone, or a zombie waiting for its new parent. */
async function processEnded(pid: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let state: string;
    try {
      state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
    } catch {
      return true;
    }
    if (state === 'Z') return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Until the shell has started its sleep: then both processes carry the environment. */
async function running(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  const children = `/proc/${child.pid}/task/${child.pid}/children`;
  while (!fs.existsSync(children) || fs.readFileSync(children, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error('the fake job did not start its child');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

t.test('jobs a dead startd left in its execute directory are killed and their sandboxes removed', async (t) => {
  const executeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stale-runs-'));
  t.teardown(() => fs.rmSync(executeDir, { recursive: true, force: true }));
  const left = path.join(executeDir, 'dir_1_7');
  fs.mkdirSync(left);
  fs.writeFileSync(path.join(left, 'state'), 'x');
  fs.mkdirSync(path.join(executeDir, '.pids'));
  const orphan = fakeJob(t, left);
  // Another startd's job (its sandbox is not in this execute directory) must survive.
  const elsewhere = fakeJob(t, path.join(os.tmpdir(), 'another-execute', 'dir_1_7'));
  await running(orphan);
  await running(elsewhere);
  const orphanChild = Number(fs.readFileSync(`/proc/${orphan.pid}/task/${orphan.pid}/children`, 'utf8').trim());

  t.equal(cleanUpStaleRuns(executeDir, log), 1, 'one process group killed');
  t.equal(await ended(orphan), true, 'the orphaned job ended');
  t.equal(await processEnded(orphanChild), true, 'and so did its child, in the same process group');
  t.same(fs.readdirSync(executeDir), [], 'its sandbox and the old per-run records are gone');
  t.equal(elsewhere.exitCode, null, 'a job of another execute directory still runs');
  t.equal(elsewhere.signalCode, null);
});

t.test('an execute directory without sandboxes: nothing is killed', async (t) => {
  const executeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stale-runs-'));
  t.teardown(() => fs.rmSync(executeDir, { recursive: true, force: true }));
  t.equal(cleanUpStaleRuns(executeDir, log), 0);
  t.same(fs.readdirSync(executeDir), []);
});
