import t from 'tap';
import { ClassAd } from './classad.js';
import { unparseValue } from './unparse.js';

const ad = ClassAd.parseText('Owner = "alice"\nL = {3, 1.5, 2}\nS = "a, b,c"');
const ev = (source: string): string => unparseValue(ad.evaluateExpr(source));

t.test('type predicates and ifThenElse', async (t) => {
  t.equal(ev('isUndefined(Nope)'), 'true');
  t.equal(ev('ISUNDEFINED(Owner)'), 'false', 'names are case-insensitive');
  t.equal(ev('isError(1/0)'), 'true');
  t.equal(ev('isString(Owner) && isInteger(1) && isReal(1.0) && isBoolean(false) && isList(L)'), 'true');
  t.equal(ev('isInteger(1.0)'), 'false');
  t.equal(ev('ifThenElse(Owner == "ALICE", "yes", 1/0)'), '"yes"');
  t.equal(ev('ifThenElse(Nope, 1, 2)'), 'undefined');
  t.equal(ev('ifThenElse(1)'), 'error');
});

t.test('string functions', async (t) => {
  t.equal(ev('strcat("a", 1, 2.5, true, Owner)'), '"a12.5truealice"');
  t.equal(ev('strcat("a", Nope)'), 'undefined');
  t.equal(ev('substr("abcdef", 2)'), '"cdef"');
  t.equal(ev('substr("abcdef", 1, 3)'), '"bcd"');
  t.equal(ev('substr("abcdef", -2)'), '"ef"');
  t.equal(ev('substr("abcdef", 1, -2)'), '"bcd"');
  t.equal(ev('substr("abc", 10)'), '""');
  t.equal(ev('strcmp("a", "b")'), '-1');
  t.equal(ev('strcmp("A", "a")'), '-1');
  t.equal(ev('stricmp("A", "a")'), '0');
  t.equal(ev('toUpper(Owner)'), '"ALICE"');
  t.equal(ev('toLower("MiXeD")'), '"mixed"');
  t.equal(ev('size(Owner)'), '5');
  t.equal(ev('size(L)'), '3');
  t.equal(ev('size(1)'), 'error');
  t.equal(ev('string(1.5)'), '"1.5"');
  t.equal(ev('string(L)'), '"{ 3,1.5,2 }"');
  t.equal(ev('splitUserName("bob@example.org")'), '{ "bob","example.org" }');
});

t.test('conversions and math', async (t) => {
  t.equal(ev('int(3.9)'), '3');
  t.equal(ev('int(-3.9)'), '-3');
  t.equal(ev('int("42")'), '42');
  t.equal(ev('int("x")'), 'error');
  t.equal(ev('real(2)'), '2.0');
  t.equal(ev('real("1e3")'), '1000.0');
  t.equal(ev('floor(2.5)'), '2');
  t.equal(ev('ceiling(2.1)'), '3');
  t.equal(ev('round(2.5)'), '3');
  t.equal(ev('round(-2.5)'), '-3');
  t.equal(ev('floor(7)'), '7');
  t.equal(ev('abs(-3)'), '3');
  t.equal(ev('abs(-2.5)'), '2.5');
  t.equal(ev('pow(2, 10)'), '1024');
  t.equal(ev('pow(2, -1)'), '0.5');
  t.equal(ev('min(L)'), '1.5');
  t.equal(ev('max(3, 7, 5)'), '7');
  t.equal(ev('sum({1, 2, 3})'), '6');
  t.equal(ev('sum(L)'), '6.5');
  t.equal(ev('sum({})'), '0');
  t.equal(ev('max({})'), 'undefined');
  t.equal(ev('sum({1, "x"})'), 'error');
  t.equal(ev('debug(1 + 1)'), '2');
});

t.test('list membership', async (t) => {
  t.equal(ev('member(2, L)'), 'true');
  t.equal(ev('member("A", {"a", "b"})'), 'true', 'member uses ==');
  t.equal(ev('identicalMember("A", {"a", "b"})'), 'false');
  t.equal(ev('member(9, L)'), 'false');
  t.equal(ev('member(1, 2)'), 'error');
  t.equal(ev('stringListMember("b", S)'), 'true');
  t.equal(ev('stringListMember("B", S)'), 'false', 'stringListMember is case-sensitive');
  t.equal(ev('stringListIMember("B", S)'), 'true');
  t.equal(ev('stringListMember("b c", "a;b c", ";")'), 'true');
  t.equal(ev('stringListSize(S)'), '3');
  t.equal(ev('stringListSize("")'), '0');
});

t.test('regexp', async (t) => {
  t.equal(ev('regexp("^al", Owner)'), 'true');
  t.equal(ev('regexp("^AL", Owner)'), 'false');
  t.equal(ev('regexp("^AL", Owner, "i")'), 'true');
  t.equal(ev('regexp("(", Owner)'), 'error');
  t.equal(ev('regexp("a", Nope)'), 'undefined');
});

t.test('unknown functions and bad arity give ERROR', async (t) => {
  t.equal(ev('noSuchFunction(1)'), 'error');
  t.equal(ev('substr("a")'), 'error');
  t.equal(ev('time(1)'), 'error');
  const now = Math.floor(Date.now() / 1000);
  const v = ad.evaluateExpr('time()');
  t.ok(v.type === 'int' && Math.abs(v.value - now) <= 2, 'time() is epoch seconds');
});
