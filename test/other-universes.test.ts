import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// Commands of other universes in a vanilla job on a running pool (issue 24, batch D): condor_submit says of
// them what HTCondor's says, the job carries what SetSimpleJobExprs and SetJavaVMArgs set, and it runs.
t.test('a vanilla job with java, parallel, vm and jobset commands runs, with HTCondor\'s warnings', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'hello.sh'), '#!/bin/sh\necho hello\n');
  fs.writeFileSync(
    path.join(pool.dir, 'j.sub'),
    [
      'executable = hello.sh',
      'log = j.log',
      'output = out.txt',
      'jobset = "nightly"',
      'java_vm_args = -Xmx1g',
      'jar_files = a.jar',
      'batch_id = 12.0',
      'vm_memory = 512',
      'machine_count = 2',
      'rendezvousdir = /tmp',
      'queue',
      '',
    ].join('\n'),
  );
  const submitted = await pool.run('condor_submit', ['j.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /not implemented/);
  t.match(submitted.stderr, '\nWARNING: schedd does not support jobsets.\n');
  t.match(submitted.stderr, "WARNING: the line 'vm_memory = 512' was unused by condor_submit. Is it a typo?");
  t.match(submitted.stderr, "WARNING: the line 'machine_count = 2' was unused by condor_submit. Is it a typo?");
  t.match(submitted.stderr, /WARNING: rendezvousdir has no effect with tinycondor: .*FS_REMOTE/);
  await waitForEvents(path.join(pool.dir, 'j.log'), (all) => all.some((e) => e.code === 5));
  t.equal(fs.readFileSync(path.join(pool.dir, 'out.txt'), 'utf8'), 'hello\n');
  const history = await pool.run('condor_history', ['-af', 'JobSetName', 'JavaVMArgs', 'JarFiles', 'JobBatchId']);
  t.equal(history.code, 0, history.stderr);
  t.equal(history.stdout, 'nightly -Xmx1g a.jar 12.0\n');

  fs.writeFileSync(path.join(pool.dir, 'td.sub'), 'executable = hello.sh\ntool_daemon_cmd = /bin/true\nqueue\n');
  const refused = await pool.run('condor_submit', ['td.sub']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /tool_daemon_cmd is not supported by tinycondor/);
  const queue = await pool.run('condor_q', ['-af', 'ClusterId']);
  t.equal(queue.stdout, '', 'nothing was queued');
});
