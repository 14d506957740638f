import t from 'tap';
import { ClassAd } from './classad/index.js';
import { jobArguments, jobEnvironment } from './job-command.js';

t.test('jobArguments: Arguments is V2 raw (single quotes group, doubled quote escapes)', async (t) => {
  const ad = new ClassAd().set('Arguments', "-n 3 'two words' 'it''s' ''");
  t.same(jobArguments(ad), ['-n', '3', 'two words', "it's", '']);
});

t.test('jobArguments: Args is V1 raw, split on whitespace only', async (t) => {
  const ad = new ClassAd().set('Args', "  -n\t3  'not grouped'  \"x\" ");
  t.same(jobArguments(ad), ['-n', '3', "'not", "grouped'", '"x"']);
});

t.test('jobArguments: Arguments wins over Args; none gives no arguments', async (t) => {
  t.same(jobArguments(new ClassAd().set('Arguments', 'new').set('Args', 'old')), ['new']);
  t.same(jobArguments(new ClassAd().set('Arguments', '').set('Args', 'old')), []);
  t.same(jobArguments(new ClassAd()), []);
});

t.test('jobEnvironment: Environment is V2 raw', async (t) => {
  const ad = new ClassAd().set('Environment', "A=1 'B=two words' C= D=x=y 'E=it''s' NOEQUALS");
  t.same(jobEnvironment(ad), { A: '1', B: 'two words', C: '', D: 'x=y', E: "it's" });
});

t.test('jobEnvironment: Env is V1 raw, separated by ;', async (t) => {
  const ad = new ClassAd().set('Env', 'A=1;B=two words; C=3;;=bad;D=x=y');
  t.same(jobEnvironment(ad), { A: '1', B: 'two words', C: '3', D: 'x=y' });
});

t.test('jobEnvironment: Environment wins over Env; none gives an empty environment', async (t) => {
  t.same(jobEnvironment(new ClassAd().set('Environment', 'NEW=1').set('Env', 'OLD=1')), { NEW: '1' });
  t.same(jobEnvironment(new ClassAd().set('Environment', '').set('Env', 'OLD=1')), {});
  t.same(jobEnvironment(new ClassAd()), {});
});
