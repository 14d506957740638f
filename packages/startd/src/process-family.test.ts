import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { processGroupMembers, signalFamily } from './process-family.js';

t.test('the members of a process group, read from a /proc', async (t) => {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
  t.teardown(() => fs.rmSync(proc, { recursive: true, force: true }));
  const stat = (pid: number, comm: string, pgrp: number) => {
    fs.mkdirSync(path.join(proc, String(pid)));
    fs.writeFileSync(path.join(proc, String(pid), 'stat'), `${pid} (${comm}) S 1 ${pgrp} ${pgrp} 0 -1\n`);
  };
  stat(10, 'sh', 10);
  stat(11, 'odd) name (x', 10);
  stat(12, 'other', 12);
  fs.mkdirSync(path.join(proc, 'self'));
  t.same(processGroupMembers(10, proc).sort(), [10, 11]);
  t.same(processGroupMembers(99, proc), []);
  t.same(processGroupMembers(10, path.join(proc, 'missing')), []);
});

t.test('a real group is stopped and continued, every member counted', async (t) => {
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
  t.teardown(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
  });
  const pgid = child.pid as number;
  const deadline = Date.now() + 10_000;
  while (processGroupMembers(pgid).length < 3 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  t.equal(signalFamily(pgid, [], 'SIGSTOP'), 3, 'the shell and its two sleeps');
  const state = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
  // A signal takes effect when its process next runs: its state is watched for, with a deadline.
  const stateBecomes = async (pid: number, stopped: boolean): Promise<string> => {
    const until = Date.now() + 5_000;
    let now = state(pid);
    while ((now === 'T') !== stopped && Date.now() < until) {
      await new Promise((resolve) => setImmediate(resolve));
      now = state(pid);
    }
    return now;
  };
  for (const pid of processGroupMembers(pgid)) t.equal(await stateBecomes(pid, true), 'T', `${pid} stopped`);
  t.equal(signalFamily(pgid, [], 'SIGCONT'), 3);
  for (const pid of processGroupMembers(pgid)) t.not(await stateBecomes(pid, false), 'T', `${pid} running again`);
  process.kill(-pgid, 'SIGKILL');
  await once(child, 'exit');
});
