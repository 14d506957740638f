// Partitionable slots, as most HTCondor pools run them: the startd's one slot holds the whole machine
// (SLOT_TYPE_1 = 100%, SLOT_TYPE_1_PARTITIONABLE, as `use FEATURE : PartitionableSlot` sets), each job gets a
// dynamic slot slot1_1, slot1_2, … carved with its requests as the startd's MODIFY_REQUEST_EXPR_* modify
// them (Resource.cpp create_dslot), and the resources go back to slot1 when the job leaves.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { killHard, startDaemons } from './helpers/daemons.js';
import { codes, eventually, rest, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const PARTITIONABLE = { _CONDOR_NUM_SLOTS_TYPE_1: '1', _CONDOR_SLOT_TYPE_1: '100%', _CONDOR_SLOT_TYPE_1_PARTITIONABLE: 'true' };

async function status(pool: TestPool, ...attrs: string[]): Promise<string[]> {
  const result = await pool.run('condor_status', ['-af', 'Name', ...attrs]);
  if (result.code !== 0) throw new Error(result.stderr);
  return result.stdout.trim().split('\n').sort();
}

t.test('a 2-cpu job and two 1-cpu jobs run at once on a 4-cpu partitionable slot; the resources come back', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 4, env: PARTITIONABLE });
  t.same(await status(pool, 'SlotType', 'PartitionableSlot', 'Cpus', 'TotalSlotCpus'), ['slot1@startd1 Partitionable true 4 4'], 'one partitionable slot with the 4 cpus');

  // Each job waits until all three have started (they run at once), then until the test lets them end.
  writeExecutable(
    path.join(pool.dir, 'wait.sh'),
    '#!/bin/sh\n' +
      `touch ${pool.dir}/started.$1\n` +
      `i=0; while [ ! -e ${pool.dir}/started.0 ] || [ ! -e ${pool.dir}/started.1 ] || [ ! -e ${pool.dir}/started.2 ] || [ ! -e ${pool.dir}/go ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 3; sleep 0.02; done\n` +
      'grep -h "^SlotType = \\|^Cpus = " "$_CONDOR_MACHINE_AD"\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'three.sub'),
    'executable = wait.sh\narguments = $(Process)\nrequest_cpus = $(Cores)\nrequest_memory = 100\noutput = out.$(Process)\nlog = three.log\nqueue Cores from (\n2\n1\n1\n)\n',
  );
  t.equal((await pool.run('condor_submit', ['three.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'three.log'), (ev) => [0, 1, 2].every((proc) => codes(ev, 1, proc).includes(1)));

  const running = await pool.run('condor_q', ['1', '-af', 'ProcId', 'RemoteHost', 'CpusProvisioned', 'MemoryProvisioned']);
  const rows = running.stdout.trim().split('\n');
  t.equal(rows.length, 3);
  const hosts = rows.map((row) => row.split(' ')[1]).sort();
  t.same(hosts, ['slot1_1@startd1', 'slot1_2@startd1', 'slot1_3@startd1'], 'each job on a dynamic slot of its own');
  t.same(rows.map((row) => row.split(' ').filter((_, i) => i !== 1).join(' ')).sort(), ['0 2 128', '1 1 128', '2 1 128'], 'request_memory = 100 rounded to 128 MB');
  t.same(
    await status(pool, 'SlotType', 'Cpus', 'State'),
    ['slot1@startd1 Partitionable 0 Unclaimed', ...hosts.map((host) => `${host} Dynamic ${rows.find((row) => row.includes(host))?.startsWith('0 ') ? 2 : 1} Claimed`)],
    'condor_status shows the partitionable slot with nothing left and the dynamic slots',
  );
  const slots = await rest(pool, 'GET', '/v1/slots');
  const slotRows = (slots.body.slots as { slot: string; slotType?: string; cpus: number; left?: { cpus: number } }[]).sort((a, b) => a.slot.localeCompare(b.slot));
  t.same(
    slotRows.map((row) => [row.slot, row.slotType, row.left?.cpus]),
    [['slot1', 'Partitionable', 0], ['slot1_1', 'Dynamic', undefined], ['slot1_2', 'Dynamic', undefined], ['slot1_3', 'Dynamic', undefined]],
    "the dashboard's slots: the partitionable one with what is left",
  );

  // A job that needs the whole machine waits for the three to give their cpus back.
  fs.writeFileSync(path.join(pool.dir, 'four.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_cpus = 4\nrequest_memory = 1\nlog = four.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['four.sub'])).code, 0);

  // The startd's connection drops: the runs keep their dynamic slots, which its hello names again.
  t.equal((await pool.run('tinycondor', ['fault', 'disconnect-startd', 'startd1'])).code, 0);
  await eventually('the startd back with its dynamic slots', async () => ((await status(pool)).length === 4 ? true : undefined));
  t.equal((await pool.run('condor_q', ['2.0', '-af', 'JobStatus'])).stdout, '1\n', 'the 4-cpu job is still idle');

  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'three.log'), (ev) => [0, 1, 2].every((proc) => codes(ev, 1, proc).includes(5)));
  t.same(
    [0, 1, 2].map((proc) => fs.readFileSync(path.join(pool.dir, `out.${proc}`), 'utf8')),
    ['Cpus = 2\nSlotType = "Dynamic"\n', 'Cpus = 1\nSlotType = "Dynamic"\n', 'Cpus = 1\nSlotType = "Dynamic"\n'],
    "the job's machine ad is its dynamic slot's",
  );
  await waitForEvents(path.join(pool.dir, 'four.log'), (ev) => codes(ev, 2, 0).includes(5));
  t.equal((await pool.run('condor_history', ['2.0', '-af', 'LastRemoteHost', 'CpusProvisioned'])).stdout, 'slot1_1@startd1 4\n', 'the lowest free dynamic slot id, all 4 cpus');
  const back = await eventually('the resources back', async () => {
    const lines = await status(pool, 'Cpus', 'Memory', 'TotalSlotMemory');
    return lines.length === 1 ? lines[0] : undefined;
  });
  const [name, cpus, memory, total] = back.split(' ');
  t.same([name, cpus, memory], ['slot1@startd1', '4', total], 'only the partitionable slot, with everything');
});

t.test("MODIFY_REQUEST_EXPR_REQUESTMEMORY sizes the dynamic slots, and is the job's memory", async (t) => {
  const env = { ...PARTITIONABLE, _CONDOR_MODIFY_REQUEST_EXPR_REQUESTMEMORY: 'quantize(RequestMemory,{512})', _CONDOR_MODIFY_REQUEST_EXPR_REQUESTDISK: '' };
  const pool = await startPool(t, { startds: 1, cpus: 2, env });
  writeExecutable(path.join(pool.dir, 'show.sh'), '#!/bin/sh\ngrep -h "^Memory = \\|^Disk = " "$_CONDOR_MACHINE_AD"\n');
  fs.writeFileSync(path.join(pool.dir, 'mem.sub'), 'executable = show.sh\nrequest_memory = $(Mem)\nrequest_disk = 1000\noutput = out.$(Process)\nlog = mem.log\nqueue Mem from (\n600\n100\n)\n');
  t.equal((await pool.run('condor_submit', ['mem.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'mem.log'), (ev) => codes(ev, 1, 0).includes(5) && codes(ev, 1, 1).includes(5));
  const history = (await pool.run('condor_history', ['1', '-af', 'ProcId', 'MemoryProvisioned', 'DiskProvisioned'])).stdout.trim().split('\n').sort();
  t.same(history, ['0 1024 1000', '1 512 1000'], 'quantize(RequestMemory,{512}); a knob set empty leaves the disk request as it is');
  t.same([0, 1].map((proc) => fs.readFileSync(path.join(pool.dir, `out.${proc}`), 'utf8')), ['Memory = 1024\nDisk = 1000\n', 'Memory = 512\nDisk = 1000\n'], "the job's machine ad is its dynamic slot's");
});

t.test('the default layout (no slot knob): a job asking for more than the partitionable slot has stays idle; a request_cpus = 2 job runs', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_cpus = 3\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  fs.writeFileSync(path.join(pool.dir, 'small.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_cpus = 2\nlog = small.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['small.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'small.log'), (ev) => codes(ev, 2, 0).includes(5));
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'JobStatus'])).stdout, '1\n');
});

t.test('custom resources: each dynamic slot gets the GPUs its job asks for, the first still free', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2, env: { ...PARTITIONABLE, _CONDOR_MACHINE_RESOURCE_GPUs: 'GPU-0, GPU-1' } });
  t.same(await status(pool, 'GPUs', 'TotalSlotGPUs', 'AssignedGPUs'), ['slot1@startd1 2 2 GPU-0,GPU-1']);
  writeExecutable(
    path.join(pool.dir, 'gpu.sh'),
    '#!/bin/sh\n' +
      `touch ${pool.dir}/started.$1\n` +
      `i=0; while [ ! -e ${pool.dir}/started.0 ] || [ ! -e ${pool.dir}/started.1 ] || [ ! -e ${pool.dir}/go ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 3; sleep 0.02; done\n` +
      'echo "$_CONDOR_AssignedGPUs $CUDA_VISIBLE_DEVICES"\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'gpu.sub'), 'executable = gpu.sh\narguments = $(Process)\nrequest_gpus = 1\nrequest_cpus = 1\noutput = out.$(Process)\nlog = gpu.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['gpu.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'gpu.log'), (ev) => codes(ev, 1, 0).includes(1) && codes(ev, 1, 1).includes(1));
  t.same(
    await status(pool, 'GPUs', 'AssignedGPUs', 'AvailableGPUs'),
    ['slot1@startd1 0 GPU-0,GPU-1 {  }', 'slot1_1@startd1 1 GPU-0 { undefined }', 'slot1_2@startd1 1 GPU-1 { undefined }'],
    "the p-slot has none left (AvailableGPUs: each a GPUs_<id>, undefined for a GPU declared without properties); its AssignedGPUs keeps the ids bound to it at start (bind_DevIds), its dynamic slots' among them",
  );
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'gpu.log'), (ev) => codes(ev, 1, 0).includes(5) && codes(ev, 1, 1).includes(5));
  t.same([0, 1].map((proc) => fs.readFileSync(path.join(pool.dir, `out.${proc}`), 'utf8')).sort(), ['GPU-0 GPU-0\n', 'GPU-1 GPU-1\n'], 'a GPU each');
  await eventually('the GPUs back', async () => {
    const lines = await status(pool, 'GPUs', 'AssignedGPUs');
    return lines.join() === 'slot1@startd1 2 GPU-0,GPU-1' ? true : undefined;
  });
});

t.test("a job that fits a busy dynamic slot is queued on it, and runs there when the slot's job ends (claim reuse)", async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1, env: PARTITIONABLE });
  writeExecutable(path.join(pool.dir, 'hold.sh'), `#!/bin/sh\ni=0; while [ ! -e ${pool.dir}/go ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 3; sleep 0.02; done\n`);
  fs.writeFileSync(path.join(pool.dir, 'a.sub'), 'executable = hold.sh\nrequest_memory = 200\nlog = a.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['a.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'a.log'), (ev) => codes(ev, 1, 0).includes(1));
  // Too big for slot1_1 (256 MB): it waits for the partitionable slot instead.
  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_memory = 300\nlog = big.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  fs.writeFileSync(path.join(pool.dir, 'b.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_memory = 100\nlog = b.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['b.sub'])).code, 0);
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  const queuedOn = (jobId: string) =>
    fs
      .readFileSync(path.join(logDir, 'SchedLog'), 'utf8')
      .split('\n')
      .find((l) => l.includes('"job queued on a busy slot"') && l.includes(`"jobId":"${jobId}"`));
  t.match(await eventually('3.0 queued', () => queuedOn('3.0')), /"slot":"slot1_1@startd1"/);
  t.equal(queuedOn('2.0'), undefined, 'the bigger job does not fit the dynamic slot');
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'b.log'), (ev) => codes(ev, 3, 0).includes(5));
  await waitForEvents(path.join(pool.dir, 'big.log'), (ev) => codes(ev, 2, 0).includes(5));
  t.equal((await pool.run('condor_history', ['3.0', '-af', 'LastRemoteHost', 'MemoryProvisioned'])).stdout, 'slot1_1@startd1 256\n', "on the dynamic slot carved for 1.0, its size");
  t.equal((await pool.run('condor_history', ['2.0', '-af', 'LastRemoteHost', 'MemoryProvisioned'])).stdout, 'slot1_1@startd1 384\n', 'a slot carved anew once 3.0 gave it back');
  await eventually('one slot left', async () => ((await status(pool)).length === 1 ? true : undefined));
});

t.test('a schedd killed while jobs run on dynamic slots: the startd\'s hello gives them back, each job runs once', async (t) => {
  const d = await startDaemons(t, ['--lease', '30']);
  // The metaknob, in the pool's config.d/, as an administrator writes it.
  fs.mkdirSync(path.join(d.home, 'config.d'), { recursive: true });
  fs.writeFileSync(path.join(d.home, 'config.d', 'slots.conf'), 'use FEATURE : PartitionableSlot\n');
  await d.startStartd('exec1', ['--cpus', '2']);
  writeExecutable(path.join(d.dir, 'wait.sh'), '#!/bin/sh\necho started >> "$1.starts"\nwhile [ ! -e "$1.go" ]; do /bin/sleep 0.02; done\n');
  fs.writeFileSync(path.join(d.dir, 'jobs.sub'), `executable = ${path.join(d.dir, 'wait.sh')}\ntransfer_executable = false\narguments = ${path.join(d.dir, 'job')}$(Process)\nlog = jobs.log\nqueue 2\n`);
  t.equal((await d.run('condor_submit', ['jobs.sub'])).code, 0);
  const log = path.join(d.dir, 'jobs.log');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1) && codes(ev, 1, 1).includes(1));
  await killHard(d.schedd);
  await d.startSchedd();
  const names = async () => (await d.run('condor_status', ['-af', 'Name', 'Cpus'])).stdout.trim().split('\n').sort();
  t.same(await eventually('the startd back', async () => ((await names()).length === 3 ? names() : undefined)), ['slot1@exec1 0', 'slot1_1@exec1 1', 'slot1_2@exec1 1']);
  const hosts = (await d.run('condor_q', ['1', '-af', 'JobStatus', 'RemoteHost'])).stdout.trim().split('\n').sort();
  t.same(hosts, ['2 slot1_1@exec1', '2 slot1_2@exec1'], 'both still running where they were');
  for (const proc of [0, 1]) fs.writeFileSync(path.join(d.dir, `job${proc}.go`), '');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(5) && codes(ev, 1, 1).includes(5), 60_000);
  t.same([0, 1].map((proc) => fs.readFileSync(path.join(d.dir, `job${proc}.starts`), 'utf8')), ['started\n', 'started\n'], 'each ran once');
  t.same(await eventually('the cpus back', async () => ((await names()).length === 1 ? names() : undefined)), ['slot1@exec1 2']);
});
