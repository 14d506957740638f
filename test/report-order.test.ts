// Issue 19 item 2: a run's state reaches the schedd in one order. A transfer names the last report its
// startd made before it (x-tinycondor-after-report) and is handled only after that report, though the
// reports come on the websocket and the transfer over HTTP.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { fakeStartd, startDaemons } from './helpers/daemons.js';
import { eventually, waitForEvents, writeExecutable } from './helpers/pool.js';
import { putAsStartd, transferArchive } from './helpers/archives.js';

// The schedd says at debug level that a transfer waits: the tests send the report only once it does.
process.env.TINYCONDOR_LOG_LEVEL = 'debug';

/** A job started on a fake startd, and its output transfer as that startd would send it after report `afterReport`. */
async function startedJob(t: Test) {
  const d = await startDaemons(t);
  const fake = await fakeStartd(t, d.url(), d.token());
  writeExecutable(path.join(d.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(d.dir, 'job.sub'), 'executable = job.sh\nshould_transfer_files = YES\nlog = job.log\nqueue\n');
  t.equal((await d.run('condor_submit', ['job.sub'])).code, 0);
  const { jobId, runId } = (await fake.next('start')) as { jobId: string; runId: string };
  const archive = await transferArchive({ 'result.txt': 'done\n' });
  const sendOutput = async (afterReport: number) => {
    const reply = putAsStartd(d.url(), d.token(), fake.key, `/v1/jobs/${jobId}/runs/${runId}/output`, archive, afterReport);
    await eventually('the transfer to wait for its report', () =>
      /request waits for the report its startd made before it/.test(fs.readFileSync(path.join(d.home, 'log', 'SchedLog'), 'utf8')) || undefined,
    );
    return { reply };
  };
  return { d, fake, jobId, runId, sendOutput, log: path.join(d.dir, 'job.log') };
}

t.test('an output transfer sent before the report of the run start it follows waits for that report', async (t) => {
  const { d, fake, jobId, runId, sendOutput, log } = await startedJob(t);
  const { reply } = await sendOutput(1);
  fake.send({ type: 'executing', jobId, runId, seq: 1 });
  t.equal((await reply).status, 200);
  const events = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 40).length === 2);
  t.same(
    events.map((e) => e.code),
    [0, 1, 40, 40],
    'the run starts (001) from its own report, before its output transfer (040)',
  );
  t.equal(fs.readFileSync(path.join(d.dir, 'result.txt'), 'utf8'), 'done\n');
});

t.test('an output transfer made after the run ended, whatever reaches the schedd first, finds the run over', async (t) => {
  const { fake, jobId, runId, sendOutput, log } = await startedJob(t);
  const { reply: transfer } = await sendOutput(2);
  fake.send({ type: 'executing', jobId, runId, seq: 1 });
  fake.send({ type: 'exited', jobId, runId, seq: 2, exit: { bySignal: false, exitCode: 0 }, usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0, outputSent: true });
  const reply = await transfer;
  t.equal(reply.status, 409, 'the transfer is handled after the end of its run');
  t.match(await reply.text(), /is not current/);
  const events = await waitForEvents(log, (ev) => ev.some((e) => e.code === 5));
  t.notOk(
    events.some((e) => e.code === 40 && 'transferType' in e && e.transferType === 5),
    'no output transfer is logged for a run that had ended',
  );
});
