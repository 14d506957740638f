import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { discoverEventLogs, filterIds, terminalSize, trackingConstraint } from './discover.js';

const ad = (attrs: Record<string, string>) => ClassAd.fromJSON(attrs);

t.test('the schedd query of find_job_event_logs', async (t) => {
  t.equal(trackingConstraint({ users: ['alice'], clusters: ['3'], batches: ['b "x"'] }), 'Owner == "alice" || ClusterId == 3 || JobBatchName == "b \\"x\\""');
  t.equal(trackingConstraint({ users: [], clusters: [], batches: [] }), '');
});

t.test('event logs from -files and the jobs\' UserLog (relative to Iwd); batch names, proc counts, warnings', async (t) => {
  const ads = [
    ad({ ClusterId: '3', ProcId: '0', UserLog: '"/s/a.log"', TotalSubmitProcs: '2', JobBatchName: '"nightly"' }),
    ad({ ClusterId: '3', ProcId: '1', UserLog: '"/s/a.log"', TotalSubmitProcs: '2', JobBatchName: '"nightly"' }),
    ad({ ClusterId: '4', ProcId: '0', UserLog: '"b.log"', Iwd: '"/w"', TotalSubmitProcs: '1' }),
    ad({ ClusterId: '5', ProcId: '0', TotalSubmitProcs: '2' }),
    ad({ ClusterId: '5', ProcId: '1', TotalSubmitProcs: '2' }),
  ];
  const found = discoverEventLogs(ads, ['x.log'], true, '/cwd');
  t.same(found.eventLogs, ['/cwd/x.log', '/s/a.log', '/w/b.log']);
  t.same([...found.batchNames], [[3, 'nightly'], [4, undefined], [5, undefined]]);
  t.same([...found.numProcs], [[3, 2], [4, 1], [5, 2]]);
  t.same(found.batchFilterIds, [3, 3, 4, 5, 5]);
  t.same(found.warnings, ['Cluster 5 does not have a job event log file (set log=<path> in the submit description)']);
  t.same(filterIds(undefined, []), undefined);
  t.same(filterIds(undefined, [3]), [3]);
  t.same(filterIds([7], [3]), [7, 3]);
});

t.test('terminal size as shutil.get_terminal_size', async (t) => {
  t.same(terminalSize({}, undefined), { columns: 80, lines: 24 });
  t.same(terminalSize({ COLUMNS: '132' }, { columns: 100, rows: 50 }), { columns: 132, lines: 50 });
});
