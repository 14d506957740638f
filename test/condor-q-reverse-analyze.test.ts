// condor_q -better-analyze -reverse, -analyze:summary,reverse, -analyze:summary and -slotads against a
// real pool with two startds, as HTCondor's condor_q prints them (src/condor_q.V6/queue.cpp:
// print_jobs_analysis; jobmatch.cpp: doSlotRunAnalysisToBuffer): a job asking for more memory than the
// slots have shows the slot's memory clause matching no job; the table shows a line per slot; a slot ad
// file with a START of its own is analysed as it is. condor_status has no analysis, as HTCondor's.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { STATIC_SLOTS, eventually, startPool, writeExecutable } from './helpers/pool.js';

const escape = (text: string): string => text.replace(/[.@\\[\]()|?*+^$]/g, '\\$&');

t.test('condor_q -reverse analyses the slots\' requirements against the jobs', async (t) => {
  const pool = await startPool(t, { startds: 2, env: STATIC_SLOTS });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexec /bin/sleep 300\n');
  const rows = await eventually('both startds\' slots', async () => {
    const lines = (await pool.run('condor_status', ['-af', 'Name', 'Machine'])).stdout.trim().split('\n').filter((n) => n !== '');
    return lines.length === 2 ? lines.map((line) => line.split(' ')) : undefined;
  });
  const slots = rows.map(([name]) => name);

  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = job.sh\nrequest_memory = 100000000\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  const one = await pool.run('condor_q', ['-better-analyze', '-reverse', '1.0', '-machine', slots[0]]);
  t.equal(one.code, 0, one.stderr);
  t.match(one.stdout, new RegExp(`^\\n\\n-- Schedd: \\S+ : <127\\.0\\.0\\.1:\\d+\\?\\.\\.\\.\\n\\n-- Slot: ${escape(slots[0])} : Analyzing matches for 1 Jobs in 1 autoclusters\\n`));
  t.match(one.stdout, /\nThe Requirements expression for this slot is\n\n    START &&\n    WithinResourceLimits\n\n  START is\n    true\n\n  WithinResourceLimits is\n    MY\.Cpus > 0 &&\n/);
  t.match(one.stdout, /\nThis slot defines the following attributes:\n\n    Cpus = \d+\n    Disk = \d+\n    Memory = \d+\n\nJob 1\.0 has the following attributes:\n\n    TARGET\.RequestCpus = 1\n    TARGET\.RequestDisk = \d+\n    TARGET\.RequestMemory = 100000000\n/);
  t.match(one.stdout, /\nThe Requirements expression for this slot reduces to these conditions:\n\n       Clusters\nStep   Matched  Condition\n----- --------- ---------\n\[6\]           0  TARGET\.RequestMemory <= MY\.Memory\n/, 'the memory clause matches no job');
  t.match(one.stdout, new RegExp(`\\n${escape(slots[0])}: Run analysis summary of 1 jobs\\.\\n    0 \\(0\\.00 %\\) match both slot and job requirements\\.\\n    0 match the requirements of this slot\\.\\n    0 have job requirements that match this slot\\.\\n$`));

  fs.writeFileSync(path.join(pool.dir, 'small.sub'), 'executable = job.sh\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['small.sub'])).code, 0);
  const table = await pool.run('condor_q', ['-analyze:summary,reverse', '1', '2']);
  t.equal(table.code, 0, table.stderr);
  // MAX(longest Machine + 7, longest Name), at least 16.
  const width = Math.max(16, ...rows.map(([name, machine]) => Math.max(name.length, machine.length + 7)));
  t.match(table.stdout, /\nAnalyzing matches for 2 jobs\n/);
  for (const name of slots) t.match(table.stdout, new RegExp(`\\n${escape(name.padEnd(width))} Stat            1            1      50\\.00\\n`), `${name}: the held job fits, the big one does not`);
  t.equal((await pool.run('condor_q', ['-reverse', '1', '2'])).stdout, table.stdout, '-reverse alone, of two slots: the table');

  const summary = await pool.run('condor_q', ['-analyze:summary', '1', '2']);
  t.match(summary.stdout, /\nAnalyzing matches for 2 slots\n[^]*\n1\.0 {35}0 {11}0 {11}0 {10}0 {9}0 \S+\n2\.0 {35}2 {11}0 {11}0 {10}0 {9}2 \S+\n$/, 'a line per job');

  // A slot ad from a HTCondor pool (condor_status -long), with a START of its own.
  fs.writeFileSync(
    path.join(pool.dir, 'slots.txt'),
    'Name = "slot1@htc"\nMachine = "htc"\nCpus = 8\nMemory = 200000000\nDisk = 100000000\nStart = (TARGET.JobPrio > 5)\n' +
      'WithinResourceLimits = (MY.Cpus > 0 && TARGET.RequestCpus <= MY.Cpus && MY.Memory > 0 && TARGET.RequestMemory <= MY.Memory)\nRequirements = START && WithinResourceLimits\n',
  );
  const file = await pool.run('condor_q', ['-better-analyze', '-reverse', '1', '-slotads', 'slots.txt']);
  t.equal(file.code, 0, file.stderr);
  t.match(file.stdout, /\n  START is\n    \(TARGET\.JobPrio > 5\)\n/);
  t.match(file.stdout, /\n----- --------- ---------\n\[0\]           0  TARGET\.JobPrio > 5\n/, 'the START clause no job meets');
  t.match(file.stdout, /\nslot1@htc: Run analysis summary of 1 jobs\.\n    0 \(0\.00 %\) match both slot and job requirements\.\n    0 match the requirements of this slot\.\n    1 have job requirements that match this slot\.\n$/);

  const status = await pool.run('condor_status', ['-better-analyze']);
  t.equal(status.code, 1);
  t.match(status.stderr, /^Error: {2}Unknown option -better-analyze \(condor_status has no analysis: condor_q -better-analyze -reverse/);
});
