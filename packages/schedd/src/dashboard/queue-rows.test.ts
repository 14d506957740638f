import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { changedAttributes, queueRow } from './queue-rows.js';

t.test('a queue row from a job ad', async (t) => {
  const running = ClassAd.fromJSON({
    Owner: '"alice"', Cmd: '"/bin/sim"', Arguments: '"-n 3"', JobStatus: '2', EnteredCurrentStatus: '1700000100',
    JobCurrentStartDate: '1700000100', RemoteWallClockTime: '30.5', NumJobStarts: '2', NumCkpts: '4',
    JobLastCheckpointTime: '1700000200', RemoteHost: '"slot1@startd1"', HoldReason: '"old"',
  });
  t.same(queueRow('3.1', running, 2048), {
    jobId: '3.1', owner: 'alice', cmd: '/bin/sim', args: '-n 3', status: 2, enteredStatus: 1700000100, runStart: 1700000100,
    priorRunSeconds: 30.5, starts: 2, checkpoints: 4, lastCheckpointTime: 1700000200, lastCheckpointBytes: 2048,
    holdReason: '', remoteHost: 'slot1@startd1',
  });
  const held = ClassAd.fromJSON({ Owner: '"bob"', Cmd: '"x"', Args: '"a b"', JobStatus: '5', JobCurrentStartDate: '5', HoldReason: '"via condor_hold"' });
  t.match(queueRow('4.0', held, null), { args: 'a b', status: 5, runStart: 0, holdReason: 'via condor_hold', starts: 0, lastCheckpointBytes: null });
  t.match(queueRow('5.0', ClassAd.fromJSON({ JobStatus: '99', NumJobStarts: '-3' }), null), { status: 1, starts: 0, owner: '', cmd: '' }, 'nonsense is clamped');
});

t.test('changed attributes', async (t) => {
  t.same(changedAttributes({ A: '1', B: '"x"', C: '3' }, { A: '1', B: '"y"', D: 'true' }), { B: '"y"', D: 'true', C: null });
  t.same(changedAttributes({ A: '1' }, { A: '1' }), {});
});
