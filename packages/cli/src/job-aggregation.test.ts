import t from 'tap';
import { ClassAd, parseExpr } from '@tinycondor/shared/classad/index';
import { aggregateJobs, jobSignature, projectionOf, significantAttrs } from './job-aggregation.js';

function job(cluster: number, proc: number, attrs: Record<string, string>): ClassAd {
  const ad = new ClassAd().set('ClusterId', cluster).set('ProcId', proc);
  for (const [name, source] of Object.entries(attrs)) ad.setExpr(name, source);
  return ad;
}

t.test('the signature: significant attributes, then what they refer to (getClusterid with expand_refs)', async (t) => {
  const ad = job(1, 0, { Owner: '"alice"', RequestMemory: 'ifThenElse(MemoryUsage =!= undefined, MemoryUsage, 128)', MemoryUsage: '100' });
  ad.setExpr('Requirements', 'TARGET.Memory >= RequestMemory && MY.Extra =?= true');
  t.same(jobSignature(ad, ['Requirements', 'Owner', 'Missing']), [
    'Requirements = TARGET.Memory >= RequestMemory && MY.Extra =?= true',
    'Owner = "alice"',
    'Missing = ',
    'Extra = ',
    'MemoryUsage = 100',
    'RequestMemory = ifThenElse(MemoryUsage =!= undefined,MemoryUsage,128)',
  ]);
});

t.test('groups: ids as met, JobIds first ... last, JobCount; constraint on jobs (-group-by) and on the groups', async (t) => {
  const jobs = [job(2, 0, { Owner: '"bob"' }), job(1, 0, { Owner: '"alice"' }), job(1, 1, { Owner: '"alice"' }), job(1, 2, { Owner: '"alice"' }), job(3, 0, { Owner: '"bob"' })];
  const groups = aggregateJobs(jobs, ['Owner'], { idAttr: 'Id' });
  t.same(groups.map((g) => [g.getInt('Id'), g.getString('Owner'), g.getString('JobIds'), g.getInt('JobCount')]), [[1, 'alice', '1.0 ... 1.2', 3], [2, 'bob', '2.0 3.0', 2]]);
  t.same(aggregateJobs(jobs, ['Owner'], { idAttr: 'Id', constraint: parseExpr('ClusterId == 3 || Owner == "alice"') }).map((g) => g.getString('JobIds')), ['1.0 ... 1.2'], 'the bob group ad has no ClusterId');
  t.same(aggregateJobs(jobs, ['Owner'], { idAttr: 'Id', constraint: parseExpr('ClusterId == 3') }).length, 0);
  t.same(aggregateJobs(jobs, [], { idAttr: 'AutoClusterId' }).map((g) => [...g.names()]), [['AutoClusterId', 'JobIds', 'JobCount']], 'no attributes: one group');
  t.same(aggregateJobs(jobs, ['Owner'], { idAttr: 'AutoClusterId', constraint: parseExpr('ClusterId == 3') }).length, 0, '-autocluster: the constraint selects groups only');
  const limited = aggregateJobs([job(1, 0, { Owner: '"zed"' }), job(2, 0, { Owner: '"amy"' })], ['Owner'], { idAttr: 'Id', limit: 1 });
  t.same(limited.map((g) => [g.getInt('Id'), g.getString('Owner')]), [[2, 'amy']], '-limit counts groups in signature order');
});

t.test('-group-by\'s attributes: those the shown expressions refer to, sorted, once', async (t) => {
  t.same(projectionOf(['RequestMemory / 1024', 'owner', 'Owner', 'TARGET.Memory'], ['JobUniverse']), ['JobUniverse', 'owner', 'RequestMemory']);
});

t.test('the default autocluster\'s attributes: SIGNIFICANT_ATTRIBUTES, else the slots\' references and MinimalSigAttrs', async (t) => {
  t.same(significantAttrs('Owner, RequestCpus', []), ['Owner', 'RequestCpus']);
  const slot = new ClassAd().set('Memory', 1024).set('Name', 'slot1@host');
  slot.setExpr('Start', 'TARGET.RequestMemory <= Memory && CurrentTime > 0 && Slot1_Busy =!= true');
  slot.setExpr('Rank', 'TARGET.JobPrio');
  slot.setExpr('ChildCpus', '{ TARGET.x }');
  t.same(significantAttrs(undefined, [slot]), ['JobPrio', 'RequestCpus', 'RequestDisk', 'RequestMemory', 'ConcurrencyLimits', 'FlockTo', 'Rank', 'Requirements']);
  t.same(significantAttrs(undefined, []), ['RequestCpus', 'RequestDisk', 'RequestMemory', 'ConcurrencyLimits', 'FlockTo', 'Rank', 'Requirements'], 'the requests the matchmaker checks');
});
