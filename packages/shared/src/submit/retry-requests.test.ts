// retry_request_memory & co., request_memory/request_disk lists, on_evict_checks and SUBMIT_REQUEST_MISSING_UNITS
// as condor_submit writes them (submit_utils.cpp SetRequestMem, SetRequestDisk, SetOnEvictExpressions).
import t from 'tap';
import type { ClassAd } from '../classad/index.js';
import type { SubmitContext } from './context.js';
import { testSubmitContext } from './context.test-support.js';
import { factorySubmission, ProcFactory } from './factory.js';
import { MacroUsage, expandProcs, parseSubmitFile } from './index.js';

function submit(lines: string, overrides: Partial<SubmitContext> = {}): { ad: ClassAd; usage: MacroUsage } {
  const ctx = testSubmitContext(overrides);
  const usage = new MacroUsage();
  const [ad] = expandProcs(parseSubmitFile(`executable = a\n${lines}\nqueue\n`, ctx), 7, ctx, usage);
  return { ad: ad!, usage };
}

function attrs(ad: ClassAd, names: string[]): Record<string, string | undefined> {
  const json = ad.toJSON();
  return Object.fromEntries(names.map((name) => [name, json[name]]));
}

const ATTRS = ['RequestMemory', 'RetryRequestMemory', 'MaxRequestMemory', 'NextRequestMemory', 'TransformOnEvict', 'RequestDisk', 'RetryRequestDisk'];

t.test('the attributes HTCondor writes (cmd_submit_regress_dry retry_*.sub)', async (t) => {
  const cases: [lines: string, expected: Record<string, string | undefined>][] = [
    ['request_memory = 1GB\nretry_request_memory = 2GB, 8GB', { RequestMemory: '1024', RetryRequestMemory: '{ 2048,8192 }', TransformOnEvict: '"RequestMemory"' }],
    ['request_memory = 1GB, 2G, 8 gb', { RequestMemory: '1024', RetryRequestMemory: '{ 2048,8192 }', TransformOnEvict: '"RequestMemory"' }],
    ['request_memory = 1GB\nretry_request_memory_increase = 512MB\nretry_request_memory_max = 2GB', { RequestMemory: '1024', MaxRequestMemory: '2048', NextRequestMemory: 'RequestMemory + 512', TransformOnEvict: '"RequestMemory"' }],
    ['retry_request_memory = 2GB', { RequestMemory: '128', TransformOnEvict: '"RequestMemory"' }],
    ['request_disk = 10MB, 20MB, 80 m', { RequestMemory: '128', RequestDisk: '10240', RetryRequestDisk: '{ 20480,81920 }', TransformOnEvict: '"RequestDisk"' }],
    ['request_memory = 1GB, 2GB\nrequest_disk = 10MB\nretry_request_disk = 20MB', { RequestMemory: '1024', RequestDisk: '10240', TransformOnEvict: '"RequestMemory RequestDisk"' }],
  ];
  for (const [lines, expected] of cases) {
    const { ad } = submit(lines);
    const all = Object.fromEntries(ATTRS.map((name) => [name, expected[name]]));
    if (all.RequestDisk === undefined) all.RequestDisk = '1024';
    t.same(attrs(ad, ATTRS), all, lines);
  }
  t.equal(submit('request_memory = 1GB\nretry_request_memory = 2GB').ad.getString('TransformBody_RequestMemory'), 'REQUIREMENTS (VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 102\x1eSET RequestMemory 2048');
});

t.test('read only for a request that is a size: otherwise unused lines', async (t) => {
  const expression = submit('request_memory = MemoryUsage * 2\nretry_request_memory = 2GB');
  t.equal(expression.ad.has('TransformOnEvict'), false);
  t.match(expression.usage.warnings().join('\n'), /the line 'retry_request_memory = 2GB' was unused by condor_submit/);
  const noDisk = submit('retry_request_disk = 20MB');
  t.equal(noDisk.ad.has('TransformOnEvict'), false, "request_disk's default is an expression in HTCondor");
  t.match(noDisk.usage.warnings().join('\n'), /the line 'retry_request_disk = 20MB' was unused by condor_submit/);
  t.notMatch(submit('request_memory = 1GB\nretry_request_memory = 2GB').usage.warnings().join('\n'), /retry_request_memory/);
});

t.test("condor_submit's warning and refusals", async (t) => {
  t.same(submit('retry_request_memory = 2GB\nretry_request_memory_increase = 1GB').usage.noted(), ['retry_request_memory_increase will be ignored because retry_request_memory was used']);
  t.throws(() => submit('retry_request_memory = 4GB, 2GB'), { name: 'SubmitError', problem: 'retry_request_memory must have an increasing sequence of values, but 2048 is not greater than 4096' });
  t.throws(() => submit('request_disk = 10MB, (('), { name: 'SubmitError', problem: 'request_disk=(( is invalid. must be an expression or number' });
});

t.test('on_evict_checks: the bodies named, their lines (no blanks, no comments) separated by 0x1e', async (t) => {
  const { ad, usage } = submit('on_evict_checks = Grow, Missing\ntransform_body_Grow @=end\n  REQUIREMENTS VacateReasonCode == 34\n  # double it\n\n  EVALSET RequestMemory RequestMemory * 2\n@end\ntransform_body_Other = SET A 1\nretry_request_memory = 2GB');
  t.equal(ad.getString('TransformOnEvict'), 'Grow RequestMemory');
  t.equal(ad.getString('TransformBody_Grow'), 'REQUIREMENTS VacateReasonCode == 34\x1eEVALSET RequestMemory RequestMemory * 2');
  t.match(usage.warnings().join('\n'), /the line 'transform_body_Other = SET A 1' was unused by condor_submit/);
  t.equal(submit('TransformOnEvict = A\nTransformBody_A = SET RequestCpus 2').ad.getString('TransformBody_A'), 'SET RequestCpus 2', 'looked up by the attribute names too');
});

t.test('SUBMIT_REQUEST_MISSING_UNITS: a size without a unit warned of, or refused with error', async (t) => {
  t.same(submit('request_memory = 50\nrequest_disk = 100\nretry_request_memory = 100, 200MB', { requestMissingUnits: 'warn' }).usage.noted(), [
    'request_memory=50 defaults to megabytes, but should contain a units suffix (i.e K, M, G or T)',
    'retry_request_memory=100, 200MB defaults to megabytes, but should contain a units suffix (i.e K, M, G, or T)',
    'request_disk=100 defaults to kilobytes, should contain a units suffix (i.e K, M, or B)',
  ]);
  // As HTCondor's: without request_memory, its default (JOB_DEFAULT_REQUESTMEMORY = 128) has no unit either.
  t.same(submit('', { requestMissingUnits: 'warn' }).usage.noted(), ['request_memory=128 defaults to megabytes, but should contain a units suffix (i.e K, M, G or T)']);
  t.same(submit('request_memory = 50mb\nretry_request_memory = 400mb', { requestMissingUnits: 'error' }).usage.noted(), []);
  // test_cgroup_oom.py: test_retry_memory_without_units_fails, test_retry_memory_max_without_units_fails.
  const refusals: [lines: string, problem: string][] = [
    ['request_memory = 50mb\nretry_request_memory = 400', 'retry_request_memory=400 defaults to megabytes, but must contain a units suffix (i.e K, M, G, or T)'],
    ['request_memory = 50mb\nretry_request_memory_max = 500', 'retry_request_memory_max=500 defaults to megabytes, but must contain a units suffix (i.e K, M, G, or T)'],
    ['request_memory = 1GB\nretry_request_memory_increase = 100', 'RequestMemory retry increment 100 defaults to megabytes, but must contain a units suffix (i.e K, M, G or T)'],
    ['request_memory = 1GB\nrequest_disk = 10MB, 20', 'request_disk= 20 must contain a units suffix (i.e K, M, G, or T)'],
    ['request_memory = 1GB\nrequest_disk = 10', 'request_disk=10 defaults to kilobytes, must contain a units suffix (i.e K, M, or B)'],
  ];
  for (const [lines, problem] of refusals) t.throws(() => submit(lines, { requestMissingUnits: 'error' }), { name: 'SubmitError', problem }, problem);
});

t.test("a factory's procs get the knobs of the process that materializes them (the schedd's)", async (t) => {
  const ctx = testSubmitContext();
  const submission = factorySubmission(parseSubmitFile('executable = a\nrequest_memory = 1GB\nretry_request_memory = 2GB\nmax_materialize = 1\nqueue 2\n', ctx), 3, ctx);
  if (submission === undefined) throw new Error('not a factory');
  const knobs = { onEvictRequirements: { RequestMemory: 'VacateReasonCode == 34' } };
  const body = new ProcFactory(submission.digest, 3, undefined, undefined, knobs).cluster.stored.TransformBody_RequestMemory;
  t.equal(body, '"REQUIREMENTS VacateReasonCode == 34\\036SET RequestMemory 2048"');
  const unitless = factorySubmission(parseSubmitFile('executable = a\nrequest_memory = 100\nmax_materialize = 1\nqueue 2\n', ctx), 3, ctx)!;
  t.throws(() => new ProcFactory(unitless.digest, 3, undefined, undefined, { requestMissingUnits: 'error' }), {
    name: 'SubmitError',
    problem: 'request_memory=100 defaults to megabytes, but must contain a units suffix (i.e K, M, G or T)',
  });
});
