import t from 'tap';
import { parseEventLog } from '@tinycondor/shared/eventlog/index';
import { jobTimeline } from './timeline.js';

function event(code: number, time: string, body: string, id = '001.000.000'): string {
  return `${String(code).padStart(3, '0')} (${id}) ${time} ${body}\n...\n`;
}

const at = (hms: string) => Math.floor(Date.parse(`2026-12-01T${hms}`) / 1000);

t.test('runs, checkpoints, evictions, holds from one job\'s events', async (t) => {
  const log = [
    event(0, '2026-12-01 10:00:00', 'Job submitted from host: <127.0.0.1:1?addrs=127.0.0.1-1>'),
    event(1, '2026-12-01 10:00:01', 'Job executing on host: <127.0.0.1:2>'),
    event(40, '2026-12-01 10:00:05', 'Started transferring output files'),
    event(40, '2026-12-01 10:00:05', 'Finished transferring output files'),
    event(40, '2026-12-01 10:00:09', 'Started transferring output files'),
    event(40, '2026-12-01 10:00:09', 'Finished transferring output files'),
    event(4, '2026-12-01 10:00:10', 'Job was evicted.\n\t(0) Job was not checkpointed.'),
    event(1, '2026-12-01 10:00:12', 'Job executing on host: <127.0.0.1:2>'),
    event(12, '2026-12-01 10:00:20', 'Job was held.\n\tvia condor_hold\n\tCode 1 Subcode 0'),
    event(13, '2026-12-01 10:00:30', 'Job was released.\n\tvia condor_release'),
    event(1, '2026-12-01 10:00:31', 'Job executing on host: <127.0.0.1:2>'),
    event(40, '2026-12-01 10:00:40', 'Started transferring output files'),
    event(40, '2026-12-01 10:00:40', 'Finished transferring output files'),
    event(5, '2026-12-01 10:00:40', 'Job terminated.\n\t(1) Normal termination (return value 0)'),
  ].join('');
  const { events } = parseEventLog(log);
  t.equal(events.length, 14);
  const timeline = jobTimeline(events, { outputAtEviction: true });
  t.same(timeline.runs, [
    { start: at('10:00:01'), end: at('10:00:10'), outcome: 'evicted' },
    { start: at('10:00:12'), end: at('10:00:20'), outcome: 'held' },
    { start: at('10:00:31'), end: at('10:00:40'), outcome: 'terminated' },
  ]);
  t.same(
    timeline.marks.map((m) => m.kind),
    ['submitted', 'checkpoint', 'evicted', 'held', 'released', 'terminated'],
    'with ON_EXIT_OR_EVICT, the transfers at eviction and exit are no checkpoints',
  );
  t.same(
    jobTimeline(events, { outputAtEviction: false }).marks.map((m) => m.kind),
    ['submitted', 'checkpoint', 'checkpoint', 'evicted', 'held', 'released', 'terminated'],
    'otherwise a transfer right before an eviction is a checkpoint (vacated just after it)',
  );
});

t.test('a run still going, and a checkpoint as the last event', async (t) => {
  const { events } = parseEventLog(
    event(1, '2026-12-01 10:00:01', 'Job executing on host: <127.0.0.1:2>') +
      event(40, '2026-12-01 10:00:05', 'Started transferring output files') +
      event(40, '2026-12-01 10:00:05', 'Finished transferring output files'),
  );
  const timeline = jobTimeline(events, { outputAtEviction: false });
  t.same(timeline.runs, [{ start: at('10:00:01'), end: null, outcome: 'running' }]);
  t.same(timeline.marks, [{ kind: 'checkpoint', time: at('10:00:05') }]);
  t.same(jobTimeline([], { outputAtEviction: false }), { runs: [], marks: [] });
});
