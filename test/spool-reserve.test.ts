// Issue 18 item 4: the schedd keeps RESERVED_DISK free on the SPOOL filesystem. On a small tmpfs (so the
// real disk is never filled), a checkpoint or output upload is refused while free space is below the
// reserve, the committed checkpoint stays whole, and uploads are accepted again once space is freed.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { fakeStartd } from './helpers/daemons.js';
import { binCommand, eventually, runCommand, waitForEvents, writeExecutable } from './helpers/pool.js';
import { transferArchive, putAsStartd } from './helpers/archives.js';

/** A tmpfs of `sizeMb` mounted on a new directory, unmounted at teardown; undefined when mounting is not allowed here. */
function smallFilesystem(t: Test, sizeMb: number): string | undefined {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-small-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    fs.rmdirSync(mountPoint);
    return undefined;
  }
  t.teardown(() => {
    execFileSync('umount', ['-l', mountPoint]);
    fs.rmdirSync(mountPoint);
  });
  return mountPoint;
}

const rootOnly = process.getuid?.() === 0 ? false : 'mounting a small tmpfs needs root';

t.test('uploads into SPOOL are refused below RESERVED_DISK and accepted once space is freed', { skip: rootOnly }, async (t) => {
  const mountPoint = smallFilesystem(t, 64);
  if (mountPoint === undefined) {
    t.comment('skipped: mount -t tmpfs is not allowed here');
    return;
  }
  const home = path.join(mountPoint, 'home');
  const submitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-reserve-submit-'));
  t.teardown(() => fs.rmSync(submitDir, { recursive: true, force: true }));
  const schedd = spawn(...binCommand('tinycondor.js', ['schedd', '--home', home, '--port', '0', '--lease', '30', '--reserved-disk', '32']), { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (schedd.exitCode === null && schedd.signalCode === null) schedd.kill('SIGKILL');
  });
  let stdout = '';
  schedd.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  await eventually('the schedd to be ready', () => (/schedd ready/.test(stdout) ? true : undefined));
  const config = fs.readFileSync(path.join(home, 'condor_config.pool'), 'utf8');
  t.match(config, /^RESERVED_DISK = 32$/m, 'the reserve is written into the pool configuration, where startds read it');
  const url = /^SCHEDD_URL = (.*)$/m.exec(config)?.[1] ?? '';
  const token = fs.readFileSync(path.join(home, 'pool.token'), 'utf8').trim();
  const env = { ...process.env, CONDOR_CONFIG: path.join(home, 'condor_config') };

  const fake = await fakeStartd(t, url, token);
  writeExecutable(path.join(submitDir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(submitDir, 'job.sub'), 'executable = job.sh\ncheckpoint_exit_code = 85\nlog = job.log\nqueue\n');
  t.equal((await runCommand('condor_submit', ['job.sub'], env, submitDir)).code, 0);
  const { jobId, runId } = (await fake.next('start')) as { jobId: string; runId: string };
  fake.send({ type: 'executing', jobId, runId, seq: 1 });
  await waitForEvents(path.join(submitDir, 'job.log'), (ev) => ev.some((e) => e.code === 1));
  const checkpointRoute = (n: number) => `/v1/jobs/${jobId}/runs/${runId}/checkpoint?kind=checkpoint&number=${n}`;
  const spool = path.join(home, 'spool', '1', '0', 'cluster1.proc0.subproc0');

  t.equal((await putAsStartd(url, token, fake.key, checkpointRoute(0), await transferArchive({ state: 'zero' }))).status, 200, 'accepted with space above the reserve');

  // Something else fills the filesystem to below the reserve (40 of its 64 MB).
  const filler = path.join(mountPoint, 'filler');
  fs.writeFileSync(filler, Buffer.alloc(40 << 20));
  const refused = await putAsStartd(url, token, fake.key, checkpointRoute(1), await transferArchive({ state: 'one' }));
  t.equal(refused.status, 400, 'a checkpoint is refused');
  t.match(((await refused.json()) as { error: string }).error, /SPOOL filesystem has \d+\.\d MiB free, less than RESERVED_DISK = 32 MB/);
  const output = await putAsStartd(url, token, fake.key, `/v1/jobs/${jobId}/runs/${runId}/output`, await transferArchive({ _condor_stdout: 'out' }));
  t.equal(output.status, 400, 'so is the output');
  t.match(((await output.json()) as { error: string }).error, /^Transfer output files failure: the access point's SPOOL filesystem has/);
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'zero', 'the committed checkpoint is whole');
  t.notOk(fs.existsSync(`${spool}.tmp`));

  fs.rmSync(filler);
  t.equal((await putAsStartd(url, token, fake.key, checkpointRoute(1), await transferArchive({ state: 'one' }))).status, 200, 'accepted again once space is freed');
  t.equal(fs.readFileSync(path.join(spool, 'state'), 'utf8'), 'one');
  schedd.kill('SIGTERM');
});
