import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// The file-transfer submit commands of issue 24 as a running pool acts on them: public_input_files are sent
// with the other inputs (FileTransfer::SimpleInit), and so are transfer_common_input's (cxfer.cpp's
// "uncommon transfer"), whether the job is spooled or not.
t.test('public_input_files and transfer_common_input reach the sandbox, with and without -spool', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'cat.sh'), '#!/bin/sh\ncat a.txt ref.txt common.txt\n');
  fs.writeFileSync(path.join(pool.dir, 'a.txt'), 'listed\n');
  fs.writeFileSync(path.join(pool.dir, 'ref.txt'), 'public\n');
  fs.writeFileSync(path.join(pool.dir, 'common.txt'), 'common\n');
  for (const spool of [false, true]) {
    const name = spool ? 'spooled' : 'plain';
    fs.writeFileSync(
      path.join(pool.dir, `${name}.sub`),
      ['executable = cat.sh', `log = ${name}.log`, `output = ${name}.out`, 'transfer_input_files = a.txt', 'public_input_files = ref.txt, a.txt', 'transfer_common_input = common.txt', 'queue', ''].join('\n'),
    );
    const submitted = await pool.run('condor_submit', [...(spool ? ['-spool'] : []), `${name}.sub`]);
    t.equal(submitted.code, 0, submitted.stderr);
    t.notMatch(submitted.stderr, /not implemented|unused/, `${name}: no warning`);
    if (spool) {
      // A spooled job's log is kept in SPOOL; it stays in the queue until its output is fetched.
      await eventually('the spooled job completed', async () => ((await pool.run('condor_q', ['2.0', '-af', 'JobStatus'])).stdout.trim() === '4' ? true : undefined));
      t.equal((await pool.run('condor_transfer_data', ['2.0'])).code, 0);
    } else {
      const events = await waitForEvents(path.join(pool.dir, `${name}.log`), (all) => all.some((e) => e.code === 5 || e.code === 12));
      t.ok(events.some((e) => e.code === 5), `${name}: the job completed`);
    }
    t.equal(fs.readFileSync(path.join(pool.dir, `${name}.out`), 'utf8'), 'listed\npublic\ncommon\n', `${name}: every file was in the sandbox`);
  }
});

t.test('output_directory: the outputs come back under it, made by the schedd', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'make.sh'), '#!/bin/sh\necho out\necho made > made.txt\n');
  fs.writeFileSync(path.join(pool.dir, 'd.sub'), ['executable = make.sh', 'log = d.log', 'output = d.out', 'output_directory = results/$(Cluster)', 'queue', ''].join('\n'));
  const submitted = await pool.run('condor_submit', ['d.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /not implemented|unused/);
  const events = await waitForEvents(path.join(pool.dir, 'd.log'), (all) => all.some((e) => e.code === 5 || e.code === 12));
  t.ok(events.some((e) => e.code === 5), 'the job completed');
  const dir = path.join(pool.dir, 'results', '1');
  t.same(fs.readdirSync(dir).sort(), ['d.out', 'made.txt']);
  t.equal(fs.readFileSync(path.join(dir, 'd.out'), 'utf8'), 'out\n');
  t.notOk(fs.existsSync(path.join(pool.dir, 'made.txt')), 'nothing in the submit directory');
});

t.test('manifest = true: the sandbox before and after, and the environment, come back in <cluster>_<proc>_manifest', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'make.sh'), '#!/bin/sh\necho made > made.txt\n');
  fs.writeFileSync(path.join(pool.dir, 'in.txt'), 'in\n');
  fs.writeFileSync(path.join(pool.dir, 'm.sub'), ['executable = make.sh', 'log = m.log', 'transfer_input_files = in.txt', 'environment = "GREETING=hello"', 'manifest = true', 'queue', ''].join('\n'));
  const submitted = await pool.run('condor_submit', ['m.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /not implemented|unused/);
  const events = await waitForEvents(path.join(pool.dir, 'm.log'), (all) => all.some((e) => e.code === 5 || e.code === 12));
  t.ok(events.some((e) => e.code === 5), 'the job completed');
  const dir = path.join(pool.dir, '1_0_manifest');
  t.same(fs.readdirSync(dir).sort(), ['environment', 'in', 'out']);
  const listing = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n');
  t.ok(listing('in').includes('./in.txt') && !listing('in').includes('./made.txt'), 'in: the sandbox after the input transfer');
  t.ok(listing('out').includes('./made.txt') && listing('out').includes('./1_0_manifest/in'), 'out: as the output transfer starts');
  t.match(fs.readFileSync(path.join(dir, 'environment'), 'utf8'), /(^| )GREETING=hello( |\n)/);
});

t.test('max_transfer_input_mb / max_transfer_output_mb: held with codes 32 and 33, nothing placed', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'big.sh'), '#!/bin/sh\nhead -c 2097152 /dev/zero > big.out\n');
  fs.writeFileSync(path.join(pool.dir, 'big.in'), Buffer.alloc(2 * 1024 * 1024));
  const cases = [
    { name: 'in', lines: ['transfer_input_files = big.in', 'max_transfer_input_mb = 1'], code: '32', reason: /^Transfer input files failure at access point .* Details: sending file .*\/big\.in: max total upload bytes exceeded \(max=1 MB, this file=2 MB\)$/ },
    { name: 'out', lines: ['max_transfer_output_mb = 1'], code: '33', reason: /^Transfer output files failure at execution point .* Details: sending file big\.out: max total download bytes exceeded \(max=1 MB, this file=2 MB\)$/ },
  ];
  for (const [i, c] of cases.entries()) {
    fs.writeFileSync(path.join(pool.dir, `${c.name}.sub`), ['executable = big.sh', `log = ${c.name}.log`, ...c.lines, 'queue', ''].join('\n'));
    const submitted = await pool.run('condor_submit', [`${c.name}.sub`]);
    t.equal(submitted.code, 0, submitted.stderr);
    t.notMatch(submitted.stderr, /not implemented|unused/);
    await waitForEvents(path.join(pool.dir, `${c.name}.log`), (all) => all.some((e) => e.code === 12));
    const [code, subCode, ...reason] = (await pool.run('condor_q', [`${i + 1}.0`, '-af', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason'])).stdout.trim().split(' ');
    t.same([code, subCode], [c.code, '0'], c.name);
    t.match(reason.join(' '), c.reason);
  }
  t.notOk(fs.existsSync(path.join(pool.dir, 'big.out')), 'the output over the limit was not placed');
});

t.test("core_size and stack_size are the job's limits; without core_size it dumps no core", async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'limits.sh'), '#!/bin/sh\ngrep -E "^Max (core file|stack) size" /proc/self/limits | tr -s " "\n');
  fs.writeFileSync(path.join(pool.dir, 'l.sub'), ['executable = limits.sh', 'log = l.log', 'output = l.$(Process).out', 'queue', 'core_size = 4096', 'stack_size = 16777216', 'queue', ''].join('\n'));
  const submitted = await pool.run('condor_submit', ['l.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /not implemented|unused/);
  await waitForEvents(path.join(pool.dir, 'l.log'), (all) => all.filter((e) => e.code === 5).length === 2);
  const limit = (proc: number, what: string) => fs.readFileSync(path.join(pool.dir, `l.${proc}.out`), 'utf8').split('\n').find((line) => line.startsWith(`Max ${what} size`))?.trim();
  t.equal(limit(0, 'core file'), 'Max core file size 0 0 bytes', 'no core_size: 0, as the starter gives');
  t.equal(limit(1, 'core file'), 'Max core file size 4096 4096 bytes');
  t.match(limit(1, 'stack'), /^Max stack size 16777216 \S+ bytes$/);
});
