import fs from 'node:fs';
import path from 'node:path';
import { SPOOL_COMMIT_MARKER_CONTENT } from '@tinycondor/shared/spool-paths';
import t from 'tap';
import { fakeStartd, killHard, startDaemons } from './helpers/daemons.js';
import { codes, eventually, waitForEvents, writeExecutable } from './helpers/pool.js';
import { transferArchive, putCheckpoint } from './helpers/archives.js';

t.test('broken, late and duplicate transfers and messages never damage the committed checkpoint', async (t) => {
  const d = await startDaemons(t, ['--lease', '30']);
  const fake = await fakeStartd(t, d.url(), d.token());
  writeExecutable(path.join(d.dir, 'job.sh'), '#!/bin/bash\nexit 0\n');
  fs.writeFileSync(path.join(d.dir, 'job.sub'), 'executable = job.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state\nlog = job.log\nqueue\n');
  t.equal((await d.run('condor_submit', ['job.sub'])).code, 0);
  const start = await fake.next('start');
  const { jobId, runId } = start as { jobId: string; runId: string };
  t.equal(jobId, '1.0');

  fake.send({ type: 'executing', jobId, runId, seq: 1 });
  t.same(await fake.next('ack'), { type: 'ack', seq: 1 });
  fake.send({ type: 'executing', jobId, runId, seq: 1 });
  await fake.next('ack');
  const log = path.join(d.dir, 'job.log');
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 1));

  const spool = path.join(d.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  const good = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 0, await transferArchive({ state: 'one' }));
  t.equal(good.status, 200);
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'one');

  const next = await transferArchive({ state: 'two', extra: 'x'.repeat(5000) });
  const cut = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 1, next.subarray(0, 1024));
  t.equal(cut.status, 400, 'a truncated tar is refused');
  const garbage = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 1, Buffer.from('this is not a tar archive at all'.repeat(40)));
  t.equal(garbage.status, 400, 'garbage is refused');
  const hostile = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 1, await transferArchive({ '../../escape': 'boom' }));
  t.equal(hostile.status, 400, "a tar with '..' is refused");
  t.notOk(fs.existsSync(path.join(d.home, 'spool', '1', 'escape')));
  const stale = await putCheckpoint(d.url(), d.token(), fake.key, jobId, runId, 0, await transferArchive({ state: 'stale' }));
  t.equal(stale.status, 409, 'an old checkpoint number is stale');
  const other = await fakeStartd(t, d.url(), d.token(), 'other');
  const wrongStartd = await putCheckpoint(d.url(), d.token(), other.key, jobId, runId, 1, await transferArchive({ state: 'intruder' }));
  t.equal(wrongStartd.status, 409, 'another startd cannot write this run');
  t.same(fs.readdirSync(spool), ['state']);
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'one', 'the committed checkpoint is intact');
  t.notOk(fs.existsSync(`${spool}.tmp`), 'no staging left behind');

  fake.send({ type: 'exited', jobId, runId: 'X'.repeat(22), seq: 2, exit: { bySignal: false, exitCode: 0 }, usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0, outputSent: false });
  await fake.next('ack');
  t.equal((await d.run('condor_q', ['-af', 'JobStatus', 'CheckpointNumber'])).stdout, '2 0\n', 'a message for another run is ignored');

  // A crash after the marker was written but before the entries moved: the next start rolls it forward.
  await killHard(d.schedd);
  fs.mkdirSync(`${spool}.tmp`);
  fs.writeFileSync(`${spool}.tmp/state`, 'three');
  fs.writeFileSync(`${spool}.tmp/.ccommit.con`, SPOOL_COMMIT_MARKER_CONTENT);
  // A crash in the middle of a transfer (no marker) for the same job is discarded instead.
  await d.startSchedd();
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'three', 'the interrupted commit was finished');
  t.notOk(fs.existsSync(`${spool}.tmp`));
  t.notOk(fs.existsSync(`${spool}.swap`));
  await killHard(d.schedd);
  fs.mkdirSync(`${spool}.tmp`);
  fs.writeFileSync(`${spool}.tmp/state`, 'half-writ');
  await d.startSchedd();
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'three', 'a transfer without its marker is discarded');
  t.notOk(fs.existsSync(`${spool}.tmp`));
});

const COUNTER = `#!/bin/bash
# counts to 30, a checkpoint (exit 85) every 5 steps; every line of output is printed once
n=$(cat progress 2>/dev/null || echo 0)
while [ $n -lt 30 ]; do
  n=$((n+1)); echo "step $n"; sleep 0.05
  if [ $((n % 5)) -eq 0 ] && [ $n -lt 30 ]; then echo $n > progress; exit 85; fi
done
echo $n > progress
`;

t.test('the schedd killed with SIGKILL and restarted: jobs keep running, finish once, nothing lost', async (t) => {
  const d = await startDaemons(t, ['--lease', '30']);
  await d.startStartd('exec1');
  await d.startStartd('exec2');
  writeExecutable(path.join(d.dir, 'count.sh'), COUNTER);
  fs.writeFileSync(
    path.join(d.dir, 'count.sub'),
    'executable = count.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = progress\ntransfer_output_files = progress\noutput = count.$(Process).out\ninitialdir = run$(Process)\nlog = ../count.log\nqueue 2\n',
  );
  for (const p of [0, 1]) fs.mkdirSync(path.join(d.dir, `run${p}`));
  t.equal((await d.run('condor_submit', ['count.sub'])).code, 0);
  const log = path.join(d.dir, 'count.log');
  await waitForEvents(log, (ev) => [0, 1].every((p) => codes(ev, 1, p).filter((c) => c === 40).length >= 4));
  const url = d.url();
  await killHard(d.schedd);
  await d.startSchedd();
  t.equal(d.url(), url, 'the schedd listens on the same address again');
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 5).length === 2, 60_000);
  for (const p of [0, 1]) {
    const sequence = codes(events, 1, p);
    t.equal(sequence.filter((c) => c === 1).length, 1, `1.${p} started once`);
    t.equal(sequence.filter((c) => c === 5).length, 1, `1.${p} terminated once`);
    const out = fs.readFileSync(path.join(d.dir, `run${p}`, `count.${p}.out`), 'utf8');
    t.equal(out, Array.from({ length: 30 }, (_, i) => `step ${i + 1}\n`).join(''), `1.${p} output is complete and unrepeated`);
  }
  const history = await d.run('condor_history', ['-af', 'ProcId', 'JobStatus', 'NumJobStarts']);
  t.same(history.stdout.trim().split('\n').sort(), ['0 4 1', '1 4 1']);
});

t.test('a startd killed with SIGKILL: after the job lease the job resumes elsewhere from its checkpoint', async (t) => {
  const d = await startDaemons(t, ['--lease', '2']);
  const first = await d.startStartd('exec1');
  writeExecutable(path.join(d.dir, 'count.sh'), COUNTER.replace('sleep 0.05', 'sleep 0.3'));
  fs.writeFileSync(
    path.join(d.dir, 'count.sub'),
    'executable = count.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = progress\noutput = count.out\njob_lease_duration = 20\nlog = count.log\nqueue\n',
  );
  t.equal((await d.run('condor_submit', ['count.sub'])).code, 0);
  const log = path.join(d.dir, 'count.log');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).filter((c) => c === 40).length >= 4, 60_000);
  await killHard(first);
  await d.startStartd('exec2');
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5), 90_000);
  const sequence = codes(events, 1, 0);
  t.equal(sequence.filter((c) => c === 4).length, 1, 'one eviction when the lease expired');
  t.same(sequence.filter((c) => c === 22 || c === 24), [22, 24], 'disconnected, then the reconnect failed');
  t.equal(sequence.filter((c) => c === 1).length, 2, 'started again once, elsewhere');
  t.match(events.filter((e) => e.code === 1)[1].lines[1], /slot1_1@exec2/);
  const out = fs.readFileSync(path.join(d.dir, 'count.out'), 'utf8').trim().split('\n');
  t.equal(out[out.length - 1], 'step 30');
  t.ok(out.length <= 30, 'the second run resumed from the checkpoint (no step before it was repeated in the final stdout)');
  // The killed startd's job was orphaned; the same startd started again cleans it up.
  await d.startStartd('exec1');
  await eventually('the orphan to be gone', () => (fs.readdirSync(path.join(d.home, 'execute', 'exec1')).some((n) => n.startsWith('dir_')) ? undefined : true));
});
