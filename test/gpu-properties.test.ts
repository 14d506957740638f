// GPUs with properties, as HTCondor's startd learns them from an inventory script (MACHINE_RESOURCE_INVENTORY_GPUs,
// what `use feature:GPUs` sets to condor_gpu_discovery; ResAttributes.cpp init_machine_resource_from_script) and a
// job constrains them (require_gpus → RequireGPUs, and `countMatches(MY.RequireGPUs,TARGET.AvailableGPUs) >=
// RequestGPUs` in its Requirements: submit_utils.cpp). The dynamic slot carved for the job gets the GPU its
// RequireGPUs holds for (Resource::fix_require_tag_expr, MachAttributes::DevIdMatches), not the first free one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

/** A stand-in for condor_gpu_discovery -properties: two GPUs, the first of Capability 7.5, the second 8.0. */
function fakeDiscovery(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-gpus-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'condor_gpu_discovery');
  writeExecutable(
    script,
    '#!/bin/sh\n' +
      `echo "$@" > ${dir}/args\n` +
      'echo \'DetectedGPUs="GPU-a0223334, GPU-b1223334"\'\n' +
      "echo 'Common=[ DriverVersion=12.1; MaxSupportedVersion=12010; ]'\n" +
      'echo \'GPU_a0223334=[ id="GPU-a0223334"; Capability=7.5; DeviceName="TITAN RTX"; GlobalMemoryMb=24220; ]\'\n' +
      'echo \'GPU_b1223334=[ id="GPU-b1223334"; Capability=8.0; DeviceName="A100-SXM4-40GB"; GlobalMemoryMb=40536; ]\'\n',
  );
  return script;
}

t.test('require_gpus = Capability >= 8 gets the GPU of capability 8; one asking for more stays idle', async (t) => {
  const script = fakeDiscovery(t);
  const pool = await startPool(t, { startds: 1, cpus: 2, env: { _CONDOR_MACHINE_RESOURCE_INVENTORY_GPUs: `${script} -properties` } });
  t.equal(fs.readFileSync(path.join(path.dirname(script), 'args'), 'utf8'), '-properties\n', 'the script ran with its arguments');
  const status = await pool.run('condor_status', ['-af', 'Name', 'GPUs', 'DetectedGPUs', 'AssignedGPUs', 'GPUs_DriverVersion', 'GPUs_GPU_b1223334.Capability', 'size(AvailableGPUs)']);
  t.equal(status.stdout, 'slot1@startd1 2 GPU-a0223334, GPU-b1223334 GPU-a0223334,GPU-b1223334 12.1 8 2\n', 'the p-slot advertises its GPUs\' properties');

  writeExecutable(path.join(pool.dir, 'gpu.sh'), `#!/bin/sh\necho "$_CONDOR_AssignedGPUs $CUDA_VISIBLE_DEVICES"\n`);
  fs.writeFileSync(path.join(pool.dir, 'gpu.sub'), 'executable = gpu.sh\nrequest_gpus = 1\nrequire_gpus = Capability >= 8\noutput = out\nlog = gpu.log\nqueue\n');
  const submitted = await pool.run('condor_submit', ['gpu.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.equal(submitted.stderr, '', 'no warning: require_gpus is implemented');
  await waitForEvents(path.join(pool.dir, 'gpu.log'), (ev) => codes(ev, 1, 0).includes(5));
  t.equal(fs.readFileSync(path.join(pool.dir, 'out'), 'utf8'), 'GPU-b1223334 GPU-b1223334\n', 'the second GPU, the one of capability 8.0');

  fs.writeFileSync(path.join(pool.dir, 'big.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_gpus = 1\ngpus_minimum_capability = 10\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  const idle = await pool.run('condor_q', ['2.0', '-af:r', 'RequireGPUs', 'Requirements']);
  t.equal(idle.stdout, 'Capability >= GPUsMinCapability (countMatches(MY.RequireGPUs,TARGET.AvailableGPUs) >= RequestGPUs)\n', 'gpus_minimum_capability made a RequireGPUs, counted in AvailableGPUs');
  // A job that runs is matched after it: by then the job asking for capability 10 has been tried against the slot.
  fs.writeFileSync(path.join(pool.dir, 'after.sub'), 'executable = /bin/true\ntransfer_executable = false\nrequest_gpus = 1\nlog = after.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['after.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'after.log'), (ev) => codes(ev, 3, 0).includes(5));
  t.equal((await pool.run('condor_q', ['2.0', '-af', 'JobStatus'])).stdout, '1\n', 'still idle');
  await eventually('the GPUs back', async () => {
    const lines = await pool.run('condor_status', ['-af', 'GPUs', 'size(AvailableGPUs)']);
    return lines.stdout === '2 2\n' ? true : undefined;
  });
});

t.test('an inventory script that cannot be run: the startd does not start, in HTCondor\'s words', async (t) => {
  await t.rejects(
    startPool(t, { startds: 1, env: { _CONDOR_MACHINE_RESOURCE_INVENTORY_GPUs: '/nonexistent/condor_gpu_discovery -properties' } }),
    /Failed to execute local resource 'GPUs' inventory script "\/nonexistent\/condor_gpu_discovery -properties"/,
  );
});
