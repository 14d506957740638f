import t from 'tap';
import { ClassAd } from './classad/index.js';
import { parseDebugFlags, returnsStarterLog, starterLogExclusions, starterLogLine, starterLogSettings, universeName } from './starter-log.js';

const ad = (starterDebug: string | undefined, extra: Record<string, string> = {}) =>
  ClassAd.fromJSON({ ...(starterDebug === undefined ? {} : { JobStarterDebug: starterDebug }), ...extra });
const NO_HEADER = { timestamp: false, subSecond: false, pid: false, category: false };

t.test('JobStarterDebug as Starter::execJobPipeStarter reads it', async (t) => {
  t.equal(starterLogSettings(ad(undefined), true), undefined, 'no attribute: no starter log');
  t.same(starterLogSettings(ad('true'), true), { fullDebug: true, header: NO_HEADER }, 'true: the daemon log\'s own level');
  t.same(starterLogSettings(ad('true'), false), { fullDebug: false, header: NO_HEADER });
  t.equal(starterLogSettings(ad('false'), true), undefined);
  t.equal(starterLogSettings(ad('0'), true), undefined, 'a number is a boolean to LookupBool');
  t.same(starterLogSettings(ad('"True"'), false), { fullDebug: false, header: NO_HEADER }, 'a string that is a boolean (string_is_boolean_param)');
  t.equal(starterLogSettings(ad('"0"'), true), undefined);
  t.equal(starterLogSettings(ad('""'), true), undefined, 'an empty string asks for nothing');
  t.same(starterLogSettings(ad('"D_FULLDEBUG"'), false), { fullDebug: true, header: NO_HEADER }, 'flags: over D_ALWAYS D_ERROR D_STATUS');
  t.same(starterLogSettings(ad('"D_PID"'), true), { fullDebug: false, header: { ...NO_HEADER, pid: true } }, 'flags replace the daemon\'s level');
  t.same(starterLogSettings(ad('"default D_CAT"'), true), { fullDebug: true, header: { ...NO_HEADER, category: true } }, 'default: the daemon\'s own flags');
  t.same(starterLogSettings(ad('"default"'), false), { fullDebug: false, header: NO_HEADER });
  t.same(starterLogSettings(ad('"D_FULLDEBUG|D_PID"'), true), { invalid: 'Ignoring invalid JobStarterDebug value (off=11): D_FULLDEBUG|D_PID' }, '| is not among the characters let through');
});

t.test('_condor_parse_merge_debug_flags: verbosity and header flags', async (t) => {
  t.same(parseDebugFlags('D_ALWAYS:2'), { fullDebug: true, header: NO_HEADER }, 'D_ALWAYS:2 is D_FULLDEBUG');
  t.same(parseDebugFlags('D_ANY:2'), { fullDebug: true, header: NO_HEADER });
  t.same(parseDebugFlags('D_ALL'), { fullDebug: false, header: { ...NO_HEADER, pid: true, category: true } });
  t.same(parseDebugFlags('D_FULLDEBUG -D_FULLDEBUG'), { fullDebug: false, header: NO_HEADER }, '- takes a flag away');
  t.same(parseDebugFlags('D_FULLDEBUG,D_FULLDEBUG:0'), { fullDebug: false, header: NO_HEADER }, ':0 too');
  t.same(parseDebugFlags('d_fulldebug D_ALWAYS:1'), { fullDebug: true, header: NO_HEADER }, 'case aside; D_ALWAYS:1 leaves the verbose level');
  t.same(parseDebugFlags('D_SUB_SECOND D_TIMESTAMP D_LEVEL -D_ALL'), { fullDebug: false, header: { ...NO_HEADER, subSecond: true, timestamp: true } });
  t.same(parseDebugFlags('D_JOB:2 D_MACHINE D_NOSUCH'), { fullDebug: false, header: NO_HEADER }, 'categories the startd\'s lines do not carry change nothing');
});

t.test('a pino record as a daemon log line', async (t) => {
  const time = new Date(2026, 11, 7, 9, 5, 3, 42).getTime();
  const record = { level: 30, time, pid: 77, hostname: 'h', jobId: '1.0', runId: 'r', msg: 'Create_Process succeeded, pid=9' };
  t.equal(starterLogLine(record, parseDebugFlags('')), '12/07/26 09:05:03 Create_Process succeeded, pid=9\n');
  t.equal(starterLogLine(record, parseDebugFlags('D_PID D_CAT D_SUB_SECOND')), '12/07/26 09:05:03.042 (pid:77) (D_ALWAYS) Create_Process succeeded, pid=9\n');
  t.equal(starterLogLine(record, parseDebugFlags('D_TIMESTAMP')), `${Math.floor(time / 1000)} Create_Process succeeded, pid=9\n`);
  t.equal(starterLogLine({ ...record, level: 20, msg: 'detail' }, parseDebugFlags('')), undefined, 'debug lines are D_FULLDEBUG');
  t.equal(starterLogLine({ ...record, level: 20, msg: 'detail' }, parseDebugFlags('D_FULLDEBUG D_CAT')), '12/07/26 09:05:03 (D_ALWAYS:2) detail\n');
  t.equal(
    starterLogLine({ ...record, level: 50, msg: 'failed', err: { type: 'Error', message: 'boom', stack: '…' }, stream: 'stdout' }, parseDebugFlags('D_CAT')),
    '12/07/26 09:05:03 (D_ERROR) failed (err=boom, stream=stdout)\n',
    'errors are D_ERROR; the record\'s own fields follow the message',
  );
});

t.test('what the output and the checkpoints carry of the starter log', async (t) => {
  t.same(starterLogExclusions(ad(undefined)), [], 'a job without starter_debug: .starter.log is its own file');
  t.same(starterLogExclusions(ad('true')), ['.starter.log', '.starter.log.old']);
  t.same(starterLogExclusions(ad('true', { JobStarterLog: '"/home/u/s.log"' })), ['.starter.log.old']);
  t.equal(returnsStarterLog(ad('true', { JobStarterLog: '"/home/u/s.log"' })), true);
  t.equal(returnsStarterLog(ad('true')), false);
  t.equal(universeName(5), 'VANILLA');
  t.equal(universeName(99), 'UNKNOWN');
});
