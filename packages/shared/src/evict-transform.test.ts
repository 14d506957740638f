import t from 'tap';
import { ClassAd, parseExpr } from './classad/index.js';
import { simpleTransform, transformOnEvict } from './evict-transform.js';

const MEMORY_REQUIREMENTS = 'REQUIREMENTS (VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 102\x1e';
const SETTINGS = { configRaw: () => undefined, env: {} };

/** A job as condor_submit writes it, evicted with the codes given (34/102: over its memory). */
function job(attributes: Record<string, string | { text: string }>, code = 34, subCode = 102): ClassAd {
  const ad = new ClassAd();
  ad.set('ClusterId', 1).set('ProcId', 0).set('RequestMemory', 1024);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string') ad.setExpr(name, value);
    else ad.set(name, value.text);
  }
  ad.set('VacateReasonCode', code).set('VacateReasonSubCode', subCode);
  return ad;
}

/** A string attribute (the transform bodies hold 0x1e separators). */
const body = (text: string): { text: string } => ({ text });

t.test('set_simple_transform', async (t) => {
  t.same(simpleTransform('A', '# note\n\nREQUIREMENTS x == 1\x1eSET y 2'), { name: 'A', requirements: { source: 'x == 1', expr: parseExpr('x == 1') }, lines: ['SET y 2'] });
  t.same((simpleTransform('A', 'SET y 2\nREQUIREMENTS x') as { lines: string[] }).lines, ['SET y 2', 'REQUIREMENTS x'], 'REQUIREMENTS only counts first');
  t.equal(simpleTransform('A', 'REQUIREMENTS x == 1'), undefined, 'nothing after the requirements: no transform');
  t.equal(simpleTransform('A', 'REQUIREMENTS x == (\x1eSET y 2'), 'invalid');
});

t.test('TransformOnEvict: what the schedd does with a job it would hold', async (t) => {
  const list = `${MEMORY_REQUIREMENTS}EVALSET RequestMemory RetryRequestMemory[RetryRequestMemoryIndex?:0]\x1eEVALSET RetryRequestMemoryIndex MIN({size(RetryRequestMemory)-1, (RetryRequestMemoryIndex?:0)+1})`;
  const cases: [name: string, ad: ClassAd, applied: string | undefined, after: Record<string, number | string | undefined>][] = [
    ['retry_request_memory = 2GB', job({ TransformOnEvict: '"RequestMemory"', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }), 'RequestMemory', { RequestMemory: 2048 }],
    ['retry_request_memory = 2GB, already 2048: held', job({ RequestMemory: '2048', TransformOnEvict: '"RequestMemory"', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }), undefined, { RequestMemory: 2048 }],
    ['not over its memory (disk): held', job({ TransformOnEvict: '"RequestMemory"', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }, 34, 104), undefined, { RequestMemory: 1024 }],
    ['held by the startd (21/102): retried', job({ TransformOnEvict: '"RequestMemory"', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }, 21, 102), 'RequestMemory', { RequestMemory: 2048 }],
    ['list, first eviction', job({ TransformOnEvict: '"RequestMemory"', RetryRequestMemory: '{ 2048,8192 }', TransformBody_RequestMemory: body(list) }), 'RequestMemory', { RequestMemory: 2048, RetryRequestMemoryIndex: 1 }],
    ['list, second eviction', job({ RequestMemory: '2048', RetryRequestMemoryIndex: '1', TransformOnEvict: '"RequestMemory"', RetryRequestMemory: '{ 2048,8192 }', TransformBody_RequestMemory: body(list) }), 'RequestMemory', { RequestMemory: 8192, RetryRequestMemoryIndex: 1 }],
    ['list, at its last value: held', job({ RequestMemory: '8192', RetryRequestMemoryIndex: '1', TransformOnEvict: '"RequestMemory"', RetryRequestMemory: '{ 2048,8192 }', TransformBody_RequestMemory: body(list) }), undefined, { RequestMemory: 8192 }],
    [
      'increment with a maximum',
      job({ TransformOnEvict: '"RequestMemory"', MaxRequestMemory: '2048', NextRequestMemory: 'RequestMemory + 768', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}EVALSET RequestMemory MIN({NextRequestMemory, MaxRequestMemory})`) }),
      'RequestMemory',
      { RequestMemory: 1792 },
    ],
    [
      'increment capped at the maximum',
      job({ RequestMemory: '1792', TransformOnEvict: '"RequestMemory"', MaxRequestMemory: '2048', NextRequestMemory: 'RequestMemory + 768', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}EVALSET RequestMemory MIN({NextRequestMemory, MaxRequestMemory})`) }),
      'RequestMemory',
      { RequestMemory: 2048 },
    ],
    [
      'on_evict_checks changing no request: kept, and the next transform tried',
      job({ TransformOnEvict: '"Note RequestMemory"', TransformBody_Note: body('EVALSET Evictions (Evictions ?: 0) + 1'), TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }),
      'RequestMemory',
      { RequestMemory: 2048, Evictions: 1 },
    ],
    [
      'on_evict_checks without requirements: any hold',
      job({ TransformOnEvict: '"Grow"', TransformBody_Grow: body('EVALSET RequestDisk 4096') }, 13, 2),
      'Grow',
      { RequestDisk: 4096 },
    ],
    ['the first that applies wins', job({ TransformOnEvict: '"A B"', TransformBody_A: body('SET RequestCpus 2'), TransformBody_B: body('SET RequestCpus 4') }), 'A', { RequestCpus: 2 }],
    ['a tag without a body', job({ TransformOnEvict: '"Missing"' }), undefined, { RequestMemory: 1024 }],
    ['invalid requirements', job({ TransformOnEvict: '"Bad"', TransformBody_Bad: body('REQUIREMENTS ((\x1eSET RequestMemory 2')}), undefined, { RequestMemory: 1024 }],
    ['no TransformOnEvict', job({}), undefined, { RequestMemory: 1024 }],
    // on_exit_hold / periodic_hold (job-state.ts policyHoldTransforms): the shadow's HoldReasonCode 3, no vacate codes.
    ['policy hold: the built-in memory check does not match', job({ HoldReasonCode: '3', TransformOnEvict: '"RequestMemory"', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }, 0, 0), undefined, { RequestMemory: 1024 }],
    ['policy hold: a check on HoldReasonCode does', job({ HoldReasonCode: '3', TransformOnEvict: '"Grow"', TransformBody_Grow: body('REQUIREMENTS HoldReasonCode == 3\x1eEVALSET RequestMemory RequestMemory * 2') }, 0, 0), 'Grow', { RequestMemory: 2048 }],
  ];
  for (const [name, ad, applied, after] of cases) {
    const result = transformOnEvict(ad, '1.0', SETTINGS);
    t.equal(result.applied, applied, `${name}: applied`);
    for (const [attribute, value] of Object.entries(after)) {
      const got = result.ad.evaluate(attribute);
      t.equal('value' in got ? got.value : undefined, value, `${name}: ${attribute}`);
    }
  }
});

t.test("the schedd's log lines", async (t) => {
  const ad = job({ TransformOnEvict: '"Bad RequestMemory"', TransformBody_Bad: body('REQUIREMENTS ((\x1eSET A 1'), TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) });
  t.same(transformOnEvict(ad, '1.0', SETTINGS).log, [
    'TransformOnEvict 1.0 invalid requirements in Bad',
    'TransformOnEvict 1.0 MATCHES RequestMemory requirements',
    'TransformOnEvict=RequestMemory applied to job 1.0, skipping other transforms',
  ]);
  t.same(transformOnEvict(job({ TransformOnEvict: '"RequestMemory"', TransformBody_RequestMemory: body(`${MEMORY_REQUIREMENTS}SET RequestMemory 2048`) }, 1, 0), '1.0', SETTINGS).log, [
    'TransformOnEvict 1.0 does not match RequestMemory requirements',
  ]);
});
