import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { DEFAULT_MAX_JOB_PIDS, jobLimits, jobResourceLimits } from './job-limits.js';

const MiB = 1024 * 1024;

t.test("the memory limit is the slot's Memory, whatever the job requested (vanilla_proc.cpp)", async (t) => {
  const slot = (memoryMb: number) => ClassAd.parseText(`Memory = ${memoryMb}`);
  t.equal(jobLimits(slot(4096)).memoryBytes, 4096 * MiB, "a static slot's whole share");
  const dslot = (memoryMb: number) => ClassAd.parseText(`Memory = ${memoryMb}\nDynamicSlot = true`);
  t.equal(jobLimits(dslot(1024)).memoryBytes, 1024 * MiB, 'a dynamic slot as MODIFY_REQUEST_EXPR_REQUESTMEMORY sized it');
  t.throws(() => jobLimits(ClassAd.parseText('Name = "slot1@x"')), /slot ad slot1@x has no positive Memory/);
});

t.test('the pids limit is the startd setting', async (t) => {
  const slot = ClassAd.parseText('Memory = 1');
  t.equal(jobLimits(slot).pidsMax, DEFAULT_MAX_JOB_PIDS);
  t.equal(jobLimits(slot, 64).pidsMax, 64);
});

t.test('jobResourceLimits: core_size 0 unless set (negative: none), stack_size none unless above 0', async (t) => {
  const ad = (attrs: Record<string, string>) => ClassAd.fromJSON(attrs);
  t.same(jobResourceLimits(ad({})), { coreBytes: 0, stackBytes: -1 });
  t.same(jobResourceLimits(ad({ CoreSize: '-1', StackSize: '0' })), { coreBytes: -1, stackBytes: -1 });
  t.same(jobResourceLimits(ad({ CoreSize: '1000000', StackSize: '8388608 * 2' })), { coreBytes: 1000000, stackBytes: 16777216 });
});
