// condor_evicted_files as HTCondor's (src/condor_tools/evicted_files.cpp): the SPOOL directory holding a
// job's checkpoint, its listing, a copy of it; its messages and exit codes.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, writeExecutable } from './helpers/pool.js';

t.test('condor_evicted_files shows, lists and copies the files of a checkpointing job', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // Checkpoints once (exit 85 with its state file), then runs until removed.
  writeExecutable(path.join(pool.dir, 'ckpt.sh'), '#!/bin/sh\nif [ -e state ]; then exec sleep 300; fi\necho step-1 > state\nexit 85\n');
  fs.writeFileSync(path.join(pool.dir, 'ckpt.sub'), 'executable = ckpt.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state\nshould_transfer_files = YES\nlog = ckpt.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['ckpt.sub'])).code, 0);
  const spoolDir = path.join(pool.home, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  await eventually('the checkpoint in SPOOL', async () => ((await pool.run('condor_evicted_files', ['list', '1.0'])).stdout === '\tstate\n' ? true : undefined));

  const dir = await pool.run('condor_evicted_files', ['1.0']);
  t.equal(dir.code, 0);
  t.equal(fs.realpathSync(dir.stdout.trim()), fs.realpathSync(spoolDir), 'the job\'s SPOOL directory');

  const several = await pool.run('condor_evicted_files', ['ls', '1.0', '7.3']);
  t.same([several.code, several.stdout], [0, '1.0 \n\tstate\n7.3 No directory; job was never evicted.\n']);

  const get = await pool.run('condor_evicted_files', ['get', '1.0']);
  t.same([get.code, get.stdout], [0, "Copied to '1.0'.\n"]);
  t.equal(fs.readFileSync(path.join(pool.dir, '1.0', 'state'), 'utf8'), 'step-1\n');
  const again = await pool.run('condor_evicted_files', ['get', '1.0']);
  t.same([again.code, again.stdout], [255, "Destination directory '1.0' exists, not modifying.\n"]);

  const never = await pool.run('condor_evicted_files', ['9.0']);
  t.same([never.code, never.stdout], [2, 'No directory; job was never evicted.\n'], 'errno ENOENT for a single job');
  const unknown = await pool.run('condor_evicted_files', ['show', '1.0']);
  t.same([unknown.code, unknown.stdout], [255, "Unknown command 'show', aborting.\n"]);
  const bad = await pool.run('condor_evicted_files', ['list', '1']);
  t.same([bad.code, bad.stderr], [255, "'1' is not a job ID, aborting.\n"]);
  t.equal((await pool.run('condor_rm', ['1.0'])).code, 0);
});
