import t from 'tap';
import { jobSpoolDir, jobSpoolSwapDir, jobSpoolTmpDir } from './spool-paths.js';

t.test('HTCondor SPOOL layout: <c%10000>/<p%10000>/cluster<C>.proc<P>.subproc0', async (t) => {
  t.equal(jobSpoolDir('/var/spool', 12, 0), '/var/spool/12/0/cluster12.proc0.subproc0');
  t.equal(jobSpoolDir('/var/spool', 12345, 10002), '/var/spool/2345/2/cluster12345.proc10002.subproc0');
  t.equal(jobSpoolDir('/var/spool', 20000, 9999), '/var/spool/0/9999/cluster20000.proc9999.subproc0');
  t.equal(jobSpoolDir('/var/spool/', 1, 0), '/var/spool/1/0/cluster1.proc0.subproc0');
});

t.test('staging and swap directories sit beside the job directory', async (t) => {
  t.equal(jobSpoolTmpDir('/s', 12345, 1), '/s/2345/1/cluster12345.proc1.subproc0.tmp');
  t.equal(jobSpoolSwapDir('/s', 12345, 1), '/s/2345/1/cluster12345.proc1.subproc0.swap');
});
