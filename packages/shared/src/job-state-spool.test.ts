import t from 'tap';
import { ClassAd } from './classad/index.js';
import { inputSpooled, isRefusal, jobExited, outputFetched } from './job-state.js';

const NOW = new Date('2024-05-01T10:00:00Z');

function spoolingJob(): ClassAd {
  return ClassAd.fromJSON({
    ClusterId: '3',
    ProcId: '1',
    JobStatus: '5',
    HoldReason: '"Spooling input data files"',
    HoldReasonCode: '16',
    HoldReasonSubCode: '0',
    Cmd: '"/home/u/job.sh"',
    TransferInput: '"a, b"',
    LeaveJobInQueue: 'JobStatus == 4',
  });
}

t.test('inputSpooled: held for spooling → idle, with the rewrites applied', async (t) => {
  const outcome = inputSpooled(spoolingJob(), { now: NOW, rewrites: { Cmd: 'job.sh', TransferInput: null } });
  if (isRefusal(outcome)) throw new Error(outcome.message);
  t.equal(outcome.ad.getInt('JobStatus'), 1);
  t.equal(outcome.ad.getInt('LastJobStatus'), 5);
  t.equal(outcome.ad.getString('Cmd'), 'job.sh');
  t.notOk(outcome.ad.has('TransferInput'));
  t.notOk(outcome.ad.has('HoldReasonCode'));
  t.equal(outcome.ad.getInt('StageInFinish'), NOW.getTime() / 1000);
  t.same(outcome.events, []);
  t.equal(outcome.leaveQueue, false);
});

t.test('inputSpooled refuses a job that is not waiting for its input', async (t) => {
  const idle = spoolingJob().set('JobStatus', 1);
  t.ok(isRefusal(inputSpooled(idle, { now: NOW, rewrites: {} })));
  const userHeld = spoolingJob().set('HoldReasonCode', 1);
  t.ok(isRefusal(inputSpooled(userHeld, { now: NOW, rewrites: {} })));
});

t.test('a completed spooled job stays in the queue until its output is fetched', async (t) => {
  const running = spoolingJob().set('JobStatus', 2).set('JobCurrentStartDate', NOW.getTime() / 1000 - 5);
  const exited = jobExited(running, { now: NOW, exit: { bySignal: false, exitCode: 0 }, usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0 });
  t.equal(exited.ad.getInt('JobStatus'), 4);
  t.equal(exited.leaveQueue, false, 'LeaveJobInQueue holds it');
  const fetched = outputFetched(exited.ad, { now: NOW });
  if (isRefusal(fetched)) throw new Error(fetched.message);
  t.equal(fetched.leaveQueue, true);
  t.equal(fetched.ad.getBool('LeaveJobInQueue'), false);
  t.ok(isRefusal(outputFetched(running, { now: NOW })), 'not before it completed');
});
