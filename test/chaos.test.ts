import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { killHard, startDaemons } from './helpers/daemons.js';
import { codes, waitForEvents, writeExecutable } from './helpers/pool.js';

const STEPS = 24;
const JOBS = 6;

// Each step is printed once per run; a checkpoint every 4 steps; stdout rolls back to the checkpoint on
// eviction, so the final output is the same however often the job was interrupted.
const JOB = `#!/bin/bash
n=$(cat progress 2>/dev/null || echo 0)
while [ $n -lt ${STEPS} ]; do
  n=$((n+1)); echo "$1 step $n"; sleep 0.25
  if [ $((n % 4)) -eq 0 ] && [ $n -lt ${STEPS} ]; then echo $n > progress; exit 85; fi
done
echo "$1 done" > result.txt
`;

function expectedOutput(proc: number): string {
  return Array.from({ length: STEPS }, (_, i) => `job${proc} step ${i + 1}\n`).join('');
}

/** A small deterministic PRNG so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

t.setTimeout(240_000);

t.test('chaos: repeated SIGKILLs of the schedd and of startds lose nothing and complete nothing twice', async (t) => {
  const seed = Number(process.env.TINYCONDOR_CHAOS_SEED ?? Date.now() % 100000);
  t.comment(`chaos seed ${seed} (replay with TINYCONDOR_CHAOS_SEED=${seed})`);
  const random = prng(seed);
  // The lease must outlast a schedd restart, or a startd gives up its transfers and the job is held:
  // a restart takes about 3 s on a loaded 2-core machine.
  const d = await startDaemons(t, ['--lease', '6', '--periodic', '1']);
  const names = ['exec1', 'exec2', 'exec3'];
  const startds = new Map(await Promise.all(names.map(async (name) => [name, await d.startStartd(name)] as const)));
  writeExecutable(path.join(d.dir, 'job.sh'), JOB);
  fs.writeFileSync(
    path.join(d.dir, 'chaos.sub'),
    `executable = job.sh
arguments = job$(Process)
checkpoint_exit_code = 85
transfer_checkpoint_files = progress
transfer_output_files = result.txt
transfer_output_remaps = "result.txt = result.$(Process).txt"
output = out.$(Process).txt
log = chaos.log
queue ${JOBS}
`,
  );
  t.equal((await d.run('condor_submit', ['chaos.sub'])).code, 0);
  const log = path.join(d.dir, 'chaos.log');
  const finished = () => {
    const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    return (text.match(/^005 /gm) ?? []).length;
  };

  let kills = 0;
  const chaosUntil = Date.now() + 25_000;
  while (Date.now() < chaosUntil && finished() < JOBS) {
    await new Promise((resolve) => setTimeout(resolve, 800 + random() * 1500));
    if (random() < 0.35) {
      await killHard(d.schedd);
      await d.startSchedd();
    } else {
      const name = names[Math.floor(random() * names.length)];
      await killHard(startds.get(name)!);
      startds.set(name, await d.startStartd(name));
    }
    kills += 1;
  }
  t.ok(kills > 0, `${kills} processes killed`);

  const events = await waitForEvents(log, (ev) => new Set(ev.filter((e) => e.code === 5).map((e) => e.proc)).size === JOBS, 90_000).catch(async (err: Error) => {
    const queue = await d.run('condor_q', ['-af', 'ProcId', 'JobStatus', 'RemoteHost', 'HoldReason']);
    const status = await d.run('condor_status', ['-af', 'Name', 'State', 'JobId']);
    throw new Error(`${err.message}\nqueue:\n${queue.stdout}${queue.stderr}\nslots:\n${status.stdout}${status.stderr}\nhome: ${d.home}`);
  });
  for (let proc = 0; proc < JOBS; proc++) {
    t.equal(codes(events, 1, proc).filter((c) => c === 5).length, 1, `1.${proc} completed exactly once`);
    t.equal(fs.readFileSync(path.join(d.dir, `out.${proc}.txt`), 'utf8'), expectedOutput(proc), `1.${proc} stdout is byte-identical to an undisturbed run`);
    t.equal(fs.readFileSync(path.join(d.dir, `result.${proc}.txt`), 'utf8'), `job${proc} done\n`);
  }
  const history = await d.run('condor_history', ['-af', 'ProcId', 'JobStatus']);
  t.same(history.stdout.trim().split('\n').sort(), Array.from({ length: JOBS }, (_, p) => `${p} 4`).sort(), 'every job once in the history');
  t.equal((await d.run('condor_q', ['-af', 'ProcId'])).stdout, '', 'none left in the queue');
});
