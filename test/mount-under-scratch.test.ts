// MOUNT_UNDER_SCRATCH for jobs outside containers: a root startd gives each job a mount namespace of its own
// in which the directories named are bind-mounted from its scratch directory (VanillaProc::StartJob,
// FilesystemRemap), and a fresh /dev/shm (MOUNT_PRIVATE_DEV_SHM).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

function namespacesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: the starter makes mount namespaces only with root powers';
  try {
    execFileSync('unshare', ['--mount', 'true'], { stdio: 'ignore' });
  } catch {
    return 'mount namespaces are not available here (unshare --mount failed)';
  }
  return undefined;
}

const skip = namespacesUnavailable();

// The pools live under /var/tmp, not /tmp: the starter skips a directory its scratch directory lies under.
const base = fs.mkdtempSync('/var/tmp/tinycondor-mus-');
t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
process.env.TMPDIR = base;

/** A name of its own in the machine's /tmp and /dev/shm, where the job writes. */
const name = `tinycondor-mus-${crypto.randomBytes(6).toString('hex')}`;
t.teardown(() => fs.rmSync(path.join('/tmp', name), { force: true }));

/** Submits `text` as `file`; resolves with its cluster's one job id. */
async function submit(pool: TestPool, file: string, text: string): Promise<string> {
  fs.writeFileSync(path.join(pool.dir, file), text);
  const result = await pool.run('condor_submit', [file]);
  if (result.code !== 0) throw new Error(`condor_submit ${file}: ${result.stderr}`);
  return `${/submitted to cluster (\d+)/.exec(result.stdout)?.[1]}.0`;
}

function startLog(pool: TestPool): string {
  const logs = fs.readdirSync(pool.home, { recursive: true, encoding: 'utf8' }).filter((file) => path.basename(file).startsWith('StartLog'));
  return logs.map((file) => fs.readFileSync(path.join(pool.home, file), 'utf8')).join('');
}

t.test('the default MOUNT_UNDER_SCRATCH ("/tmp,/var/tmp")', { skip }, async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });

  await t.test("the job's /tmp is its own, empty, in its scratch directory; the machine's is untouched", async (t) => {
    writeExecutable(
      path.join(pool.dir, 'private.sh'),
      '#!/bin/sh\nls -A /tmp | wc -l\necho mine > "/tmp/$1" && cat "/tmp/$1"\necho shm > "/dev/shm/$1"\necho "TMPDIR=$TMPDIR"\n' +
        'cat "$_CONDOR_SCRATCH_DIR/tmp/$1"\nls -d "$_CONDOR_SCRATCH_DIR/var" 2>&1 | sed "s|$_CONDOR_SCRATCH_DIR|SCRATCH|"\n',
    );
    await submit(pool, 'private.sub', `executable = private.sh\narguments = ${name}\noutput = private.out\nerror = private.err\ntransfer_output_files = tmp/${name}\nlog = private.log\nqueue\n`);
    const events = await waitForEvents(path.join(pool.dir, 'private.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)', fs.readFileSync(path.join(pool.dir, 'private.err'), 'utf8'));
    t.equal(
      fs.readFileSync(path.join(pool.dir, 'private.out'), 'utf8'),
      "0\nmine\nTMPDIR=/tmp\nmine\nls: cannot access 'SCRATCH/var': No such file or directory\n",
      'an empty /tmp, the file in <scratch>/tmp, TMPDIR /tmp; /var/tmp, above the scratch directory, skipped',
    );
    t.equal(fs.readFileSync(path.join(pool.dir, name), 'utf8'), 'mine\n', "the file came back from the sandbox's tmp/");
    t.notOk(fs.existsSync(path.join('/tmp', name)), "the machine's /tmp did not get it");
    t.notOk(fs.existsSync(path.join('/dev/shm', name)), "nor its /dev/shm (MOUNT_PRIVATE_DEV_SHM)");
    t.match(startLog(pool), /Can't bind mount \/var\/tmp under execute dir \S+\/var\/tmp\/ -- skipping MOUNT_UNDER_SCRATCH/);
  });

  await t.test("condor_ssh_to_job's shell sees the job's /tmp, as HTCondor's sshd gets the job's mappings", async (t) => {
    writeExecutable(path.join(pool.dir, 'wait.sh'), '#!/bin/sh\necho "the job\'s" > /tmp/seen\nexec sleep 300\n');
    const id = await submit(pool, 'wait.sub', 'executable = wait.sh\nlog = wait.log\nqueue\n');
    await waitForEvents(path.join(pool.dir, 'wait.log'), (ev) => ev.some((e) => e.code === 1), 60_000);
    // The job writes /tmp/seen as it starts: wait for it through the shell itself.
    const seen = await eventually('the job writing /tmp/seen', async () => {
      const ssh = await pool.run('condor_ssh_to_job', [id, 'cat /tmp/seen && echo "$TMPDIR" && test "$PWD" = "$_CONDOR_SCRATCH_DIR" && echo in the sandbox']);
      return ssh.code === 0 ? ssh.stdout : undefined;
    });
    t.equal(seen, "the job's\n/tmp\nin the sandbox\n", 'its /tmp, its TMPDIR, in its sandbox');
    t.equal((await pool.run('condor_rm', [id])).code, 0);
    await waitForEvents(path.join(pool.dir, 'wait.log'), (ev) => ev.some((e) => e.code === 9), 60_000);
  });

  await t.test("what the job left in its /tmp is there again when it restarts in place after a checkpoint", async (t) => {
    writeExecutable(
      path.join(pool.dir, 'ckpt.sh'),
      '#!/bin/sh\nif [ -e /tmp/kept ]; then cat /tmp/kept; exit 0; fi\necho "written before the checkpoint" > /tmp/kept\nexit 85\n',
    );
    await submit(pool, 'ckpt.sub', 'executable = ckpt.sh\ncheckpoint_exit_code = 85\noutput = ckpt.out\nlog = ckpt.log\nqueue\n');
    const events = await waitForEvents(path.join(pool.dir, 'ckpt.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
    t.equal(fs.readFileSync(path.join(pool.dir, 'ckpt.out'), 'utf8'), 'written before the checkpoint\n');
  });

  await t.test('its /tmp goes with a checkpoint that names tmp, and is its /tmp again in a fresh sandbox after a vacate', async (t) => {
    // First start: write to /tmp and checkpoint. Restarted in place: wait to be vacated. Started from the
    // checkpoint in another scratch directory: show what /tmp holds.
    writeExecutable(
      path.join(pool.dir, 'moved.sh'),
      '#!/bin/sh\nif [ -e /tmp/where ]; then\n  if [ "$(cat /tmp/where)" = "$_CONDOR_SCRATCH_DIR" ]; then exec sleep 600; fi\n  cat /tmp/kept; exit 0\nfi\n' +
        'echo "$_CONDOR_SCRATCH_DIR" > /tmp/where\necho "from the first sandbox\'s /tmp" > /tmp/kept\nexit 85\n',
    );
    const id = await submit(pool, 'moved.sub', 'executable = moved.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = tmp\noutput = moved.out\nlog = moved.log\nqueue\n');
    await eventually('the checkpoint committed', async () => ((await pool.run('condor_q', [id, '-af', 'NumCkpts'])).stdout.trim() === '1' ? true : undefined), 60_000);
    const vacated = await pool.run('condor_vacate_job', [id]);
    t.equal(vacated.code, 0, vacated.stderr);
    const events = await waitForEvents(path.join(pool.dir, 'moved.log'), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
    t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
    t.equal(fs.readFileSync(path.join(pool.dir, 'moved.out'), 'utf8'), "from the first sandbox's /tmp\n");
  });
});

t.test("MOUNT_UNDER_SCRATCH as an expression over the job ad; the job's own mount_under_scratch is for containers only", { skip }, async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: { _CONDOR_MOUNT_UNDER_SCRATCH: 'ifThenElse(WantPrivateTmp =?= true, "/tmp", "")' } });
  const script = '#!/bin/sh\ntest -e "/tmp/$1" && echo shared || echo private\ntest "$TMPDIR" = "$_CONDOR_SCRATCH_DIR" && echo "TMPDIR is the scratch directory"\n';
  writeExecutable(path.join(pool.dir, 'which.sh'), script);
  fs.writeFileSync(path.join('/tmp', name), 'the machine\'s\n');
  await submit(pool, 'private.sub', `executable = which.sh\narguments = ${name}\n+WantPrivateTmp = true\noutput = private.out\nlog = which.log\nqueue\n`);
  // HTCondor's VanillaProc reads only the knob: a vanilla job's mount_under_scratch changes nothing.
  await submit(pool, 'shared.sub', `executable = which.sh\narguments = ${name}\nmount_under_scratch = /tmp\noutput = shared.out\nlog = which.log\nqueue\n`);
  await waitForEvents(path.join(pool.dir, 'which.log'), (ev) => ev.filter((e) => e.code === 5).length === 2, 60_000);
  t.equal(fs.readFileSync(path.join(pool.dir, 'private.out'), 'utf8'), 'private\n');
  t.equal(fs.readFileSync(path.join(pool.dir, 'shared.out'), 'utf8'), 'shared\nTMPDIR is the scratch directory\n');
});

t.test('a MOUNT_UNDER_SCRATCH that gives no string: the job is not started, but held with the starter\'s message', { skip }, async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: { _CONDOR_MOUNT_UNDER_SCRATCH: 'RequestCpus' } });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  await submit(pool, 'bad.sub', 'executable = true.sh\nlog = bad.log\nqueue\n');
  const events = await waitForEvents(path.join(pool.dir, 'bad.log'), (ev) => ev.some((e) => e.code === 12), 60_000);
  t.notOk(events.some((e) => e.code === 1 || e.code === 5), 'never executing, never terminated');
  const held = await pool.run('condor_q', ['1.0', '-af', 'HoldReasonCode', 'HoldReason']);
  t.equal(held.stdout.trim(), '6 Error from slot1_1@startd1: ERROR: MOUNT_UNDER_SCRATCH does not evaluate to a string, it is : 1');
  t.match(startLog(pool), /MOUNT_UNDER_SCRATCH does not evaluate to a string, it is : 1; Failed to start main job, exiting\./);
});
