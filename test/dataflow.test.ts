// skip_if_dataflow end to end, after HTCondor's src/condor_tests/test_dataflow_job.py and
// test_dataflow_job_more.py: a job whose outputs are newer than its inputs and executable is not run.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('skip_if_dataflow: skipped when the outputs are newer (046 then 005, no 001), run otherwise', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const file = (name: string): string => path.join(pool.dir, name);
  // Set times, not waits: the files' mtimes decide, to the nanosecond.
  const age = (name: string, secondsFromNow: number): void => {
    const when = new Date(Date.now() + secondsFromNow * 1000);
    fs.utimesSync(file(name), when, when);
  };
  writeExecutable(file('make.sh'), '#!/bin/bash\ncat in.txt > out.txt\necho made >> out.txt\n');
  fs.writeFileSync(file('in.txt'), 'input\n');
  age('make.sh', -100);
  age('in.txt', -100);
  const submitFile = (name: string, skip: string): void =>
    fs.writeFileSync(
      file(name),
      `executable = make.sh
transfer_input_files = in.txt
transfer_output_files = out.txt
should_transfer_files = YES
log = ${name}.log
${skip}
queue
`,
    );
  // The file transfer events (040) left out.
  const submitAndWait = async (name: string, skip: string, cluster: number): Promise<number[]> => {
    submitFile(name, skip);
    const submitted = await pool.run('condor_submit', [name]);
    t.equal(submitted.code, 0, submitted.stderr);
    t.notMatch(submitted.stderr, /skip_if_dataflow/, 'no warning about skip_if_dataflow');
    const events = await waitForEvents(file(`${name}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12));
    return codes(events, cluster, 0).filter((code) => code !== 40);
  };
  const attrs = async (cluster: number): Promise<string> => (await pool.run('condor_history', [`${cluster}`, '-af', 'DataflowJobSkipped', 'ExitCode', 'NumJobStarts'])).stdout;

  // 1: the outputs do not exist yet: the job runs and makes them.
  t.same(await submitAndWait('first.sub', 'skip_if_dataflow = true', 1), [0, 1, 5]);
  t.equal(fs.readFileSync(file('out.txt'), 'utf8'), 'input\nmade\n');
  t.equal(await attrs(1), 'false 0 1\n', 'the check said no, and the job records it');

  // 2: out.txt is newer than in.txt and make.sh: skipped.
  fs.writeFileSync(file('out.txt'), 'kept\n');
  const skipped = await submitAndWait('skip.sub', 'skip_if_dataflow = True', 2);
  t.same(skipped, [0, 46, 5], 'no execute event');
  const log = fs.readFileSync(file('skip.sub.log'), 'utf8');
  t.match(log, /^046 \(002\.000\.000\) [\d-]+ [\d:]+ Dataflow job was skipped\.\n\.\.\.\n005 \(002\.000\.000\) [\d-]+ [\d:]+ Job terminated\.\n\t\(1\) Normal termination \(return value 0\)/m);
  t.equal(fs.readFileSync(file('out.txt'), 'utf8'), 'kept\n', 'the job did not run');
  t.equal(await attrs(2), 'true 0 0\n');
  // The tools reading the log take the 005 for the job's end and pass over the 046, as HTCondor's do.
  const waited = await pool.run('condor_wait', ['skip.sub.log']);
  t.equal(waited.stdout, 'All jobs done.\n', waited.stderr);
  const rebuilt = await pool.run('condor_q', ['-userlog', 'skip.sub.log', '-af', 'ClusterId', 'JobStatus', 'ExitCode', 'NumJobStarts']);
  t.equal(rebuilt.stdout, '2 4 0 0\n', rebuilt.stderr);

  // 3: without skip_if_dataflow the same job runs, and has no DataflowJobSkipped.
  t.same(await submitAndWait('noskip.sub', 'skip_if_dataflow = False', 3), [0, 1, 5]);
  t.equal(await attrs(3), 'undefined 0 1\n');

  // 4: an input newer than the outputs (test_dataflow_job_more.py): the job runs.
  age('in.txt', 100);
  t.same(await submitAndWait('newer.sub', 'skip_if_dataflow = true', 4), [0, 1, 5]);
  t.equal(await attrs(4), 'false 0 1\n');

  // 5: an output missing: the job runs.
  fs.writeFileSync(file('out.txt'), 'kept\n');
  age('in.txt', -100);
  fs.writeFileSync(file('multi.sub'), fs.readFileSync(file('first.sub'), 'utf8').replace('out.txt', 'out.txt, missing.txt').replace('first.sub.log', 'multi.sub.log'));
  const multi = await pool.run('condor_submit', ['multi.sub']);
  t.equal(multi.code, 0, multi.stderr);
  const events = await waitForEvents(file('multi.sub.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12));
  t.notOk(codes(events, 5, 0).includes(46), 'not skipped');
});

t.test('skip_if_dataflow: a job queued on a busy slot is checked as it is queued, and skipped without the slot', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  const file = (name: string): string => path.join(pool.dir, name);
  writeExecutable(file('wait.sh'), `#!/bin/bash\nwhile [ ! -e ${file('go')} ]; do sleep 0.02; done\n`);
  fs.writeFileSync(file('wait.sub'), 'executable = wait.sh\nlog = wait.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['wait.sub'])).code, 0);
  await waitForEvents(file('wait.log'), (ev) => codes(ev, 1, 0).includes(1));
  writeExecutable(file('make.sh'), '#!/bin/bash\necho made > out.txt\n');
  const old = new Date(Date.now() - 100_000);
  fs.utimesSync(file('make.sh'), old, old);
  fs.writeFileSync(file('out.txt'), 'kept\n');
  fs.writeFileSync(file('skip.sub'), 'executable = make.sh\ntransfer_output_files = out.txt\nskip_if_dataflow = true\nlog = skip.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['skip.sub'])).code, 0);
  const events = await waitForEvents(file('skip.log'), (ev) => codes(ev, 2, 0).includes(5));
  t.same(codes(events, 2, 0), [0, 46, 5]);
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout, '2\n', 'the first job still runs on the slot');
  fs.writeFileSync(file('go'), '');
  await waitForEvents(file('wait.log'), (ev) => codes(ev, 1, 0).includes(5));
});
