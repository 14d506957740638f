import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('condor_ssh_to_job runs a command, or a shell, inside the running sandbox', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'work.sh'), '#!/bin/bash\necho progress > progress.txt\nexec sleep 300\n');
  fs.writeFileSync(path.join(pool.dir, 'w.sub'), 'executable = work.sh\nenvironment = "GREETING=hello"\noutput = w.out\nlog = w.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['w.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'w.log'), (ev) => ev.some((e) => e.code === 1));

  const command = await pool.run('condor_ssh_to_job', ['1.0', 'echo $GREETING; ls; test "$PWD" = "$_CONDOR_SCRATCH_DIR"']);
  t.equal(command.code, 0, command.stderr);
  t.match(command.stdout, /^hello\n/);
  t.match(command.stdout, /work\.sh/);
  t.match(command.stdout, /_condor_stdout/, 'the job writes its output into the sandbox as _condor_stdout');

  const failing = await pool.run('condor_ssh_to_job', ['1.0', 'exit 7']);
  t.equal(failing.code, 7, 'the remote exit code comes back');

  const shell = await pool.run('condor_ssh_to_job', ['1.0'], { input: 'cat progress.txt\necho $GREETING >&2\nexit 0\n' });
  t.equal(shell.code, 0);
  t.match(shell.stdout, /progress\n/);
  t.match(shell.stderr, /hello\n/);

  const missing = await pool.run('condor_ssh_to_job', ['9.0', 'true']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /Job 9\.0 not found/);
  t.equal((await pool.run('condor_rm', ['1'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'w.log'), (ev) => ev.some((e) => e.code === 9));
  const notRunning = await pool.run('condor_ssh_to_job', ['1.0', 'true']);
  t.equal(notRunning.code, 1);
});
