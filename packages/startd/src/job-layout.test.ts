import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { jobLayout } from './job-layout.js';

const SANDBOX = '/execute/dir_1';

function ad(attributes: Record<string, string>): ClassAd {
  return ClassAd.fromJSON({ Cmd: '"/bin/true"', Iwd: '"/home/u/run"', ...attributes });
}

t.test('with file transfer, named streams go to _condor_stdout and _condor_stderr in the sandbox', async (t) => {
  const layout = jobLayout(ad({ Out: '"job.out"', Err: '"job.err"' }), SANDBOX);
  t.equal(layout.stdout, '/execute/dir_1/_condor_stdout');
  t.equal(layout.stderr, '/execute/dir_1/_condor_stderr');
  t.equal(layout.cwd, SANDBOX);
});

t.test('a stream sent to /dev/null, empty or unset leaves no file in the sandbox', async (t) => {
  for (const [label, attributes] of [
    ['/dev/null', { Out: '"/dev/null"', Err: '"/dev/null"' }],
    ['empty', { Out: '""', Err: '""' }],
    ['unset', {}],
  ] as const) {
    const layout = jobLayout(ad(attributes), SANDBOX);
    t.equal(layout.stdout, '/dev/null', `${label}: stdout`);
    t.equal(layout.stderr, '/dev/null', `${label}: stderr`);
  }
  const onlyErr = jobLayout(ad({ Out: '"/dev/null"', Err: '"job.err"' }), SANDBOX);
  t.same([onlyErr.stdout, onlyErr.stderr], ['/dev/null', '/execute/dir_1/_condor_stderr'], 'only error kept');
});

t.test('an error that names the output file shares _condor_stdout', async (t) => {
  const layout = jobLayout(ad({ Out: '"job.log"', Err: '"job.log"' }), SANDBOX);
  t.equal(layout.stdout, '/execute/dir_1/_condor_stdout');
  t.equal(layout.stderr, '/execute/dir_1/_condor_stdout');
});

t.test('without file transfer the streams are the submit files themselves, in Iwd', async (t) => {
  const layout = jobLayout(ad({ ShouldTransferFiles: '"NO"', Out: '"job.out"', Err: '"/dev/null"' }), SANDBOX);
  t.equal(layout.cwd, '/home/u/run');
  t.equal(layout.stdout, '/home/u/run/job.out');
  t.equal(layout.stderr, '/dev/null');
});

t.test('remote_initialdir: the process runs in RemoteIwd (a relative one under the sandbox); its files stay put', async (t) => {
  const transferred = jobLayout(ad({ RemoteIwd: '"/tmp"', In: '"job.in"', Out: '"job.out"' }), SANDBOX);
  t.same(
    { cwd: transferred.cwd, stdin: transferred.stdin, stdout: transferred.stdout, executable: transferred.executable },
    { cwd: '/tmp', stdin: '/execute/dir_1/job.in', stdout: '/execute/dir_1/_condor_stdout', executable: '/execute/dir_1/true' },
  );
  t.equal(jobLayout(ad({ RemoteIwd: '"work"' }), SANDBOX).cwd, '/execute/dir_1/work');
  const shared = jobLayout(ad({ ShouldTransferFiles: '"NO"', RemoteIwd: '"/scratch/u"', Out: '"job.out"' }), SANDBOX);
  t.same({ cwd: shared.cwd, stdout: shared.stdout }, { cwd: '/scratch/u', stdout: '/home/u/run/job.out' });
});
