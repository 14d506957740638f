import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { DEFAULT_MAX_JOB_PIDS, jobLimits } from './job-limits.js';

const MiB = 1024 * 1024;
const slot = (memoryMb: number) => ClassAd.parseText(`Memory = ${memoryMb}`);
const job = (text: string) => ClassAd.parseText(text);

t.test('on a static slot the memory limit is the request rounded up to 128 MB, as a dynamic slot is sized by default', async (t) => {
  t.equal(jobLimits(job('RequestMemory = 50'), slot(4096)).memoryBytes, 128 * MiB);
  t.equal(jobLimits(job('RequestMemory = 128'), slot(4096)).memoryBytes, 128 * MiB);
  t.equal(jobLimits(job('RequestMemory = 129'), slot(4096)).memoryBytes, 256 * MiB);
  t.equal(jobLimits(job('RequestMemory = ifThenElse(isUndefined(MemoryUsage), 300, 2 * MemoryUsage)'), slot(4096)).memoryBytes, 384 * MiB, 'an expression is evaluated');
});

t.test('never more than the slot has; a job without a request gets the slot', async (t) => {
  t.equal(jobLimits(job('RequestMemory = 4000'), slot(4000)).memoryBytes, 4000 * MiB);
  t.equal(jobLimits(job('Owner = "me"'), slot(2048)).memoryBytes, 2048 * MiB);
  t.equal(jobLimits(job('RequestMemory = 0'), slot(2048)).memoryBytes, 2048 * MiB);
});

t.test("on a dynamic slot the memory limit is the slot's Memory, the request as MODIFY_REQUEST_EXPR_REQUESTMEMORY made it", async (t) => {
  const dslot = (memoryMb: number) => ClassAd.parseText(`Memory = ${memoryMb}\nDynamicSlot = true`);
  t.equal(jobLimits(job('RequestMemory = 600'), dslot(1024)).memoryBytes, 1024 * MiB, 'quantize(RequestMemory, {512})');
  t.equal(jobLimits(job('RequestMemory = 600'), dslot(600)).memoryBytes, 600 * MiB, 'the request as asked');
});

t.test('the pids limit is the startd setting', async (t) => {
  t.equal(jobLimits(job('RequestMemory = 1'), slot(1)).pidsMax, DEFAULT_MAX_JOB_PIDS);
  t.equal(jobLimits(job('RequestMemory = 1'), slot(1), 64).pidsMax, 64);
});
