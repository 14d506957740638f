import t from 'tap';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { exitConditionMet, JobStateTracker, statusAfter, structuredNotesBatchName, type TrackerOptions } from './tracker.js';

const T0 = new Date('2026-01-02T03:04:05Z');
function ev(code: number, cluster: number, proc: number, body = '', time = T0): ParsedEvent {
  const text = `${String(code).padStart(3, '0')} (${cluster}.${proc}.000) 2026-01-02 03:04:05 ${body}\n...\n`;
  return { code, cluster, proc, subproc: 0, time, lines: body.split('\n'), text };
}
const options = (over: Partial<TrackerOptions> = {}): TrackerOptions => ({
  batchNames: new Map(), filterIds: undefined, since: undefined, numProcs: new Map(), decayStartAtRead: false, ...over,
});

t.test('JOB_EVENT_STATUS_TRANSITIONS, and file transfer read from its text', async (t) => {
  const cases: [number, string | undefined][] = [[0, 'IDLE'], [1, 'RUN'], [4, 'IDLE'], [5, 'DONE'], [6, undefined], [7, 'IDLE'], [9, 'REMOVED'], [10, 'SUSPENDED'], [11, 'IDLE'], [12, 'HELD'], [13, 'IDLE'], [24, 'IDLE'], [28, undefined], [46, undefined]];
  for (const [code, status] of cases) t.equal(statusAfter(ev(code, 1, 0)), status, `event ${code}`);
  t.equal(statusAfter(ev(40, 1, 0, 'Started transferring input files')), 'INPUT');
  t.equal(statusAfter(ev(40, 1, 0, 'Started transferring output files')), 'OUTPUT');
  t.equal(statusAfter(ev(40, 1, 0, 'Finished transferring input files')), undefined);
  t.equal(statusAfter({ ...ev(40, 1, 0), attributes: { Type: 5 } }), 'OUTPUT', 'an XML record by its Type');
});

t.test('batch name from a submit event\'s structured notes', async (t) => {
  t.equal(structuredNotesBatchName(ev(0, 1, 0, 'Job submitted from host: <127.0.0.1:9618>\n    [JobBatchName = "nightly"; DAGNodeName = "A"]')), 'nightly');
  t.equal(structuredNotesBatchName(ev(0, 1, 0, 'Job submitted from host: <127.0.0.1:9618>\n    DAG Node: A')), undefined);
  t.equal(structuredNotesBatchName(ev(0, 1, 0, 'Job submitted from host: x\n    [not a classad')), undefined);
  const tracker = new JobStateTracker(options());
  tracker.observe('/l', ev(0, 7, 0, 'Job submitted from host: x\n    [JobBatchName = "nightly"]'), 0);
  t.equal(tracker.clusters[0].batchName, 'nightly');
  const plain = new JobStateTracker(options({ batchNames: new Map([[8, undefined]]) }));
  plain.observe('/l', ev(0, 8, 0, 'Job submitted from host: x'), 0);
  t.equal(plain.clusters[0].batchName, 'ID: 8', 'no batch name: "ID: <cluster>"');
});

t.test('the latest state of each job; -clusters and -larger-than filter; done and decay', async (t) => {
  const tracker = new JobStateTracker(options({ filterIds: [3, 4], numProcs: new Map([[3, 3]]) }));
  for (const e of [ev(0, 3, 0), ev(0, 3, 1), ev(1, 3, 0), ev(0, 5, 0), ev(0, 4, 0), ev(5, 3, 0, '', new Date(T0.getTime() + 1000))]) tracker.observe('/log', e, 100);
  t.same(tracker.clusters.map((c) => c.clusterId), [3, 4], 'cluster 5 filtered out, order first seen');
  t.same([...tracker.clusters[0].jobs], [[0, 'DONE'], [1, 'IDLE']]);
  t.equal(tracker.clusters[0].numJobs, 3, 'TotalSubmitProcs from the schedd');
  t.equal(tracker.clusters[1].numJobs, 1, 'else the jobs seen');
  t.same(tracker.jobStates, ['DONE', 'IDLE', 'IDLE']);
  t.equal(tracker.clusters[0].done(), false);
  tracker.observe('/log', ev(9, 3, 1, '', new Date(T0.getTime() + 2000)), 100);
  t.equal(tracker.clusters[0].done(), true);
  t.equal(tracker.clusters[0].decayStart, T0.getTime() / 1000 + 2, 'decay starts at the event\'s time');
  t.equal(tracker.clusters[0].display(60, T0.getTime() / 1000 + 62), false);
  t.equal(tracker.clusters[0].display(60, T0.getTime() / 1000 + 61), true);
  const atRead = new JobStateTracker(options({ since: 10, decayStartAtRead: true }));
  atRead.observe('/log', ev(0, 9, 0), 5);
  atRead.observe('/log', ev(5, 10, 0), 5);
  t.same(atRead.clusters.map((c) => c.clusterId), [10]);
  t.equal(atRead.clusters[0].decayStart, 5, '-decay-start-at-read');
});

t.test('exit conditions: all, any, none over the job states (all holds for none)', async (t) => {
  t.equal(exitConditionMet({ grouper: 'all', status: 'done', exitStatus: 0 }, ['DONE', 'DONE']), true);
  t.equal(exitConditionMet({ grouper: 'all', status: 'done', exitStatus: 0 }, ['DONE', 'RUN']), false);
  t.equal(exitConditionMet({ grouper: 'all', status: 'done', exitStatus: 0 }, []), true);
  t.equal(exitConditionMet({ grouper: 'any', status: 'held', exitStatus: 1 }, ['RUN', 'HELD']), true);
  t.equal(exitConditionMet({ grouper: 'none', status: 'active', exitStatus: 0 }, ['DONE', 'REMOVED']), true);
  t.equal(exitConditionMet({ grouper: 'none', status: 'active', exitStatus: 0 }, ['DONE', 'SUSPENDED']), false);
  t.equal(exitConditionMet({ grouper: 'all', status: 'idle', exitStatus: 0 }, ['IDLE']), true);
});
