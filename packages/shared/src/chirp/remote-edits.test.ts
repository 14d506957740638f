import t from 'tap';
import { ClassAd } from '../classad/index.js';
import { DEFAULT_JOB_ATTR_RULES, jobAttrRules } from '../job-edit.js';
import { ChirpError } from './protocol.js';
import { acceptedDelayedUpdates, remoteEditVerdict } from './remote-edits.js';

const jobAd = new ClassAd();
jobAd.setExpr('Owner', '"alice"');
jobAd.setExpr('WantRemoteUpdates', 'true');
const refusing = jobAttrRules((name) => ({ IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS: 'false', SECURE_JOB_ATTRS: 'ChirpSecret' })[name]);

t.test("a job's write of a secure attribute: answered as set and dropped, or refused EACCES", async (t) => {
  t.same(remoteEditVerdict(jobAd, '1.0', 'AuthTokenId', '"x"', ['Chirp*'], DEFAULT_JOB_ATTR_RULES), { ignored: 'SetAttribute attempt to edit secure attribute AuthTokenId in job 1.0. Ignoring!' });
  t.same(remoteEditVerdict(jobAd, '1.0', 'AuthTokenId', '"x"', ['Chirp*'], refusing), { code: ChirpError.NotAuthorized, reason: 'Attempt to edit secure attribute AuthTokenId in job 1.0. Failing!' });
  t.same(remoteEditVerdict(jobAd, '1.0', 'Owner', '"x"', ['Chirp*'], DEFAULT_JOB_ATTR_RULES), { code: ChirpError.NotAuthorized, reason: 'the job may not set Owner from its run' });
  t.equal(remoteEditVerdict(jobAd, '1.0', 'ChirpFoo', '1', ['Chirp*'], DEFAULT_JOB_ATTR_RULES), undefined);
});

t.test('delayed updates: a secure one is not set', async (t) => {
  const delayedOnly = new ClassAd();
  delayedOnly.setExpr('Owner', '"alice"');
  const { accepted, refused } = acceptedDelayedUpdates(delayedOnly, '1.0', { ChirpFoo: '1', ChirpSecret: '2' }, ['Chirp*'], refusing);
  t.same(accepted, [['ChirpFoo', '1']]);
  t.same(refused, [{ name: 'ChirpSecret', reason: 'Attempt to edit secure attribute ChirpSecret in job 1.0. Failing!' }]);
});
