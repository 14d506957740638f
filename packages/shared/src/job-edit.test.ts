import t from 'tap';
import { attributeProtection, editRefusal, isValidAttrName, isValidAttrValue } from './job-edit.js';

t.test('names and values as HTCondor checks them', async (t) => {
  t.ok(isValidAttrName('_My_Attr2'));
  t.notOk(isValidAttrName('2x'));
  t.notOk(isValidAttrName('a-b'));
  t.ok(isValidAttrValue('(Arch == "X86_64") && Memory > 1'));
  t.notOk(isValidAttrValue(' '));
  t.notOk(isValidAttrValue('1\n2'));
  t.notOk(isValidAttrValue('(('));
});

t.test('protection: immutable before secure in the tool, secure first in the schedd', async (t) => {
  t.equal(attributeProtection('OsUser'), 'immutable');
  t.equal(attributeProtection('authtokenid'), 'secure');
  t.equal(attributeProtection('JobPrio'), 'normal');
  t.equal(editRefusal('1.0', 'OsUser', '"x"'), 'Attempt to edit secure attribute OsUser in job 1.0. Failing!');
  t.equal(editRefusal('1.0', 'Owner', '"x"'), 'Attempt to edit immutable attribute Owner in job 1.0');
  t.match(editRefusal('1.0', 'JobStatus', '5'), /use condor_hold, condor_release/);
  t.equal(editRefusal('1.0', 'JobPrio', '5'), undefined);
});
