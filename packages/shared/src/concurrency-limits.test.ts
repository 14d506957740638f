import t from 'tap';
import { ClassAd } from './classad/index.js';
import {
  CONCURRENCY_LIMIT_DEFAULT,
  LimitsInUse,
  concurrencyLimitsAttribute,
  jobConcurrencyLimits,
  limitMaximum,
  limitReached,
  limitsRejectionReason,
  parseConcurrencyLimit,
} from './concurrency-limits.js';

t.test('parseConcurrencyLimit: ParseConcurrencyLimit', async (t) => {
  t.same(parseConcurrencyLimit('foo'), { name: 'foo', weight: 1, valid: true });
  t.same(parseConcurrencyLimit('foo:2.5'), { name: 'foo', weight: 2.5, valid: true });
  t.same(parseConcurrencyLimit('large.sw_1:3'), { name: 'large.sw_1', weight: 3, valid: true });
  t.same(parseConcurrencyLimit('_x'), { name: '_x', weight: 1, valid: true });
  // strtod: a weight that is no number, zero or negative counts 1; trailing text is ignored.
  for (const [entry, weight] of [['foo:x', 1], ['foo:0', 1], ['foo:-2', 1], ['foo:', 1], ['foo:2x', 2], ['foo:.5', 0.5], ['foo:1e1', 10]] as const) {
    t.equal(parseConcurrencyLimit(entry).weight, weight, entry);
  }
  for (const entry of ['1foo', 'a.b.c', 'foo.', '.foo', ':2', '', 'fo-o', 'fóo']) t.notOk(parseConcurrencyLimit(entry).valid, `${entry} is invalid`);
});

t.test('concurrencyLimitsAttribute: SetConcurrencyLimits lower-cases, checks, sorts and joins with commas', async (t) => {
  t.same(concurrencyLimitsAttribute('XSW, Database  FILESERVER:3'), { value: 'database,fileserver:3,xsw' });
  t.same(concurrencyLimitsAttribute('b,a:2,\tA'), { value: 'a,a:2,b' });
  t.same(concurrencyLimitsAttribute(' , '), { value: undefined });
  t.same(concurrencyLimitsAttribute('ok, 2bad:1'), { invalid: '2bad:1' });
  t.same(concurrencyLimitsAttribute('Set.Sub.X'), { invalid: 'set.sub.x' });
});

t.test('jobConcurrencyLimits: the string, or the expression evaluated with the slot as TARGET', async (t) => {
  let built = 0;
  const slot = () => {
    built++;
    return ClassAd.fromJSON({ NETWORK: '"NETWORK_A"' });
  };
  t.equal(jobConcurrencyLimits(ClassAd.fromJSON({}), slot), undefined);
  t.equal(jobConcurrencyLimits(ClassAd.fromJSON({ ConcurrencyLimits: '"FOO,bar"' }), slot), 'foo,bar');
  t.equal(built, 0, 'no slot ad for a string');
  t.equal(jobConcurrencyLimits(ClassAd.fromJSON({ ConcurrencyLimits: 'strcat("SWX:2 ", TARGET.NETWORK)' }), slot), 'swx:2 network_a');
  t.equal(jobConcurrencyLimits(ClassAd.fromJSON({ ConcurrencyLimits: 'TARGET.Missing' }), slot), undefined, 'undefined: no limits');
  t.equal(jobConcurrencyLimits(ClassAd.fromJSON({ ConcurrencyLimits: '""' }), slot), undefined);
});

t.test('limitMaximum: GetLimitMax', async (t) => {
  const knobs: Record<string, number> = { FOO_LIMIT: 1, CONCURRENCY_LIMIT_DEFAULT_LARGE: 100, 'large.special_LIMIT': 7 };
  const upper = Object.fromEntries(Object.entries(knobs).map(([k, v]) => [k.toUpperCase(), v]));
  // Knob names are case-insensitive, as the pool's configuration reads them.
  const knob = (name: string) => upper[name.toUpperCase()];
  t.equal(limitMaximum('foo', knob), 1);
  t.equal(limitMaximum('bar', knob), CONCURRENCY_LIMIT_DEFAULT, 'the built-in default');
  t.equal(limitMaximum('large.swlicense', knob), 100, "the set's default");
  t.equal(limitMaximum('large.special', knob), 7, 'a named limit over its set');
  t.equal(limitMaximum('other.license', knob), CONCURRENCY_LIMIT_DEFAULT);
  const withDefault = (name: string) => (name === 'CONCURRENCY_LIMIT_DEFAULT' ? 5 : knob(name));
  t.equal(limitMaximum('other.license', withDefault), 5, 'CONCURRENCY_LIMIT_DEFAULT for a set without its own');
  t.equal(limitMaximum('large.x', withDefault), 100);
});

t.test('limitReached: rejectForConcurrencyLimits (in use + weight > maximum)', async (t) => {
  const maximum = (name: string) => ({ foo: 1, bar: 2.5 })[name] ?? CONCURRENCY_LIMIT_DEFAULT;
  const inUse = new LimitsInUse();
  t.equal(limitReached('foo', inUse, maximum), undefined);
  t.equal(limitReached('foo:2', inUse, maximum), 'foo', 'a weight over the maximum never fits');
  inUse.add('foo,bar:1.5,bad-name');
  t.equal(inUse.count('foo'), 1);
  t.equal(limitReached('foo', inUse, maximum), 'foo', 'at the maximum');
  t.equal(limitReached('bar', inUse, maximum), undefined, '1.5 + 1 = 2.5 fits 2.5');
  t.equal(limitReached('bar:1.5', inUse, maximum), 'bar');
  t.equal(limitReached('bar,foo', inUse, maximum), 'foo', 'the first reached');
  t.equal(limitReached('9invalid,baz', inUse, maximum), undefined, 'invalid entries are ignored');
  t.equal(limitsRejectionReason(['foo', 'bar', 'foo']), 'concurrency limit bar, foo reached');
});
