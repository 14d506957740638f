import t from 'tap';
import { ClassAd } from './classad/index.js';
import { DEFAULT_REQUEST_MODIFIERS, modifiedRequests, mustModifyRequests, requestModifiersFromConfig } from './request-modifiers.js';
import { carveDynamicSlot } from './slot-layout.js';

function ad(attrs: Record<string, string>): ClassAd {
  const result = new ClassAd();
  for (const [name, source] of Object.entries(attrs)) result.setExpr(name, source);
  return result;
}

const pslot = { name: 'slot1', cpus: 8, memoryMb: 4000, diskKb: 100_000, partitionable: true as const };
const slotAd = ad({ Cpus: '8', Memory: '4000', Disk: '100000' });
const configured = (knobs: Record<string, string>) => requestModifiersFromConfig((name) => knobs[name]);

t.test("the knobs as configured, param_info.in's defaults for those unset", async (t) => {
  t.same(configured({}), { modifiers: DEFAULT_REQUEST_MODIFIERS, warnings: [] });
  const { modifiers, warnings } = configured({ MODIFY_REQUEST_EXPR_REQUESTMEMORY: ' quantize(RequestMemory,{512}) ', MODIFY_REQUEST_EXPR_REQUESTCPUS: '', MUST_MODIFY_REQUEST_EXPRS: 'True' });
  t.same(modifiers, { ...DEFAULT_REQUEST_MODIFIERS, RequestMemory: 'quantize(RequestMemory,{512})', RequestCpus: '', mustModify: 'True' });
  t.same(warnings, []);
  t.same(configured({ MODIFY_REQUEST_EXPR_REQUESTDISK: 'quantize(', MUST_MODIFY_REQUEST_EXPRS: 'yes please' }).warnings, [
    "MODIFY_REQUEST_EXPR_REQUESTDISK = quantize( is not a ClassAd expression: a dynamic slot's RequestDisk is the job's, unmodified",
    'MUST_MODIFY_REQUEST_EXPRS in the condor configuration  is not a valid boolean ("yes please").  Please set it to True or False (default is False)',
  ]);
});

t.test('the defaults: quantize to 1 core, 128 MB, and DiskQuantum (1024 KB without one)', async (t) => {
  const job = ad({ RequestCpus: '2', RequestMemory: '300', RequestDisk: '1500' });
  const modified = modifiedRequests(job, slotAd, DEFAULT_REQUEST_MODIFIERS);
  t.same(['RequestCpus', 'RequestMemory', 'RequestDisk'].map((name) => modified.getSource(name)), ['2', '384', '2048']);
  t.equal(job.getSource('RequestMemory'), '300', "the job's own ad is not changed");
  const quantum = modifiedRequests(job, ad({ DiskQuantum: '4096' }), DEFAULT_REQUEST_MODIFIERS);
  t.equal(quantum.getSource('RequestDisk'), '4096', "the slot's DiskQuantum (TARGET.DiskQuantum)");
  const catalogs = modifiedRequests(
    ad({ RequestMemory: '1', RequestDisk: '5000', RequestedCatalogs: 'true', RequestedCatalogIDs: '{ "a" }', catalogs: '{ [ CatalogID = "a"; CatalogSize = 3000 ], [ CatalogID = "b"; CatalogSize = 9 ] }' }),
    slotAd,
    DEFAULT_REQUEST_MODIFIERS,
  );
  t.equal(catalogs.getSource('RequestDisk'), '2048', "the space of the job's requested catalogs is taken off (CATALOG_SPACE)");
});

t.test('each modifier: MY the job as modified so far, TARGET the slot; a number or boolean sets the request, anything else leaves it', async (t) => {
  const modifiers = {
    RequestCpus: 'RequestCpus * 2',
    RequestDisk: 'TARGET.Disk / 1000.0 + RequestCpus',
    RequestMemory: 'RequestMemory < 100',
    mustModify: '',
  };
  const modified = modifiedRequests(ad({ RequestCpus: '3', RequestMemory: '50', RequestDisk: '1' }), slotAd, modifiers);
  t.same(['RequestCpus', 'RequestDisk', 'RequestMemory'].map((name) => modified.getSource(name)), ['6', '106', '1'], 'a real truncated, a boolean 0 or 1; Disk sees the modified RequestCpus');
  const untouched = modifiedRequests(ad({ RequestMemory: '50' }), slotAd, { ...modifiers, RequestCpus: '"four"', RequestMemory: 'Nope', RequestDisk: '' });
  t.same(['RequestCpus', 'RequestDisk', 'RequestMemory'].map((name) => untouched.getSource(name)), [undefined, undefined, '50']);
});

t.test('MUST_MODIFY_REQUEST_EXPRS: a boolean word, else an expression with MY the job and TARGET the slot', async (t) => {
  const job = ad({ RequestMemory: '3000' });
  const must = (text: string) => mustModifyRequests(job, slotAd, { ...DEFAULT_REQUEST_MODIFIERS, mustModify: text });
  t.equal(must(''), false);
  t.equal(must('TRUE'), true);
  t.equal(must('0'), false);
  t.equal(must('RequestMemory > TARGET.Memory / 2'), true);
  t.equal(must('RequestMemory > TARGET.Memory'), false);
  t.equal(must('Nope'), false, 'no boolean: the default');
});

t.test('create_dslot with configured modifiers', async (t) => {
  const memory512 = { ...DEFAULT_REQUEST_MODIFIERS, RequestMemory: 'quantize(RequestMemory,{512})' };
  t.same(carveDynamicSlot(ad({ RequestMemory: '600', RequestDisk: '100' }), pslot, slotAd, 'slot1_1', memory512), {
    name: 'slot1_1', cpus: 1, memoryMb: 1024, diskKb: 1024, parent: 'slot1',
  });
  const none = { RequestCpus: '', RequestDisk: '', RequestMemory: '', mustModify: '' };
  t.same(carveDynamicSlot(ad({ RequestMemory: '600', RequestDisk: '100' }), pslot, slotAd, 'slot1_1', none), {
    name: 'slot1_1', cpus: 1, memoryMb: 600, diskKb: 100, parent: 'slot1',
  }, 'knobs set empty modify nothing');
  const big = { ...DEFAULT_REQUEST_MODIFIERS, RequestMemory: 'quantize(RequestMemory,{8192})' };
  t.same(carveDynamicSlot(ad({ RequestMemory: '600', RequestDisk: '100' }), pslot, slotAd, 'slot1_1', big), {
    name: 'slot1_1', cpus: 1, memoryMb: 600, diskKb: 100, parent: 'slot1',
  }, 'modified requests that no longer fit: all of them as asked');
  t.same(carveDynamicSlot(ad({ RequestMemory: '600', RequestDisk: '100' }), pslot, slotAd, 'slot1_1', { ...big, mustModify: 'true' }), {
    refused: "Partitionable slot can't be split to allocate a dynamic slot large enough for the claim",
  }, 'MUST_MODIFY_REQUEST_EXPRS: no going back');
});
