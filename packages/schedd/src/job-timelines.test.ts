import t from 'tap';
import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import { JobTimelines } from './job-timelines.js';

const time = new Date(1_800_000_000_123);

t.test('events become timeline entries with their code and millisecond time; others are left out', async (t) => {
  const timelines = new JobTimelines();
  const events: JobEvent[] = [
    { code: 1, cluster: 1, proc: 0, time, executeHost: '<h>' } as JobEvent,
    { code: 40, cluster: 1, proc: 0, time, transferType: 5 },
    { code: 40, cluster: 1, proc: 0, time, transferType: 6 },
    { code: 28, cluster: 1, proc: 0, time, attributes: [] } as unknown as JobEvent,
  ];
  timelines.recordEvents('1.0', '0000000000000000000003', events);
  timelines.recordEvents('1.0', '0000000000000000000003', [{ code: 40, cluster: 1, proc: 0, time, transferType: 6 }], { kind: 'checkpoint-committed', checkpoint: 0, bytes: 9 });
  t.same(timelines.entries('1.0'), [
    { time: 1_800_000_000_123, kind: 'executing', code: 1, runId: '0000000000000000000003' },
    { time: 1_800_000_000_123, kind: 'output-started', code: 40, runId: '0000000000000000000003' },
    { time: 1_800_000_000_123, kind: 'output-finished', code: 40, runId: '0000000000000000000003' },
    { time: 1_800_000_000_123, kind: 'checkpoint-committed', code: 40, runId: '0000000000000000000003', checkpoint: 0, bytes: 9 },
  ]);
  t.equal(timelines.entries('2.0'), undefined);
});

t.test('bounded: the oldest job goes first, and a job keeps at most 10,000 entries', async (t) => {
  const timelines = new JobTimelines();
  for (let i = 0; i < 10_001; i++) timelines.record(`${i + 1}.0`, { time: i, kind: 'fault' });
  t.equal(timelines.entries('1.0'), undefined, 'the first job was dropped');
  t.same(timelines.entries('10001.0'), [{ time: 10_000, kind: 'fault' }]);
  for (let i = 0; i < 10_005; i++) timelines.record('2.0', { time: i, kind: 'fault' });
  t.equal(timelines.entries('2.0')?.length, 10_000);
});
