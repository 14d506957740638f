import t from 'tap';
import { patProducerAnswer } from './docker-credentials.js';

t.test("the producer's config.json is the answer, as the shadow sends the ad it parsed", async (t) => {
  const config = { auths: { 'https://index.docker.io/v1/': { auth: 'dXNlcjpwYXQ=', uuid: 'u-1' } } };
  t.same(patProducerAnswer(true, `${JSON.stringify(config, null, 2)}\n`), { config: JSON.stringify(config) });
});

t.test("a producer that failed: its HTCondorError, else the shadow's own words", async (t) => {
  t.same(patProducerAnswer(false, '{\n"HTCondorError":"Docker config.json not found at /home/u/.docker/config.json"\n}\n'), {
    error: 'Docker config.json not found at /home/u/.docker/config.json',
  });
  t.same(patProducerAnswer(false, ''), { error: 'Cannot parse output of docker pat producer' });
  t.same(patProducerAnswer(false, '{"auths": {}}'), { error: 'Cannot parse output of docker pat producer' });
});

t.test('a producer that succeeded without a JSON object, or with an HTCondorError, gives no credentials', async (t) => {
  t.same(patProducerAnswer(true, ''), { error: 'Cannot parse json emitted by docker pat producer' });
  t.same(patProducerAnswer(true, 'token'), { error: 'Cannot parse json emitted by docker pat producer' });
  t.same(patProducerAnswer(true, '[1]'), { error: 'Cannot parse json emitted by docker pat producer' });
  t.same(patProducerAnswer(true, '{}'), { error: 'Cannot parse json emitted by docker pat producer' });
  t.same(patProducerAnswer(true, '{"HTCondorError": "Failed to generate PAT."}'), { error: 'Failed to generate PAT.' }, 'the starter holds the job with it');
});
