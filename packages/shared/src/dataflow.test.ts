import t from 'tap';
import { ClassAd } from './classad/index.js';
import { isDataflowJob } from './dataflow.js';

function job(attrs: Record<string, string>): ClassAd {
  return ClassAd.fromJSON({ Iwd: '"/sub"', Cmd: '"/sub/exe.sh"', In: '"/dev/null"', TransferInput: '"in1,in2"', TransferOutput: '"out1,out2"', ...attrs });
}

/** mtimes (seconds, as ns) by absolute path; a path not listed does not exist. */
function files(mtimes: Record<string, number>): (path: string) => bigint | undefined {
  return (path) => (path in mtimes ? BigInt(mtimes[path]) * 1_000_000_000n : undefined);
}

const MADE = { '/sub/exe.sh': 10, '/sub/in1': 11, '/sub/in2': 12 };

t.test('skipped when the oldest output is newer than the newest input and the executable', async (t) => {
  t.equal(isDataflowJob(job({}), files({ ...MADE, '/sub/out1': 13, '/sub/out2': 14 })), true);
  t.equal(isDataflowJob(job({}), files({ ...MADE, '/sub/out1': 12, '/sub/out2': 14 })), false, 'an output as old as an input: not strictly newer');
  t.equal(isDataflowJob(job({}), files({ ...MADE, '/sub/exe.sh': 20, '/sub/out1': 13, '/sub/out2': 14 })), false, 'the executable is an input');
  // test_dataflow_job_more.py's test A: outputs touched first, then the inputs and executable.
  t.equal(isDataflowJob(job({}), files({ '/sub/out1': 1, '/sub/out2': 1, '/sub/in1': 2, '/sub/in2': 2, '/sub/exe.sh': 3 })), false);
});

t.test('nanoseconds decide, as st_mtim does', async (t) => {
  const mtimes = new Map<string, bigint>([['/sub/exe.sh', 5n], ['/sub/in1', 6n], ['/sub/in2', 6n], ['/sub/out1', 7n], ['/sub/out2', 7n]]);
  t.equal(isDataflowJob(job({}), (path) => mtimes.get(path)), true);
});

t.test('every output must exist; an input that does not is left out; URLs are not inputs', async (t) => {
  t.equal(isDataflowJob(job({}), files({ ...MADE, '/sub/out1': 13 })), false);
  t.equal(isDataflowJob(job({}), files({ '/sub/exe.sh': 10, '/sub/out1': 13, '/sub/out2': 14 })), true);
  t.equal(isDataflowJob(job({ TransferInput: '"https://example.org/big, in1"' }), files({ '/sub/exe.sh': 10, '/sub/in1': 20, '/sub/out1': 13, '/sub/out2': 14 })), false);
  t.equal(isDataflowJob(job({ TransferInput: '"https://example.org/big"' }), files({ '/sub/exe.sh': 10, '/sub/out1': 13, '/sub/out2': 14 })), true);
});

t.test('the executable must exist; so must a stdin file, which is an input', async (t) => {
  t.equal(isDataflowJob(job({}), files({ '/sub/in1': 1, '/sub/out1': 13, '/sub/out2': 14 })), false);
  t.equal(isDataflowJob(job({ Cmd: '""' }), files({ '/sub': 1, '/sub/out1': 13, '/sub/out2': 14 })), false);
  t.equal(isDataflowJob(job({ In: '"stdin.file"' }), files({ ...MADE, '/sub/out1': 13, '/sub/out2': 14 })), false);
  t.equal(isDataflowJob(job({ In: '"stdin.file"' }), files({ ...MADE, '/sub/stdin.file': 15, '/sub/out1': 13, '/sub/out2': 14 })), false, "test_dataflow_job_more.py's test B");
  t.equal(isDataflowJob(job({ In: '"stdin.file"' }), files({ ...MADE, '/sub/stdin.file': 12, '/sub/out1': 13, '/sub/out2': 14 })), true);
});

t.test('no output listed: not a dataflow job; relative and absolute paths from Iwd', async (t) => {
  t.equal(isDataflowJob(job({ TransferOutput: '""' }), files(MADE)), false);
  const noOutputs = job({});
  noOutputs.delete('TransferOutput');
  t.equal(isDataflowJob(noOutputs, files(MADE)), false);
  t.equal(isDataflowJob(job({ TransferOutput: '"/data/out, sub dir/out"', Cmd: '"exe.sh"' }), files({ ...MADE, '/data/out': 13, '/sub/sub dir/out': 14 })), true);
});
