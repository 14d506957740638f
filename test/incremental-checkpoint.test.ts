// Issue 23: incremental checkpoints. A startd sends only the files that changed since the checkpoint its run
// last committed, plus links to the rest; the schedd commits a whole checkpoint directory in SPOOL whose
// unchanged files are hard links to the committed ones, and refuses (412) a checkpoint that does not build
// on what it holds, which the startd then sends whole.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { packEntries, RACY_WINDOW_NS } from '@tinycondor/transfer/tar/index';
import { putAsStartd } from './helpers/archives.js';
import { fakeStartdRunningJob } from './helpers/daemons.js';
import { eventually, rest, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const FILE_BYTES = 100_000;

/**
 * A self-checkpointing job with 20 state files: each run rewrites one of them (f<run>), counts itself in
 * `progress` and exits 85; the fourth checks that every file holds what the runs left and exits 0 (else 1).
 * Before its second checkpoint it waits for `go` when given one (the test changes SPOOL meanwhile).
 */
const JOB = `#!/usr/bin/python3
import os, sys, time
run = int(open('progress').read()) if os.path.exists('progress') else 0
if run == 0:
    os.makedirs('state')
    for i in range(20):
        open(f'state/f{i}', 'wb').write(bytes([i]) * ${FILE_BYTES})
if run == 3:
    wrong = [i for i in range(20) if open(f'state/f{i}', 'rb').read() != bytes([100 + i if 1 <= i <= 2 else i]) * ${FILE_BYTES}]
    print('wrong:', wrong)
    sys.exit(1 if wrong else 0)
if run >= 1:
    if len(sys.argv) > 1 and run == 1:
        deadline = time.monotonic() + 60
        while not os.path.exists(sys.argv[1]) and time.monotonic() < deadline:
            time.sleep(0.05)
    open(f'state/f{run}', 'wb').write(bytes([100 + run]) * ${FILE_BYTES})
open('progress', 'w').write(str(run + 1))
print('run', run)
sys.exit(85)
`;

interface CommittedEntry {
  kind: string;
  checkpoint?: number;
  bytes?: number;
  files?: number;
  linked?: number;
}

async function committedCheckpoints(pool: TestPool, jobId: string): Promise<CommittedEntry[]> {
  const { body } = await rest(pool, 'GET', `/v1/jobs/${jobId}/timeline`);
  return (body.entries as CommittedEntry[]).filter((entry) => entry.kind === 'checkpoint-committed');
}

function submitJob(pool: TestPool, args = ''): Promise<{ code: number | null }> {
  writeExecutable(path.join(pool.dir, 'job.py'), JOB);
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    `executable = job.py\narguments = ${args}\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state, progress\ntransfer_output_files = progress\noutput = job.out\nlog = job.log\nqueue\n`,
  );
  return pool.run('condor_submit', ['job.sub']);
}

t.test('later checkpoints send the file that changed and link the rest; the job resumes from whole checkpoints', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  t.equal((await submitJob(pool)).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)', fs.readFileSync(path.join(pool.dir, 'job.out'), 'utf8'));

  const committed = await committedCheckpoints(pool, '1.0');
  t.same(committed.map((entry) => entry.checkpoint), [0, 1, 2]);
  t.equal(committed[0].linked, undefined, 'the first checkpoint of the run is sent whole');
  t.ok((committed[0].bytes ?? 0) >= 20 * FILE_BYTES, `checkpoint 0: ${committed[0].bytes} bytes`);
  for (const entry of committed.slice(1)) {
    t.ok((entry.linked ?? 0) >= 19, `checkpoint ${entry.checkpoint}: ${entry.linked} of ${entry.files} files linked`);
    t.ok((entry.bytes ?? Infinity) < 2 * FILE_BYTES, `checkpoint ${entry.checkpoint}: ${entry.bytes} bytes sent, one state file's worth`);
  }
});

t.test('a checkpoint that does not fit what SPOOL holds is refused, and the startd sends it whole', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const go = path.join(pool.dir, 'go');
  t.equal((await submitJob(pool, go)).code, 0);
  const spool = path.join(pool.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  await eventually('checkpoint 0 committed', async () => ((await committedCheckpoints(pool, '1.0')).length > 0 ? true : undefined), 60_000);
  // As if SPOOL lost a file the run's next checkpoint would link.
  fs.rmSync(path.join(spool, 'state', 'f5'));
  fs.writeFileSync(go, '');

  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)', fs.readFileSync(path.join(pool.dir, 'job.out'), 'utf8'));
  const committed = await committedCheckpoints(pool, '1.0');
  t.same(committed.map((entry) => [entry.checkpoint, entry.linked === undefined]), [[0, true], [1, true], [2, false]], 'checkpoint 1 went whole, checkpoint 2 incremental again');
  t.ok((committed[1].bytes ?? 0) >= 20 * FILE_BYTES);
  t.match(fs.readFileSync(path.join(pool.home, 'log', 'SchedLog'), 'utf8'), /an incremental checkpoint does not fit the committed one/);
});

t.test('the schedd takes an incremental checkpoint only onto the committed checkpoint it names', async (t) => {
  const { d, fake, jobId, runId } = await fakeStartdRunningJob(t);

  const sandbox = path.join(d.dir, 'sandbox');
  fs.mkdirSync(path.join(sandbox, 'state'), { recursive: true });
  for (const name of ['a', 'b']) fs.writeFileSync(path.join(sandbox, 'state', name), name.repeat(1000));
  const entries = [{ name: 'state', source: path.join(sandbox, 'state') }];
  const spool = path.join(d.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  const upload = async (number: number, base?: { number: number; files: ReturnType<typeof packEntries>['sent'] }) => {
    const archive = packEntries(entries, { incremental: { base: base?.files, racyWindowNs: RACY_WINDOW_NS } });
    const chunks: Buffer[] = [];
    for await (const chunk of archive.stream as unknown as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    const query = `?kind=checkpoint&number=${number}${base === undefined ? '' : `&base=${base.number}`}`;
    const response = await putAsStartd(d.url(), d.token(), fake.key, `/v1/jobs/${jobId}/runs/${runId}/checkpoint${query}`, Buffer.concat(chunks));
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, sent: archive.sent };
  };

  const first = await upload(0);
  t.equal(first.status, 200);
  fs.writeFileSync(path.join(sandbox, 'state', 'b'), 'B'.repeat(1000));

  const wrongBase = await upload(1, { number: 7, files: first.sent });
  t.same([wrongBase.status, wrongBase.body.error], [412, 'checkpoint 1 builds on checkpoint 7, but the committed checkpoint is 0: send it whole']);

  const inode = fs.statSync(path.join(spool, 'state', 'a')).ino;
  const second = await upload(1, { number: 0, files: first.sent });
  t.same([second.status, second.body], [200, { files: 2, bytes: 1000 }], 'state/b sent, state/a linked');
  t.equal(fs.statSync(path.join(spool, 'state', 'a')).ino, inode, 'state/a in SPOOL is the file committed before');
  t.equal(fs.readFileSync(path.join(spool, 'state', 'b'), 'utf8'), 'B'.repeat(1000));

  fs.rmSync(path.join(spool, 'state', 'a'));
  fs.writeFileSync(path.join(sandbox, 'state', 'b'), 'b2'.repeat(500));
  const missing = await upload(2, { number: 1, files: second.sent });
  t.equal(missing.status, 412);
  t.match(missing.body.error, /^checkpoint 2 does not build on the committed checkpoint: archive entry 'state\/a': 'state\/a' is not a file of the committed checkpoint: send it whole$/);
  t.same(fs.readdirSync(path.join(spool, 'state')), ['b'], 'SPOOL keeps what it had');
  t.equal(fs.readFileSync(path.join(spool, 'state', 'b'), 'utf8'), 'B'.repeat(1000));
  t.notOk(fs.existsSync(`${spool}.tmp`), 'nothing left in .tmp');
});
