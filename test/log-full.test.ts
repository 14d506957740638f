// Issue 18 item 4: a daemon log that cannot be written (its filesystem full) never takes the schedd down,
// and the schedd still stops at once. SchedLog is pointed at /dev/full, where every write fails with ENOSPC.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { binCommand, eventually, runCommand } from './helpers/pool.js';

t.test('the schedd keeps serving and stops promptly while its log cannot be written', { skip: fs.existsSync('/dev/full') ? false : 'no /dev/full here' }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-log-full-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const home = path.join(base, 'home');
  const submit = path.join(base, 'submit');
  fs.mkdirSync(path.join(home, 'log'), { recursive: true });
  fs.mkdirSync(submit);
  fs.symlinkSync('/dev/full', path.join(home, 'log', 'SchedLog'));

  const schedd = spawn(...binCommand('tinycondor.js', ['schedd', '--home', home, '--port', '0']), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  schedd.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  schedd.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  schedd.once('exit', (code, signal) => (exited = { code, signal }));
  t.teardown(() => {
    if (exited === undefined) schedd.kill('SIGKILL');
  });
  await eventually('the schedd to be ready', () => (/schedd ready/.test(stdout) ? true : undefined));

  const env = { ...process.env, CONDOR_CONFIG: path.join(home, 'condor_config') };
  fs.writeFileSync(path.join(submit, 'job.sub'), 'executable = /bin/true\nqueue 3\n');
  for (let i = 0; i < 5; i++) {
    const submitted = await runCommand('condor_submit', ['job.sub'], env, submit);
    t.equal(submitted.code, 0, `submit ${i} answered: ${submitted.stderr}`);
  }
  const queue = await runCommand('condor_q', ['-af', 'ClusterId'], env, submit);
  t.equal(queue.stdout.split('\n').filter(Boolean).length, 15, 'all jobs are queued');
  t.equal(exited, undefined, 'the schedd is still running');
  t.equal(stderr.match(/cannot write the log file/g)?.length, 1, `the failure is reported once on stderr: ${stderr}`);
  t.match(stderr, /ENOSPC/);

  schedd.kill('SIGTERM');
  await eventually('the schedd to exit after SIGTERM', () => exited, 15_000);
  t.same(exited, { code: 0, signal: null }, 'it exits cleanly');
});
