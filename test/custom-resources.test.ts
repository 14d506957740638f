// Custom machine resources, as an HTCondor administrator declares them and a job sees them: the startd's
// MACHINE_RESOURCE_GPUs = GPU-0, GPU-1 divides the two GPUs between its two static slots (ResAttributes.cpp;
// static, SLOT_TYPE_0_PARTITIONABLE = false: test/partitionable-slots.test.ts has the default layout's GPUs),
// a job's request_gpus = 1 becomes RequestGPUs and `(TARGET.GPUs >= RequestGPUs)` in its Requirements
// (submit_utils.cpp), and the starter tells the job its GPU (starter.cpp PublishToEnv): _CONDOR_AssignedGPUs,
// CUDA_VISIBLE_DEVICES and GPU_DEVICE_ORDINAL. A job asking for more GPUs than any slot has stays idle.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { STATIC_SLOTS, codes, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('two GPU jobs get one GPU each; a job asking for three stays idle, and -better-analyze says why', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2, env: { _CONDOR_MACHINE_RESOURCE_GPUs: 'GPU-0, GPU-1', ...STATIC_SLOTS } });
  const status = await eventually('both slots', async () => {
    const result = await pool.run('condor_status', ['-af', 'Name', 'GPUs', 'AssignedGPUs', 'TotalGPUs', 'DetectedGPUs', 'MachineResources']);
    return result.stdout.trim().split('\n').length === 2 ? result.stdout : undefined;
  });
  t.same(status.trim().split('\n').sort(), ['slot1@startd1 1 GPU-0 2 2 Cpus Memory Disk Swap GPUs', 'slot2@startd1 1 GPU-1 2 2 Cpus Memory Disk Swap GPUs'], 'each slot advertises its GPU');

  // Each job waits until both have started, so that they run at once, on the two slots, and for the test's go.
  writeExecutable(
    path.join(pool.dir, 'gpu.sh'),
    '#!/bin/sh\n' +
      `touch ${pool.dir}/started.$1\n` +
      `i=0; while [ ! -e ${pool.dir}/started.0 ] || [ ! -e ${pool.dir}/started.1 ] || [ ! -e ${pool.dir}/go ]; do i=$((i+1)); [ $i -gt 1500 ] && exit 3; sleep 0.02; done\n` +
      'echo "assigned=$_CONDOR_AssignedGPUs cuda=$CUDA_VISIBLE_DEVICES ordinal=$GPU_DEVICE_ORDINAL nvidia=$NVIDIA_VISIBLE_DEVICES"\n' +
      'grep -h "^AssignedGPUs = " "$_CONDOR_MACHINE_AD" "$_CONDOR_JOB_AD"\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'gpu.sub'), 'executable = gpu.sh\narguments = $(Process)\nrequest_gpus = 1\noutput = out.$(Process)\nlog = gpu.log\nqueue 2\n');
  t.equal((await pool.run('condor_submit', ['gpu.sub'])).code, 0);
  t.equal((await pool.run('condor_q', ['1.0', '-af:r', 'RequestGPUs', 'Requirements'])).stdout, '1 (TARGET.GPUs >= RequestGPUs)\n');
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'gpu.log'), (ev) => codes(ev, 1, 0).includes(5) && codes(ev, 1, 1).includes(5));

  const outputs = [0, 1].map((proc) => fs.readFileSync(path.join(pool.dir, `out.${proc}`), 'utf8'));
  const ids = outputs.map((out) => /assigned=(\S+)/.exec(out)?.[1]).sort();
  t.same(ids, ['GPU-0', 'GPU-1'], 'each job has a GPU of its own');
  for (const out of outputs) {
    const id = /assigned=(\S+)/.exec(out)?.[1] ?? '';
    t.equal(out, `assigned=${id} cuda=${id} ordinal=${id} nvidia=none\nAssignedGPUs = "${id}"\nAssignedGPUs = "${id}"\n`, 'CUDA_VISIBLE_DEVICES and GPU_DEVICE_ORDINAL as HTCondor\'s default ENVIRONMENT_FOR_AssignedGPUs makes them; the machine and job ads carry the id');
  }

  fs.writeFileSync(path.join(pool.dir, 'three.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_gpus = 3\nqueue\n');
  t.equal((await pool.run('condor_submit', ['three.sub'])).code, 0);
  // A job that runs is matched after it: by then the three-GPU job has been tried against the free slots.
  fs.writeFileSync(path.join(pool.dir, 'after.sub'), 'executable = /bin/true\ntransfer_executable = false\nlog = after.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['after.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'after.log'), (ev) => codes(ev, 3, 0).includes(5));
  t.equal((await pool.run('condor_q', ['2.0', '-af', 'JobStatus'])).stdout, '1\n', 'still idle');
  const analysis = await pool.run('condor_q', ['-better-analyze', '2.0']);
  t.equal(analysis.code, 0, analysis.stderr);
  t.match(analysis.stdout, /\[\d+\]\s+0  TARGET\.GPUs >= RequestGPUs\n/, 'the GPU clause matches no slot');
  t.match(analysis.stdout, /Of 2 slots on 1 machines,\n\s+2 slots are rejected by your job's requirements\n/);
});
