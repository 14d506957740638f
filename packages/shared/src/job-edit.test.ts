import t from 'tap';
import { attributeProtection, DEFAULT_JOB_ATTR_RULES, editRefusal, isValidAttrName, isValidAttrValue, jobAttrRules, type AttributeSetter } from './job-edit.js';

const owner: AttributeSetter = { user: 'alice', mayEditJob: true, superUser: false, allowProtectedChanges: true };
const superUser: AttributeSetter = { user: 'root', mayEditJob: true, superUser: true, allowProtectedChanges: true };
const other: AttributeSetter = { user: 'mallory', mayEditJob: false, superUser: false, allowProtectedChanges: true };
/** The shadow passing on a job's own Chirp writes: a superuser, protected changes disallowed. */
const shadow: AttributeSetter = { user: 'alice', mayEditJob: true, superUser: true, allowProtectedChanges: false };

const rulesOf = (knobs: Record<string, string>) => jobAttrRules((name) => knobs[name]);

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
});

t.test("protection: qedit's order is immutable, protected, secure", async (t) => {
  const rules = rulesOf({ PROTECTED_JOB_ATTRS: 'Bar OsUser' });
  t.equal(attributeProtection('OsUser', rules), 'immutable');
  t.equal(attributeProtection('bar', rules), 'protected');
  t.equal(attributeProtection('authtokenid', rules), 'secure');
  t.equal(attributeProtection('JobPrio', rules), 'normal');
});

t.test("who may set what: ModifyAttrCheck's checks in its order", async (t) => {
  const rules = rulesOf({ IMMUTABLE_JOB_ATTRS: 'AcctGroup', PROTECTED_JOB_ATTRS: 'Bar' });
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
