// A port of HTCondor's legacy src/condor_tests/job_filexfer_output-withvacate_van.run: "file transfer -
// look for two sets of output files with a vacate test - vanilla U". Its job is x_job_filexfer_testjob.pl
// --job=<pid> --forever (test/fixtures/scripts, unchanged), which writes the first set of output files at
// once, waits 20 s for the vacate, then writes a second set and runs forever; its submit file is the one
// Check/SimpleJob.pm's RunCheck writes with the test's arguments (when_to_transfer_output = ON_EXIT_OR_EVICT,
// requirements letting it start twice at most). The test's callbacks, kept:
// - on_execute (the first): vacate the job, condor_vacate_job <cluster>;
// - on_evictedwithoutcheckpoint (the first 004, "(0) Job was not checkpointed."): the three files of the
//   first set must be in the job's SPOOL directory, $(SPOOL)/<cluster % 10000>/0/cluster<C>.proc0.subproc0;
//   then condor_rm <cluster>;
// - on_abort (009 after the condor_rm): expected; on_hold: allowed; on_success: must never come, as the job
//   runs forever; the whole has SimpleJob's 300 s deadline.
// Instead of its fixed sleeps: on_execute's "sleep 20; # let output files get created" waits (with a
// deadline) for the first set to be in the job's sandbox, which is what the pause was for, and the
// eviction's "sleep(15)" before looking in SPOOL is a 15 s deadline for the files to be there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { eventually, startPool, waitForEvents } from '../helpers/pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const testJob = path.resolve(here, '..', 'fixtures', 'scripts', 'x_job_filexfer_testjob.pl');

const EXECUTE = 1;
const JOB_EVICTED = 4;
const JOB_TERMINATED = 5;
const JOB_ABORTED = 9;

/** The files of that name anywhere under dir. */
function findAll(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((rel) => path.basename(rel) === name).map((rel) => path.join(dir, rel));
}

t.test('job_filexfer_output-withvacate_van', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const testname = 'job_filexfer_output-withvacate_van';
  const pid = process.pid;
  const basefile = `submit_filetrans_output${pid}`;
  const outputs = ['e', 'f', 'g'].map((letter) => `${basefile}${letter}.txt`);
  fs.copyFileSync(testJob, path.join(pool.dir, 'x_job_filexfer_testjob.pl'));
  fs.chmodSync(path.join(pool.dir, 'x_job_filexfer_testjob.pl'), 0o755);
  const userLog = path.join(pool.dir, `${testname}.user_log`);
  // SimpleJob::RunCheck's submit file, with the test's arguments.
  const submitFile = path.join(pool.dir, `${testname}.submit`);
  fs.writeFileSync(
    submitFile,
    [
      'universe = vanilla',
      'executable = x_job_filexfer_testjob.pl',
      `log = ${userLog}`,
      'hold = False',
      `arguments = --job=${pid} --forever `,
      'notification = never',
      'Requirements = isUndefined(My.NumShadowStarts) || (My.NumShadowStarts < 2)',
      `transfer_output_files = ${outputs.join(',')}`,
      'should_transfer_files = YES',
      'when_to_transfer_output = ON_EXIT_OR_EVICT',
      'queue 1',
    ].join('\n'),
  );
  const submitted = await pool.run('condor_submit', [submitFile]);
  t.equal(submitted.code, 0, submitted.stderr);
  const cluster = Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]);
  const deadline = Date.now() + 300_000;
  const remaining = () => Math.max(1, deadline - Date.now());

  // on_execute, the first: the first set written in the sandbox, then condor_vacate_job <cluster>.
  await waitForEvents(userLog, (events) => events.some((e) => e.code === EXECUTE), remaining());
  const spool = (await pool.run('condor_config_val', ['SPOOL'])).stdout.trim();
  await eventually('the first set of output files in the sandbox', () => (outputs.every((name) => findAll(path.join(pool.home, 'execute'), name).length > 0) ? true : undefined), 30_000);
  const vacated = await pool.run('condor_vacate_job', [String(cluster)]);
  t.equal(vacated.code, 0, `condor_vacate_job: ${vacated.stdout}${vacated.stderr}`);

  // on_evictedwithoutcheckpoint, the first.
  const events = await waitForEvents(userLog, (ev) => ev.some((e) => e.code === JOB_EVICTED), remaining());
  const evicted = events.find((e) => e.code === JOB_EVICTED) as ParsedEvent;
  t.match(evicted.lines[1] ?? '', /^\s+\(0\) /, `evicted without checkpoint: ${evicted.lines.join(' | ')}`);
  t.notMatch(evicted.lines[1] ?? '', /Job terminated and was requeued/, 'not an eviction with requeue');
  const baseoutfile = path.join(spool, String(cluster % 10000), '0', `cluster${cluster}.proc0.subproc0`, basefile);
  for (const letter of ['e', 'f', 'g']) {
    const outfile = `${baseoutfile}${letter}.txt`;
    const arrived = await eventually(`${outfile} to arrive`, () => (fs.existsSync(outfile) ? true : undefined), 15_000).catch(() => false);
    t.ok(arrived, `${path.basename(outfile)} arrived in SPOOL`);
    if (arrived) t.equal(fs.readFileSync(outfile, 'utf8'), 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n', 'as the job wrote it');
  }
  const removed = await pool.run('condor_rm', [String(cluster)]);
  t.equal(removed.code, 0, `condor_rm: ${removed.stdout}${removed.stderr}`);

  // on_abort: expected from the condor_rm; on_success never (the job runs forever); on_hold allowed.
  const final = await waitForEvents(userLog, (ev) => ev.some((e) => e.code === JOB_ABORTED), remaining());
  t.notOk(final.some((e) => e.code === JOB_TERMINATED), 'the job never terminated');
  t.pass(`aborted after the condor_rm; events: ${final.map((e) => e.code).join(' ')}`);
});
