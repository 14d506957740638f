import t from 'tap';
import { ClassAd } from '../classad/index.js';
import { DEFAULT_JOB_ATTR_RULES, jobAttrRules } from '../job-edit.js';
import { chirpEnablement, DEFAULT_CHIRP_KNOBS, matchesAnyPattern, remoteReadAllowed, remoteWriteAllowed } from './access.js';

const ad = (attrs: Record<string, string>): ClassAd => {
  const jobAd = new ClassAd();
  for (const [name, source] of Object.entries(attrs)) jobAd.setExpr(name, source);
  return jobAd;
};

t.test('initIOProxy: delayed updates for every job by default, updates follow WantIOProxy', async (t) => {
  t.same(chirpEnablement(DEFAULT_CHIRP_KNOBS, ad({})), { files: false, updates: false, delayed: true });
  t.same(chirpEnablement(DEFAULT_CHIRP_KNOBS, ad({ WantIOProxy: 'true' })), { files: true, updates: true, delayed: true });
  t.same(chirpEnablement(DEFAULT_CHIRP_KNOBS, ad({ WantIOProxy: 'true', WantRemoteUpdates: 'false' })), { files: true, updates: false, delayed: true });
  t.same(chirpEnablement(DEFAULT_CHIRP_KNOBS, ad({ WantRemoteUpdates: 'true' })), { files: false, updates: true, delayed: true });
  t.equal(chirpEnablement(DEFAULT_CHIRP_KNOBS, ad({ WantDelayedUpdates: 'false' })), undefined, 'nothing wanted: no .chirp.config');
});

t.test('the knobs have the last word', async (t) => {
  t.equal(chirpEnablement({ ...DEFAULT_CHIRP_KNOBS, enableChirp: false }, ad({ WantIOProxy: 'true' })), undefined);
  const none = { enableChirp: true, enableUpdates: false, enableIo: false, enableDelayed: false };
  t.equal(chirpEnablement(none, ad({ WantIOProxy: 'true' })), undefined);
  t.same(chirpEnablement({ ...DEFAULT_CHIRP_KNOBS, enableIo: false }, ad({ WantIOProxy: 'true' })), { files: false, updates: false, delayed: true }, 'no IO: updates default to false too');
  t.same(chirpEnablement({ ...DEFAULT_CHIRP_KNOBS, enableUpdates: false }, ad({ WantRemoteUpdates: 'true' })), { files: false, updates: false, delayed: true });
  t.equal(chirpEnablement({ ...DEFAULT_CHIRP_KNOBS, enableDelayed: false }, ad({})), undefined);
});

t.test('contains_anycase_withwildcard', async (t) => {
  t.ok(matchesAnyPattern(['Chirp*'], 'ChirpIterationNum'));
  t.ok(matchesAnyPattern(['Chirp*'], 'chirp'));
  t.notOk(matchesAnyPattern(['Chirp*'], 'MyChirp'));
  t.ok(matchesAnyPattern(['*Count'], 'myCOUNT'));
  t.ok(matchesAnyPattern(['A*Z'], 'abcz'));
  t.notOk(matchesAnyPattern(['AB*BA'], 'aba'), 'prefix and suffix do not overlap');
  t.ok(matchesAnyPattern(['Exact'], 'exact'));
});

t.test("the shadow's read and write checks", async (t) => {
  const patterns = ['Chirp*'];
  t.notOk(remoteReadAllowed(ad({})));
  t.ok(remoteReadAllowed(ad({ WantRemoteUpdates: 'true' })));
  t.ok(remoteWriteAllowed(ad({}), 'ChirpFoo', patterns, DEFAULT_JOB_ATTR_RULES), 'delayed updates, by prefix');
  t.notOk(remoteWriteAllowed(ad({}), 'Foo', patterns, DEFAULT_JOB_ATTR_RULES));
  t.notOk(remoteWriteAllowed(ad({ WantDelayedUpdates: 'false' }), 'ChirpFoo', patterns, DEFAULT_JOB_ATTR_RULES));
  t.ok(remoteWriteAllowed(ad({ WantIOProxy: 'true' }), 'Foo', patterns, DEFAULT_JOB_ATTR_RULES));
  t.notOk(remoteWriteAllowed(ad({ WantRemoteUpdates: 'true' }), 'owner', patterns, DEFAULT_JOB_ATTR_RULES), 'immutable');
  t.notOk(remoteWriteAllowed(ad({ WantRemoteUpdates: 'true' }), 'ClusterId', patterns, DEFAULT_JOB_ATTR_RULES));
  const knobs: Record<string, string> = { IMMUTABLE_JOB_ATTRS: 'AcctGroup', PROTECTED_JOB_ATTRS: 'ChirpBar', SECURE_JOB_ATTRS: 'Baz' };
  const rules = jobAttrRules((name) => knobs[name]);
  t.notOk(remoteWriteAllowed(ad({ WantRemoteUpdates: 'true' }), 'acctgroup', patterns, rules), 'IMMUTABLE_JOB_ATTRS');
  t.notOk(remoteWriteAllowed(ad({}), 'ChirpBar', patterns, rules), 'PROTECTED_JOB_ATTRS, even by the delayed prefix');
  t.ok(remoteWriteAllowed(ad({ WantRemoteUpdates: 'true' }), 'Baz', patterns, rules), "a secure attribute is the schedd's to refuse");
});
