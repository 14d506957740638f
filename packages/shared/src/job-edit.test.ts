import t from 'tap';
import { attributeProtection, DEFAULT_JOB_ATTR_RULES, editVerdict, isValidAttrName, isValidAttrValue, jobAttrRules, secureAttributeVerdict, type AttributeSetter } from './job-edit.js';

const owner: AttributeSetter = { user: 'alice', mayEditJob: true, superUser: false, allowProtectedChanges: true };
const superUser: AttributeSetter = { user: 'root', mayEditJob: true, superUser: true, allowProtectedChanges: true };
const other: AttributeSetter = { user: 'mallory', mayEditJob: false, superUser: false, allowProtectedChanges: true };
/** The shadow passing on a job's own Chirp writes: a superuser, protected changes disallowed. */
const shadow: AttributeSetter = { user: 'alice', mayEditJob: true, superUser: true, allowProtectedChanges: false };

const rulesOf = (knobs: Record<string, string>) => jobAttrRules((name) => knobs[name]);
/** Why `editVerdict` refuses, or undefined when it sets or drops the attribute. */
const editRefusal = (...args: Parameters<typeof editVerdict>) => {
  const verdict = editVerdict(...args);
  return verdict !== undefined && 'refused' in verdict ? verdict.refused : undefined;
};

t.test('names and values as HTCondor checks them', async (t) => {
  t.ok(isValidAttrName('_My_Attr2'));
  t.notOk(isValidAttrName('2x'));
  t.notOk(isValidAttrName('a-b'));
  t.ok(isValidAttrValue('(Arch == "X86_64") && Memory > 1'));
  t.notOk(isValidAttrValue(' '));
  t.notOk(isValidAttrValue('1\n2'));
  t.notOk(isValidAttrValue('(('));
});

t.test("the knobs: each admin list with its SYSTEM_ list, param_info.in's defaults for those unset", async (t) => {
  t.same([...DEFAULT_JOB_ATTR_RULES.immutable], ['owner', 'clusterid', 'jobuniverse', 'procid', 'mytype', 'targettype', 'user', 'osuser']);
  t.same([...DEFAULT_JOB_ATTR_RULES.protected], [], 'SYSTEM_PROTECTED_JOB_ATTRS is empty');
  t.equal(DEFAULT_JOB_ATTR_RULES.secure.size, 13);
  const rules = rulesOf({
    IMMUTABLE_JOB_ATTRS: ' AcctGroup AcctGroupUser,AccountingGroup',
    PROTECTED_JOB_ATTRS: 'Bar,\tBaz',
    SECURE_JOB_ATTRS: 'Secret',
    SYSTEM_SECURE_JOB_ATTRS: '',
  });
  t.ok(['acctgroup', 'acctgroupuser', 'accountinggroup', 'owner'].every((name) => rules.immutable.has(name)), 'commas and blanks separate, the system list stays');
  t.same([...rules.protected], ['bar', 'baz']);
  t.same([...rules.secure], ['secret'], 'a SYSTEM_ list set empty has no attributes');
  t.same([...rulesOf({ SYSTEM_IMMUTABLE_JOB_ATTRS: 'Owner' }).immutable], ['owner']);
  t.equal(DEFAULT_JOB_ATTR_RULES.ignoreSecureAttempts, true, 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS defaults to true');
  t.equal(rulesOf({ IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS: 'False' }).ignoreSecureAttempts, false);
  t.equal(rulesOf({ IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS: '' }).ignoreSecureAttempts, true, 'set empty is unset');
  const problems: string[] = [];
  t.equal(jobAttrRules((name) => (name === 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS' ? 'maybe' : undefined), problems).ignoreSecureAttempts, true);
  t.same(problems, ['IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS in the condor configuration  is not a valid boolean ("maybe").  Please set it to True or False (default is True)']);
});

t.test('a secure attribute: dropped quietly by default, refused when IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS is false', async (t) => {
  t.same(secureAttributeVerdict('3.-1', 'AuthTokenId', DEFAULT_JOB_ATTR_RULES), { ignored: 'SetAttribute attempt to edit secure attribute AuthTokenId in job 3.-1. Ignoring!' });
  const refusing = rulesOf({ IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS: 'false', SECURE_JOB_ATTRS: 'Secret' });
  t.same(secureAttributeVerdict('3.0', 'secret', refusing), { refused: 'Attempt to edit secure attribute secret in job 3.0. Failing!' });
  t.equal(secureAttributeVerdict('3.0', 'JobPrio', refusing), undefined);
  t.same(editVerdict('1.0', 'AuthTokenId', '"x"', DEFAULT_JOB_ATTR_RULES, other), { ignored: 'SetAttribute attempt to edit secure attribute AuthTokenId in job 1.0. Ignoring!' }, "dropped before whose job it is is asked, as HTCondor's schedd does");
  t.same(editVerdict('1.0', '2x', '1', DEFAULT_JOB_ATTR_RULES, owner), { refused: 'Got invalid attribute named 2x for job 1.0' });
  t.equal(editVerdict('1.0', 'JobPrio', '5', DEFAULT_JOB_ATTR_RULES, owner), undefined);
});

t.test("protection: qedit's order is immutable, protected, secure", async (t) => {
  const rules = rulesOf({ PROTECTED_JOB_ATTRS: 'Bar OsUser' });
  t.equal(attributeProtection('OsUser', rules), 'immutable');
  t.equal(attributeProtection('bar', rules), 'protected');
  t.equal(attributeProtection('authtokenid', rules), 'secure');
  t.equal(attributeProtection('JobPrio', rules), 'normal');
});

t.test("who may set what: ModifyAttrCheck's checks in its order", async (t) => {
  const rules = rulesOf({ IMMUTABLE_JOB_ATTRS: 'AcctGroup', PROTECTED_JOB_ATTRS: 'Bar', IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS: 'false' });
  t.equal(editRefusal('1.0', 'OsUser', '"x"', rules, superUser), 'Attempt to edit secure attribute OsUser in job 1.0. Failing!', 'secure first, even for a superuser');
  t.equal(editRefusal('1.0', 'AuthTokenId', '"x"', rules, other), 'Attempt to edit secure attribute AuthTokenId in job 1.0. Failing!', 'secure before whose job it is');
  t.equal(editRefusal('1.0', 'JobPrio', '5', rules, other), 'User mallory may not change attributes for jobs they do not own (job 1.0)');
  t.equal(editRefusal('1.0', 'Owner', '"x"', rules, owner), 'Attempt to edit immutable attribute Owner in job 1.0');
  t.equal(editRefusal('1.0', 'acctgroup', '"x"', rules, superUser), 'Attempt to edit immutable attribute acctgroup in job 1.0', 'immutable for a superuser too');
  t.equal(
    editRefusal('1.0', 'Bar', '1', rules, owner),
    'Unauthorized setting of protected attribute Bar denied for real owner alice (effective owner alice; allowed protected attribute change = true) in job 1.0',
  );
  t.equal(editRefusal('1.0', 'Bar', '1', rules, superUser), undefined, 'a queue superuser changes a protected attribute');
  t.match(editRefusal('1.0', 'Bar', '1', rules, shadow), /allowed protected attribute change = false/, "not when her process writes for a job's owner");
  t.match(editRefusal('1.0', 'JobStatus', '5', rules, superUser), /use condor_hold, condor_release/);
  t.equal(editRefusal('1.0', 'JobPrio', '5', rules, owner), undefined);
  t.equal(editRefusal('1.0', 'AcctGroup', '"x"', DEFAULT_JOB_ATTR_RULES, owner), undefined, 'unless configured, AcctGroup is an ordinary attribute');
  t.equal(editRefusal('1.0', '2x', '1', rules, other), 'Got invalid attribute named 2x for job 1.0', 'names and values before anything');
});
