// A port of HTCondor's src/condor_tests/test_unspecified_checkpoint.py: a self-checkpointing job that does
// not name its transfer_checkpoint_files checkpoints its output set, and none of the files the execute side
// writes for itself (.job.ad, .machine.ad, …) reaches SPOOL. The test's job and assertion as written.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { jobSpoolDir } from '@tinycondor/shared/spool-paths';
import { eventually, startPool, writeExecutable } from '../helpers/pool.js';

const CONDOR_FILES = ['.job.ad', '.machine.ad', '.docker_sock', '.docker_stdout', '.docker_stderror', '.update.ad', '.update.ad.tmp', '.execution_overlay.ad'];

t.test('TestUnspecifiedCheckpoint: test_no_condor_files', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(
    path.join(pool.dir, 'test_script.sh'),
    '#!/bin/bash\n\nif [ ! -f checkpoint-file-1 ]; then\n    touch checkpoint-file-1\n    exit 85\nfi\nsleep 3600\ntouch output-file-1\nexit 0\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    'executable = test_script.sh\nshould_transfer_files = yes\ntransfer_executable = yes\nlog = log\noutput = output\nerror = error\ncheckpoint_exit_code = 85\nqueue 1\n',
  );
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const spool = jobSpoolDir(path.join(pool.home, 'spool'), 1, 0);
  const files = await eventually('checkpoint-file-1 in SPOOL', () => {
    const listed = fs.existsSync(spool) ? fs.readdirSync(spool) : [];
    return listed.includes('checkpoint-file-1') ? listed : undefined;
  });
  for (const file of CONDOR_FILES) t.notOk(files.includes(file), `${file} is not in SPOOL`);
  t.equal((await pool.run('condor_rm', ['1'])).code, 0);
});
