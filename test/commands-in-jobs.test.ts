// Issue 24: condor_* commands work from inside a running job, whose environment has no PATH to node (as on
// HTCondor, a job gets no PATH unless its submit file gives one). Self-inspecting and self-vacating jobs call them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The scripts themselves, and npm's links to them (node_modules/.bin/condor_q → ../@tinycondor/cli/bin/condor_q.js). */
const binDir = path.join(root, 'packages', 'cli', 'bin');
const linkDir = path.join(root, 'node_modules', '.bin');

t.test('a job whose PATH holds no node runs condor_q and condor_vacate_job by their paths and through npm links', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // First run: asks condor_q about itself, then vacates itself; second run (after the vacate): exits.
  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    [
      '#!/bin/sh',
      'if [ -e ran-once ]; then exit 0; fi',
      ': > ran-once',
      `"${binDir}/condor_q.js" -af ClusterId ProcId JobStatus > q.out 2>&1`,
      'echo "condor_q rc=$?" >> q.out',
      `"${linkDir}/condor_vacate_job" "$1" >> q.out 2>&1`,
      'sleep 30',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    [
      'executable = job.sh',
      'arguments = $(ClusterId).$(ProcId)',
      `environment = "PATH=/usr/sbin:/nonexistent CONDOR_CONFIG=${path.join(pool.home, 'condor_config')}"`,
      'should_transfer_files = YES',
      'when_to_transfer_output = ON_EXIT_OR_EVICT',
      'transfer_output_files = q.out, ran-once',
      'log = job.log',
      'queue',
    ].join('\n') + '\n',
  );
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.some((e) => e.code === 5), 60_000);
  const out = fs.readFileSync(path.join(pool.dir, 'q.out'), 'utf8');
  t.match(out, /^1 0 2$/m, `condor_q answered from inside the job:\n${out}`);
  t.match(out, /condor_q rc=0/);
  t.notMatch(out, /not found/);
  t.ok(
    events.some((e) => e.code === 4),
    'the job was evicted by its own condor_vacate_job (004), then ran again and finished',
  );
});
