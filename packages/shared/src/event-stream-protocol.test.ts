import t from 'tap';
import { ProtocolError, decodeEventStreamMessage } from './protocol.js';

const row = {
  jobId: '3.0', owner: 'alice', cmd: '/bin/sim', args: '', status: 2, enteredStatus: 1, runStart: 1, priorRunSeconds: 0,
  starts: 1, checkpoints: 0, lastCheckpointTime: 0, lastCheckpointBytes: null, holdReason: '', remoteHost: 'slot1@s',
};

t.test('event stream messages decode by their schema', async (t) => {
  const job = { type: 'job', jobId: '3.0', change: 'updated', status: 2, changed: { JobStatus: '2', HoldReason: null }, row };
  t.same(decodeEventStreamMessage(JSON.stringify(job)), job);
  t.same(decodeEventStreamMessage('{"type":"hello","version":1,"jobs":0}'), { type: 'hello', version: 1, jobs: 0 });
  const slot = { type: 'slot', slot: { startd: 's', slot: 'slot1', cpus: 1, memoryMb: 1, diskKb: 1, jobId: null } };
  t.same(decodeEventStreamMessage(JSON.stringify(slot)), slot);
});

t.test('invalid messages name the field', async (t) => {
  t.throws(() => decodeEventStreamMessage('{"type":"job","jobId":"x","change":"updated","status":2,"changed":{},"row":{}}'), ProtocolError);
  t.throws(() => decodeEventStreamMessage(JSON.stringify({ type: 'job', jobId: '3.0', change: 'exploded', status: 2, changed: {}, row })), /type 'job'\): \/change/);
  t.throws(() => decodeEventStreamMessage('{"type":"nope"}'), /unknown message type/);
  t.throws(() => decodeEventStreamMessage('not json'), /not JSON/);
  t.throws(() => decodeEventStreamMessage(JSON.stringify({ type: 'submitted', clusterId: 0, procs: 1 })), /clusterId/);
});
