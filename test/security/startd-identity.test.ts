// Issue 18 item 11: a startd is more than a name. A client holding the pool token cannot act as a
// connected startd: not on its transfers (a forged header with a guessed run id), not by a second hello
// under its name, and a kill-startd fault cannot be aimed at a process this pool did not start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import WebSocket from 'ws';
import t, { type Test } from 'tap';
import { startDaemons } from '../helpers/daemons.js';
import { startdPids } from '../helpers/faults.js';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

/** Submits a job that holds a secret input file and waits for `go` before it exits 0; resolves once it runs. */
async function submitWaitingJob(t: Test, pool: TestPool): Promise<{ log: string; go: string }> {
  const go = path.join(pool.dir, 'go');
  writeExecutable(path.join(pool.dir, 'job.sh'), `#!/bin/sh\nwhile [ ! -e ${go} ]; do /bin/sleep 0.05; done\necho finished\n`);
  fs.writeFileSync(path.join(pool.dir, 'secret.txt'), 'alice-secret\n');
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    'executable = job.sh\nshould_transfer_files = YES\ntransfer_input_files = secret.txt\nwhen_to_transfer_output = ON_EXIT_OR_EVICT\noutput = job.out\nlog = job.log\nqueue\n',
  );
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const log = path.join(pool.dir, 'job.log');
  await waitForEvents(log, (events) => events.some((e) => e.code === 1));
  return { log, go };
}

function hello(startdName: string, extra: Record<string, unknown> = {}): string {
  const slots = [{ name: 'slot1', cpus: 1, memoryMb: 100, diskKb: 1000 }];
  return JSON.stringify({ type: 'hello', startdName, machine: os.hostname(), opSys: 'LINUX', arch: 'X86_64', slots, runs: [], ...extra });
}

/** A websocket to the startd channel that says `helloText`; resolves with what the schedd answered before closing (or the welcome). */
async function sayHello(pool: { url: string; token: string }, helloText: string): Promise<{ welcome?: Record<string, unknown>; closeCode?: number; closeReason?: string; socket: WebSocket }> {
  const socket = new WebSocket(`${pool.url.replace(/^http/, 'ws')}/v1/startd`, { headers: { authorization: `Bearer ${pool.token}` } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return new Promise((resolve) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as Record<string, unknown>;
      if (message.type === 'welcome') resolve({ welcome: message, socket });
    });
    socket.once('close', (code, reason) => resolve({ closeCode: code, closeReason: reason.toString(), socket }));
    socket.send(helloText);
  });
}

t.test('a forged startd header with a guessed run id reads no input and writes no checkpoint', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { log, go } = await submitWaitingJob(t, pool);
  const spool = path.join(pool.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  // Run ids were a counter from 1: the first runs of the pool are easy guesses.
  for (const runId of [1, 2, 3]) {
    const forgeries: Record<string, string>[] = [{ 'x-tinycondor-startd': 'startd1' }, { 'x-tinycondor-startd': 'startd1', 'x-tinycondor-startd-key': 'A'.repeat(43) }];
    for (const headers of forgeries) {
      const input = await fetch(`${pool.url}/v1/jobs/1.0/runs/${runId}/input`, { headers: { authorization: `Bearer ${pool.token}`, ...headers } });
      const body = await input.text();
      t.not(input.status, 200, `input of run ${runId} is not given to ${JSON.stringify(headers)}`);
      t.notMatch(body, /alice-secret/);
      const evict = await fetch(`${pool.url}/v1/jobs/1.0/runs/${runId}/checkpoint?kind=evict`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${pool.token}`, 'content-type': 'application/x-tar', ...headers },
        body: Readable.toWeb(Readable.from([Buffer.alloc(1024)])) as unknown as BodyInit,
        duplex: 'half',
      } as RequestInit);
      await evict.text();
      t.not(evict.status, 200, `no evict upload into run ${runId} for ${JSON.stringify(headers)}`);
    }
  }
  t.notOk(fs.existsSync(spool) && fs.readdirSync(spool).length > 0, 'nothing was written into the job SPOOL directory');
  fs.writeFileSync(go, '');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 1, 5], 'the job ran once, undisturbed');
  t.equal(fs.readFileSync(path.join(pool.dir, 'job.out'), 'utf8'), 'finished\n');
});

t.test("a second hello under a connected startd's name is refused; the real startd keeps its run", async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { log, go } = await submitWaitingJob(t, pool);
  const intruder = await sayHello(pool, hello('startd1'));
  t.teardown(() => intruder.socket.terminate());
  t.equal(intruder.welcome, undefined, 'no welcome (nor, after it, any job ad) for the intruder');
  t.equal(intruder.closeCode, 1008);
  t.match(intruder.closeReason, /startd startd1 is already connected/);
  const status = await pool.run('condor_q', ['-af', 'JobStatus', 'RemoteHost']);
  t.equal(status.stdout, '2 slot1_1@startd1\n', 'the job still runs on the real startd');
  fs.writeFileSync(go, '');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.same(codes(events, 1, 0).filter((c) => c !== 40), [0, 1, 5], 'no eviction, one run, ended by the job itself');
  t.match(events.find((e) => e.code === 5)?.text, /Normal termination \(return value 0\)/);
  t.equal(fs.readFileSync(path.join(pool.dir, 'job.out'), 'utf8'), 'finished\n', 'the real run ended and sent its output');
});

t.test("a kill-startd fault cannot kill another pool's startd", async (t) => {
  const other = await startPool(t, { startds: 1 });
  const [victim] = startdPids(other, 'startd1');
  t.ok(victim, "the other pool's startd process is found");
  const d = await startDaemons(t);
  const pool = { url: d.url(), token: d.token() };
  // Named like the other pool's startd, giving its pid (as hellos could): that hello is refused now.
  const withPid = await sayHello(pool, hello('startd1', { pid: victim }));
  t.teardown(() => withPid.socket.terminate());
  if (withPid.welcome) await d.run('tinycondor', ['fault', 'kill-startd', 'startd1']);
  t.equal(withPid.closeCode, 1008, 'a hello naming a pid is refused');
  t.doesNotThrow(() => process.kill(victim, 0), "the other pool's startd lives");
  // A startd that says it may be killed is only told to kill itself.
  const killable = await sayHello(pool, hello('startd1', { killable: true }));
  t.teardown(() => killable.socket.terminate());
  t.ok(killable.welcome);
  const told: unknown[] = [];
  killable.socket.on('message', (raw) => told.push(JSON.parse(raw.toString())));
  const fault = await d.run('tinycondor', ['fault', 'kill-startd', 'startd1']);
  t.equal(fault.code, 0, fault.stderr);
  t.same(await eventually('the fault-kill message', () => told[0], 10_000), { type: 'fault-kill' }, 'the connection that said hello is told to kill itself');
  t.same(startdPids(other, 'startd1'), [victim], "the other pool's startd lives and was not restarted");
  await eventually('the other pool to still list its startd', async () => ((await other.run('condor_status', [])).stdout.includes('startd1') ? true : undefined));
});
