import t from 'tap';
import { MAX_MESSAGE_BYTES, MAX_REPORTS_PER_BATCH, ProtocolError, decodeScheddMessage, decodeStartdMessage } from './protocol.js';

const hello = {
  type: 'hello',
  startdName: 'startd@exec1.example',
  machine: 'exec1.example',
  opSys: 'LINUX',
  arch: 'X86_64',
  slots: [{ name: 'slot1', cpus: 2, memoryMb: 2048, diskKb: 100000 }],
  runs: [{ jobId: '12.0', runId: '0000000000000000000003', slotName: 'slot1' }],
};
const exited = {
  type: 'exited',
  jobId: '12.0',
  runId: '0000000000000000000003',
  seq: 4,
  exit: { bySignal: false, exitCode: 0 },
  usage: { userSeconds: 1.5, systemSeconds: 0.25 },
  bytesSent: 10,
  bytesReceived: 0,
  outputSent: true,
};

function decodeError(decode: (raw: string) => unknown, raw: string): ProtocolError {
  try {
    decode(raw);
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error(`accepted: ${raw.slice(0, 80)}`);
}

t.test('decodeStartdMessage accepts every message type', async (t) => {
  const valid: unknown[] = [
    hello,
    { ...hello, key: 'A'.repeat(43), killable: true },
    {
      ...hello,
      resources: [{ tag: 'GPUs', quantity: 2, ids: ['GPU-0', 'GPU-1'], offline: ['GPU-2'] }],
      slots: [{ name: 'slot1', cpus: 1, memoryMb: 1, diskKb: 1, resources: [{ tag: 'GPUs', quantity: 2, ids: ['GPU-0', 'GPU-1'] }] }],
    },
    { type: 'executing', jobId: '12.0', seq: 1, runId: '0000000000000000000003' },
    { type: 'checkpoint-restarted', jobId: '12.0', seq: 2, runId: '0000000000000000000003', checkpoint: 0, exitedAt: 1_800_000_000_000, restartedAt: 1_800_000_000_020 },
    exited,
    { ...exited, exit: { bySignal: true, signal: 9 } },
    { type: 'run-failed', jobId: '1.2', seq: 1, runId: '0000000000000000000001', stage: 'input', reason: 'no such file' },
    { type: 'run-failed', jobId: '1.2', seq: 1, runId: '0000000000000000000001', stage: 'output', reason: '' },
    { type: 'run-failed', jobId: '1.2', seq: 1, runId: '0000000000000000000001', stage: 'checkpoint', reason: 'Starter failed to upload checkpoint', subCode: -1 },
    { type: 'run-ended', jobId: '1.2', seq: 1, runId: '0000000000000000000001', usage: { userSeconds: 0, systemSeconds: 0 } },
  ];
  for (const message of valid) t.same(decodeStartdMessage(JSON.stringify(message)), message, (message as { type: string }).type);
});

t.test('decodeScheddMessage accepts every message type', async (t) => {
  const valid: unknown[] = [
    { type: 'welcome', scheddName: 'schedd@submit', key: 'abc_-'.repeat(8) + 'xyz' },
    { type: 'fault-kill' },
    { type: 'start', jobId: '12.0', runId: '0000000000000000000003', slotName: 'slot1', clusterAd: { Cmd: '"/bin/true"', ClusterId: '12' }, jobAd: { ProcId: '0' }, fetchInput: true },
    { type: 'start', jobId: '12.1', runId: '0000000000000000000004', slotName: 'slot1', jobAd: { ProcId: '1', Cmd: null }, fetchInput: false },
    { type: 'start', jobId: '12.2', runId: '0000000000000000000005', slotName: 'slot1', jobAd: { ProcId: '2' }, fetchInput: false, after: '0000000000000000000004' },
    { type: 'kill', jobId: '12.0', runId: '0000000000000000000003', signal: 15, graceSeconds: 10 },
    { type: 'unqueue', jobId: '12.2', runId: '0000000000000000000005' },
  ];
  for (const message of valid) t.same(decodeScheddMessage(JSON.stringify(message)), message, (message as { type: string }).type);
});

t.test('input that is not JSON', async (t) => {
  const err = decodeError(decodeStartdMessage, '{"type": "executing",');
  t.equal(err.name, 'ProtocolError');
  t.match(err.message, /^startd message is not JSON: /);
  t.match(decodeError(decodeScheddMessage, 'nope').message, /^schedd message is not JSON: /);
});

t.test('unknown message types are rejected, naming the type', async (t) => {
  t.match(decodeError(decodeStartdMessage, '{"type":"bogus"}').message, /^invalid startd message \(type 'bogus'\): /);
  t.match(decodeError(decodeStartdMessage, JSON.stringify({ ...hello, type: 'welcome' })).message, /^invalid startd message \(type 'welcome'\): /);
  t.match(decodeError(decodeScheddMessage, '{"type":"hello"}').message, /^invalid schedd message \(type 'hello'\): /);
  t.match(decodeError(decodeStartdMessage, '[]').message, /^invalid startd message \(type '\?'\): /);
  t.match(decodeError(decodeStartdMessage, 'null').message, /^invalid startd message \(type '\?'\): /);
  t.match(decodeError(decodeStartdMessage, '"executing"').message, /^invalid startd message \(type '\?'\): /);
});

// Each bad message with the field its error should name.
const badStartd: Array<[string, unknown, string]> = [
  ['an extra field', { type: 'executing', jobId: '1.0', seq: 1, runId: '0000000000000000000001', extra: 1 }, 'extra'],
  ['an extra field in hello', { ...hello, secret: 'x' }, 'secret'],
  ['a job id without proc', { type: 'executing', jobId: '12', seq: 1, runId: '0000000000000000000001' }, '/jobId'],
  ['a job id with three parts', { type: 'executing', jobId: '1.2.3', seq: 1, runId: '0000000000000000000001' }, '/jobId'],
  ['a job id that is a number', { type: 'executing', jobId: 12.0, seq: 1, runId: '0000000000000000000001' }, '/jobId'],
  ['a job id with a sign', { type: 'executing', jobId: '-1.0', seq: 1, runId: '0000000000000000000001' }, '/jobId'],
  ['run id too short', { type: 'executing', jobId: '1.0', seq: 1, runId: 'abc' }, '/runId'],
  ['a missing run id', { type: 'executing', jobId: '1.0' }, '/runId'],
  ['exit code above 255', { ...exited, exit: { bySignal: false, exitCode: 256 } }, '/exit'],
  ['negative usage', { ...exited, usage: { userSeconds: -1, systemSeconds: 0 } }, '/usage/userSeconds'],
  ['an unknown stage', { type: 'run-failed', jobId: '1.0', seq: 1, runId: '0000000000000000000001', stage: 'transfer', reason: '' }, '/stage'],
  ['a slot name with a space', { ...hello, slots: [{ name: 'slot 1', cpus: 1, memoryMb: 1, diskKb: 1 }] }, '/slots/0/name'],
  ['no slots', { ...hello, slots: [] }, '/slots'],
  ['a resource tag that is no attribute name', { ...hello, resources: [{ tag: '2GPUs', quantity: 1 }] }, '/resources/0/tag'],
  ['a resource id with a comma', { ...hello, slots: [{ name: 'slot1', cpus: 1, memoryMb: 1, diskKb: 1, resources: [{ tag: 'GPUs', quantity: 1, ids: ['a,b'] }] }] }, '/slots/0/resources/0/ids/0'],
];

t.test('malformed startd messages are rejected with a ProtocolError', async (t) => {
  for (const [what, message] of badStartd) {
    const type = (message as { type: string }).type;
    const err = decodeError(decodeStartdMessage, JSON.stringify(message));
    t.match(err.message, new RegExp(`^invalid startd message \\(type '${type}'\\): `), what);
  }
});

t.test('the ProtocolError names the offending field', async (t) => {
  for (const [what, message, field] of badStartd) {
    const err = decodeError(decodeStartdMessage, JSON.stringify(message));
    t.ok(err.message.includes(field), `${what}: ${err.message}`);
  }
});

t.test('malformed schedd messages are rejected', async (t) => {
  const bad: unknown[] = [
    { type: 'kill', jobId: '1.0', runId: '0000000000000000000001', signal: 65, graceSeconds: 1 },
    { type: 'kill', jobId: '1.0', runId: '0000000000000000000001', signal: 15, graceSeconds: -1 },
    { type: 'start', jobId: '1.0', runId: '0000000000000000000001', slotName: 'slot1', jobAd: { Cmd: 5 } },
    { type: 'start', jobId: '1.0', runId: '0000000000000000000001', slotName: 'slot1', clusterAd: { Cmd: null }, jobAd: {}, fetchInput: false },
    { type: 'start', jobId: '1.0', runId: '0000000000000000000002', slotName: 'slot1', jobAd: {}, fetchInput: false, after: 'not a run id' },
    { type: 'unqueue', jobId: '1.0' },
    { type: 'welcome', scheddName: 'x', extra: true },
  ];
  for (const message of bad) {
    const type = (message as { type: string }).type;
    t.match(decodeError(decodeScheddMessage, JSON.stringify(message)).message, new RegExp(`^invalid schedd message \\(type '${type}'\\): `));
  }
});

t.test('oversize input is rejected before parsing', async (t) => {
  t.equal(MAX_MESSAGE_BYTES, 4194304);
  const raw = ' '.repeat(MAX_MESSAGE_BYTES + 1);
  t.equal(decodeError(decodeStartdMessage, raw).message, 'startd message of 4194305 bytes exceeds 4194304');
  t.equal(decodeError(decodeScheddMessage, raw).message, 'schedd message of 4194305 bytes exceeds 4194304');
  const start = (filler: string) => JSON.stringify({ type: 'start', jobId: '1.0', runId: '0000000000000000000001', slotName: 'slot1', jobAd: { Env: filler }, fetchInput: false });
  const atLimit = start('x'.repeat(MAX_MESSAGE_BYTES - start('').length));
  t.equal(atLimit.length, MAX_MESSAGE_BYTES);
  t.equal(decodeScheddMessage(atLimit).type, 'start', 'a message of exactly the limit is accepted');
});

t.test('the size limit counts UTF-8 bytes, not UTF-16 code units', async (t) => {
  // 1.5 M three-byte characters: 4.5 MB on the wire, but only 1.5 M string units.
  const raw = JSON.stringify({ type: 'welcome', scheddName: '€'.repeat(1_500_000) });
  let message = 'accepted';
  try {
    decodeScheddMessage(raw);
  } catch (err) {
    message = (err as Error).message;
  }
  t.equal(message, `schedd message of ${Buffer.byteLength(raw)} bytes exceeds 4194304`);
});

t.test('a hello names no pid, and a startd key is 43 base64url characters', async (t) => {
  t.match(decodeError(decodeStartdMessage, JSON.stringify({ ...hello, pid: 4242 })).message, /^invalid startd message \(type 'hello'\): /);
  for (const key of ['', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}+`, `${'A'.repeat(42)}=`]) {
    t.match(decodeError(decodeStartdMessage, JSON.stringify({ ...hello, key })).message, /^invalid startd message \(type 'hello'\): \/key /, `key ${JSON.stringify(key)}`);
  }
});

t.test('a batch of run reports decodes in order; a bad member is named by its place', async (t) => {
  const executing = { type: 'executing', jobId: '3.0', runId: '0000000000000000000007', seq: 11 };
  const exited = {
    type: 'exited', jobId: '3.0', runId: '0000000000000000000007', seq: 12, exit: { bySignal: false, exitCode: 0 },
    usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0, outputSent: false,
  };
  t.same(decodeStartdMessage(JSON.stringify({ type: 'reports', reports: [executing, exited] })), { type: 'reports', reports: [executing, exited] });
  t.match(decodeError(decodeStartdMessage, JSON.stringify({ type: 'reports', reports: [executing, { ...exited, runId: 'abc' }] })).message, /type 'reports'.*\/reports\/1/);
  t.match(decodeError(decodeStartdMessage, JSON.stringify({ type: 'reports', reports: [] })).message, /type 'reports'/);
  t.match(decodeError(decodeStartdMessage, JSON.stringify({ type: 'reports', reports: [{ type: 'hello' }] })).message, /type 'reports'/);
  const tooMany = Array.from({ length: MAX_REPORTS_PER_BATCH + 1 }, (_, i) => ({ ...executing, seq: i + 1 }));
  t.match(decodeError(decodeStartdMessage, JSON.stringify({ type: 'reports', reports: tooMany })).message, /type 'reports'/);
});
