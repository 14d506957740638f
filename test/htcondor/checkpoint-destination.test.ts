// A port of HTCondor's src/condor_tests/test_checkpoint_destination.py: a self-checkpointing job that
// records its epoch and checkpoint number through condor_chirp, vacates itself after its first checkpoint
// and must resume from it, with its checkpoints in SPOOL or at a checkpoint_destination reached through a
// job-supplied local:// plugin (test/fixtures/plugins/local_plugin.py: the test's plugin, parsing its ads
// with the standard library instead of the classad2 bindings). Its jobs, expected stdout and assertions
// are the test's, with these differences, each said where it happens:
// - condor_reschedule is not needed (an evicted job is matched again at once);
// - test_checkpoint_removed waits for the clean-up with a deadline, as the original does; its plug-in is
//   tinycondor's $(LIBEXEC)/cleanup_locally_mounted_checkpoint, named in the pool's
//   checkpoint-destination-mapfile as the test names HTCondor's;
// - each HTCONDOR_1218 case's iwd is its input directory, so its output and log go there too.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { eventually, waitForEvents, writeExecutable } from '../helpers/pool.js';
import { EXPECTED_STDOUT, makeInputs, setUp, submitJob, TEST_CASES, type Fixture } from '../helpers/counting-job.js';

/** Waits for the job's completion (or its hold, which fails the case as the test's fail_condition does). */
async function completed(f: Fixture, cluster: number): Promise<ParsedEvent[]> {
  return waitForEvents(path.join(f.testDir, `test_job_${cluster}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 240_000);
}

/** event_types_in_order: the codes appear in this order, others between them. */
function inOrder(codes: number[], events: ParsedEvent[]): boolean {
  let next = 0;
  for (const event of events) if (event.code === codes[next] && ++next === codes.length) return true;
  return false;
}

function sha256(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** The files only in the second tree (diff -r's "Only in" lines), as relative paths. */
function onlyIn(a: string, b: string, rel = ''): string[] {
  const extra: string[] = [];
  const names = fs.existsSync(path.join(a, rel)) ? new Set(fs.readdirSync(path.join(a, rel))) : new Set<string>();
  for (const name of fs.readdirSync(path.join(b, rel))) {
    const child = path.join(rel, name);
    if (!names.has(name)) extra.push(child);
    else if (fs.statSync(path.join(b, child)).isDirectory()) extra.push(...onlyIn(a, b, child));
    else if (sha256(path.join(a, child)) !== sha256(path.join(b, child))) extra.push(`differs: ${child}`);
  }
  return extra;
}

const EXTRA_FILES = new Set([
  '.chirp.config',
  '.job.ad',
  '.local.sh.in',
  '.local.sh.out',
  '.machine.ad',
  '.update.ad',
  '.update.ad.tmp',
  'saved-state',
  'counting.py',
  'local.sh',
  '_condor_stdout',
  '_condor_stderr',
  // MOUNT_UNDER_SCRATCH's directories (/tmp, /var/tmp), which a root starter makes in the sandbox: HTCondor's CI
  // runs this test unprivileged, where no starter makes them.
  'tmp',
  'var',
]);

t.test('TestCheckpointDestination', async (t) => {
  const f = await setUp(t);
  const clusters = new Map<string, number>();
  for (const [name, testCase] of Object.entries(TEST_CASES)) {
    makeInputs(path.join(f.testDir, name), name);
    clusters.set(name, await submitJob(f, name, testCase(f)));
  }
  for (const [name, cluster] of clusters) {
    t.test(name, async (t) => {
      const events = await completed(f, cluster);
      t.test('test_resume', async (t) => {
        t.notOk(events.some((e) => e.code === 12), `never held: ${events.filter((e) => e.code === 12).map((e) => e.lines.join(' ')).join('')}`);
        t.ok(inOrder([0, 1, 40, 1, 40, 5], events), `SUBMIT, EXECUTE, FILE_TRANSFER, EXECUTE, FILE_TRANSFER, JOB_TERMINATED in order: ${events.map((e) => e.code).join(' ')}`);
        const stdout = fs.readFileSync(path.join(f.testDir, `test_job_${cluster}.out`), 'utf8');
        t.same(stdout.split(/(?<=\n)/), EXPECTED_STDOUT);
      });
      const ad = (await f.pool.run('condor_q', [String(cluster), '-af:,', 'CheckpointDestination', 'GlobalJobId'])).stdout.trim().split(',').map((value) => value.trim());
      const [destination, globalJobId] = ad;
      t.test('test_checkpoint_location', async (t) => {
        if (destination !== 'undefined') t.ok(fs.statSync(path.join(f.testDir, globalJobId.replaceAll('#', '_'))).isDirectory(), 'a directory named for the GlobalJobId');
        else t.pass('no checkpoint destination');
      });
      t.test('test_checkpoint_structure', async (t) => {
        const checkPath = path.join(f.testDir, `${cluster}.0`);
        const manifestFile = path.join(jobSpoolDir(path.join(f.pool.home, 'spool'), cluster, 0), '_condor_checkpoint_MANIFEST.0000');
        if (name.includes('spool')) {
          t.notOk(fs.existsSync(manifestFile), 'no MANIFEST when checkpointing to SPOOL');
        } else {
          const checked = await f.pool.run('condor_manifest', ['validateFilesListedIn', manifestFile], { cwd: checkPath });
          t.equal(checked.code, 0, `condor_manifest validateFilesListedIn in the copy the job made of its sandbox: ${checked.stdout}`);
        }
        const extra = onlyIn(path.join(f.testDir, name), checkPath);
        t.same(
          extra.filter((file) => !EXTRA_FILES.has(file)),
          [],
          'the sandbox after the first restore holds the inputs, and only the files HTCondor adds',
        );
      });
      // After test_checkpoint_structure, which reads a MANIFEST the removal deletes.
      t.test('test_checkpoint_removed', async (t) => {
        t.equal((await f.pool.run('condor_qedit', [String(cluster), 'LeaveJobInQueue', 'False'])).code, 0);
        t.equal((await f.pool.run('condor_rm', [String(cluster)])).code, 0);
        await eventually('the job to leave the queue', async () => ((await f.pool.run('condor_q', [String(cluster), '-af', 'ProcId'])).stdout.trim() === '' ? true : undefined), 60_000);
        const [historyDestination, historyId, checkpointNumber, owner] = (
          await f.pool.run('condor_history', [String(cluster), '-af:,', 'CheckpointDestination', 'GlobalJobId', 'CheckpointNumber', 'Owner'])
        ).stdout
          .trim()
          .split(',')
          .map((value) => value.trim());
        t.notOk(fs.existsSync(path.join(f.pool.home, 'spool', String(cluster))), 'the SPOOL directory is gone');
        if (historyDestination === 'undefined') return;
        const prefix = path.join(f.testDir, historyId.replaceAll('#', '_'));
        const cleanupDir = path.join(f.pool.home, 'spool', 'checkpoint-cleanup', owner, path.basename(jobSpoolDir(path.join(f.pool.home, 'spool'), cluster, 0)));
        for (let i = 0; i < Number(checkpointNumber); i++) {
          await eventually(`checkpoint ${i} to be removed from the destination`, () => (fs.existsSync(path.join(prefix, String(i).padStart(4, '0'))) ? undefined : true), 60_000);
          await eventually(`its MANIFEST to be removed`, () => (fs.existsSync(path.join(cleanupDir, `_condor_checkpoint_MANIFEST.${String(i).padStart(4, "0")}`)) ? undefined : true), 60_000);
        }
        await eventually('the clean-up directory to be removed', () => (fs.existsSync(cleanupDir) ? undefined : true), 60_000);
        t.pass('the destination, the MANIFESTs and the clean-up directory are gone');
      });
    });
  }
});

t.test('test_checkpoint_upload_failure_causes_job_hold', async (t) => {
  const f = await setUp(t);
  // Not a directory: the local:// plugin cannot create the checkpoint's directories under it.
  fs.writeFileSync(path.join(f.testDir, 'missing'), '');
  const symlinkScript = path.join(f.testDir, 'symlink.py');
  writeExecutable(symlinkScript, '#!/usr/bin/python3\nimport sys\nfrom pathlib import Path\nd = Path("d")\nd.mkdir(parents=True, exist_ok=True)\n(d / "a").write_text("a")\nPath("s").symlink_to(d)\nsys.exit(17)\n');
  const cases: Record<string, Record<string, string>> = {
    missing_destination: { checkpoint_destination: `local://${f.testDir}/missing`, transfer_plugins: `local=${f.pluginShell}` },
    symlink_to_dir: { executable: symlinkScript, transfer_checkpoint_files: 's' },
  };
  for (const [name, testCase] of Object.entries(cases)) {
    const cluster = await submitJob(f, name, testCase);
    t.test(name, async (t) => {
      await waitForEvents(path.join(f.testDir, `test_job_${cluster}.log`), (ev) => ev.some((e) => e.code === 12), 60_000);
      const [code, subCode, ...reason] = (await f.pool.run('condor_q', [String(cluster), '-af:,', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason'])).stdout.trim().split(',');
      t.equal(Number(code), 36);
      t.equal(Number(subCode), -1);
      t.match(reason.join(','), 'Starter failed to upload checkpoint');
    });
  }
});

t.test('test_checkpoint_download_integrity', async (t) => {
  const f = await setUp(t);
  const mutators: Record<string, string> = {
    missing_file: 'import os\nos.unlink("saved-state")\n',
    corrupt_file: 'from pathlib import Path\nPath("saved-state").write_text("-1\\n")\n',
    corrupt_manifest:
      'from pathlib import Path\npath = Path("_condor_checkpoint_MANIFEST.0000")\ncontents = path.read_text().splitlines()\ncontents[-1] = contents[-1][1] + contents[-1][0] + contents[-1][2:]\npath.write_text("\\n".join(contents) + "\\n")\n',
  };
  const expected: Record<string, string[]> = {
    missing_file: ['Failed to open checkpoint file', 'to compute checksum'],
    corrupt_manifest: ['Invalid MANIFEST file, aborting'],
    corrupt_file: ['did not have expected checksum'],
  };
  const clusters = new Map<string, number>();
  for (const [name, body] of Object.entries(mutators)) {
    const mutator = path.join(f.testDir, name, 'mutate_checkpoint.py');
    fs.mkdirSync(path.dirname(mutator), { recursive: true });
    writeExecutable(mutator, `#!/usr/bin/python3\n${body}`);
    clusters.set(name, await submitJob(f, name, { checkpoint_destination: `local://${f.testDir}/`, transfer_plugins: `local=${f.pluginShell}`, transfer_input_files: mutator }));
  }
  for (const [name, cluster] of clusters) {
    t.test(name, async (t) => {
      const events = await completed(f, cluster);
      t.notOk(events.some((e) => e.code === 12), 'never held');
      t.ok(events.some((e) => e.code === 5), 'completed in the end');
      const remoteError = events.find((e) => e.code === 21);
      t.ok(remoteError, 'a remote error (021) from the starter');
      for (const words of expected[name]) t.match(remoteError?.lines.join('\n') ?? '', words);
    });
  }
});

t.test('beyond the test: after each checkpoint only the newest 1 + DEFAULT_NUM_EXTRA_CHECKPOINTS are kept at the destination', async (t) => {
  const f = await setUp(t);
  const job = path.join(f.testDir, 'four.sh');
  writeExecutable(job, '#!/bin/bash\nn=$(/bin/cat saved-state 2>/dev/null || echo 0)\necho $((n + 1)) > saved-state\n[ $n -lt 4 ] && exit 17\nexit 0\n');
  const cluster = await submitJob(f, 'four', {
    executable: job,
    arguments: '',
    want_io_proxy: 'False',
    checkpoint_destination: 'local://example.vo/example.fs',
    transfer_plugins: `local=${f.pluginShell}`,
  });
  const events = await completed(f, cluster);
  t.notOk(events.some((e) => e.code === 12), 'never held');
  const [globalJobId] = (await f.pool.run('condor_q', [String(cluster), '-af', 'GlobalJobId'])).stdout.trim().split('\n');
  const kept = path.join(f.testDir, globalJobId.replaceAll('#', '_'));
  // Four checkpoints (0 to 3), then the exit.
  await eventually('checkpoints 0 and 1 to be deleted', () => (['0000', '0001'].some((n) => fs.existsSync(path.join(kept, n))) ? undefined : true), 60_000);
  t.same(fs.readdirSync(kept).sort(), ['0002', '0003'], 'the last two checkpoints stay at the destination');
  const spool = jobSpoolDir(path.join(f.pool.home, 'spool'), cluster, 0);
  t.same(fs.readdirSync(spool).sort(), ['_condor_checkpoint_MANIFEST.0002', '_condor_checkpoint_MANIFEST.0003'], 'and their MANIFESTs in SPOOL');
});
