import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { codes, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// The Slurm `checkpointer` seed: a program that cannot exit on its own (looper.py) is stopped after a
// time limit, its state kept on disk, and restarted from it. On HTCondor (and tinycondor) the time limit
// is the execute node's periodic checkpoint signal (+WantCheckpointSignal, +CheckpointSig); a wrapper
// turns the signal into a checkpoint exit. The clock restarts with every checkpoint.
const LOOPER = `#!/usr/bin/env python3
import os, time
outfile = 'looper.txt'
start = 1
if os.path.exists(outfile):
    with open(outfile) as fh:
        start = len(fh.read().splitlines()) + 1
for i in range(start, 31):
    with open(outfile, 'a') as fh:
        fh.write('%d\\n' % i)
    print(i, flush=True)
    time.sleep(0.1)
`;

const WRAPPER = `#!/bin/bash
# checkpointer: run the program in the background; on the checkpoint signal stop it and exit 85
./looper.py &
pid=$!
trap 'kill -TERM $pid; wait $pid; exit 85' USR1
wait $pid
trap - USR1
wait $pid
`;

t.test('a program that cannot exit on its own is checkpointed on a timer and resumes where it stopped', async (t) => {
  const pool = await startPool(t, { startds: 1, checkpointInterval: 1 });
  writeExecutable(path.join(pool.dir, 'looper.py'), LOOPER);
  writeExecutable(path.join(pool.dir, 'runscript.sh'), WRAPPER);
  fs.writeFileSync(
    path.join(pool.dir, 'looper.sub'),
    `executable = runscript.sh
transfer_input_files = looper.py
checkpoint_exit_code = 85
transfer_checkpoint_files = looper.txt
transfer_output_files = looper.txt
+WantCheckpointSignal = true
+CheckpointSig = "SIGUSR1"
output = out.txt
log = looper.log
queue
`,
  );
  t.equal((await pool.run('condor_submit', ['looper.sub'])).code, 0);
  const events = await waitForEvents(path.join(pool.dir, 'looper.log'), (ev) => ev.some((e) => e.code === 5), 60_000);
  const lines = fs.readFileSync(path.join(pool.dir, 'looper.txt'), 'utf8').trim().split('\n');
  t.same(lines, Array.from({ length: 30 }, (_, i) => String(i + 1)), 'every step exactly once, in order');
  const sequence = codes(events, 1, 0);
  t.equal(sequence.filter((c) => c === 1).length, 1, 'restarts in place: one 001');
  t.ok(sequence.filter((c) => c === 40).length >= 6, 'at least two checkpoints were transferred');
  t.equal(events.find((e) => e.code === 5)?.lines[1], '\t(1) Normal termination (return value 0)');
  const history = await pool.run('condor_history', ['-af', 'NumCkpts', 'CheckpointNumber']);
  const [numCkpts, lastNumber] = history.stdout.trim().split(' ').map(Number);
  t.ok(numCkpts >= 2);
  t.equal(lastNumber, numCkpts - 1, 'CheckpointNumber is 0-based');
});
