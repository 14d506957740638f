import t from 'tap';
import pino from 'pino';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { parseCondorConfig, type CondorConfig } from '@tinycondor/shared/condor-config';
import { scheddAd, SubmitRequirements } from './submit-requirements.js';

function logged() {
  const lines: { msg: string; jobId?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, log };
}

t.test('read again when the configuration changes, its problems logged each time it is read', async (t) => {
  const { lines, log } = logged();
  let config: CondorConfig = parseCondorConfig('SUBMIT_REQUIREMENT_NAMES = Broken\nSUBMIT_REQUIREMENT_Broken = RequestMemory >\n', 'c');
  const requirements = new SubmitRequirements(() => config, log, () => ({}));
  t.equal(requirements.active(), false, 'a requirement that does not parse is left out');
  t.equal(requirements.active(), false);
  t.same(lines.map((line) => line.msg), ['Unable to parse submit requirement Broken, ignoring.'], 'logged once per configuration');
  config = parseCondorConfig('SUBMIT_REQUIREMENT_NAMES = Small\nSUBMIT_REQUIREMENT_Small = RequestMemory < 100\n', 'c');
  t.equal(requirements.active(), true);
  const schedd = scheddAd({ name: 'schedd@h', sinfulAddress: '<127.0.0.1:1>' });
  t.equal(requirements.check(ClassAd.parseText('RequestMemory = 10'), '1.0', schedd).refusal, undefined);
  t.same(requirements.check(ClassAd.parseText('RequestMemory = 1000'), '1.0', schedd).refusal, { words: 'Submit requirement Small not met.\n', rval: -1 });
});

t.test('a reason that gives no words is logged with the job it was evaluated for', async (t) => {
  const { lines, log } = logged();
  const config = parseCondorConfig('SUBMIT_REQUIREMENT_NAMES = R\nSUBMIT_REQUIREMENT_R = false\nSUBMIT_REQUIREMENT_R_REASON = NoSuchAttribute\n', 'c');
  new SubmitRequirements(() => config, log, () => ({})).check(new ClassAd(), '3.1', scheddAd({ name: 'schedd@h', sinfulAddress: '' }));
  t.match(lines, [{ msg: 'Submit requirement reason R did not evaluate to a string.', jobId: '3.1' }]);
});

t.test("the schedd's ad: MyType and Name as HTCondor's", async (t) => {
  const ad = scheddAd({ name: 'schedd@h', sinfulAddress: '<127.0.0.1:1?addrs=127.0.0.1-1>' });
  t.equal(ad.getString('MyType'), 'Scheduler');
  t.equal(ad.getString('Name'), 'schedd@h');
  t.equal(ad.getString('ScheddIpAddr'), '<127.0.0.1:1?addrs=127.0.0.1-1>');
});
