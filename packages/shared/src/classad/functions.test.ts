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
  const big = ClassAd.parseText(`Big = {${Array.from({ length: 150_000 }, (_, i) => i).join(', ')}}`);
  t.same([unparseValue(big.evaluateExpr('max(Big)')), unparseValue(big.evaluateExpr('min(Big)'))], ['149999', '0'], 'a list longer than Math.max(...list) takes');
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
  t.equal(ev('regexp("a", "b", Nope)'), 'undefined');
  t.equal(ev('regexp("a", "b", 1)'), 'error');
});

t.test('regexp options as HTCondor maps them to PCRE2 (fnCall.cpp regexp_helper)', async (t) => {
  t.equal(ev('regexp("^AL", Owner, "I")'), 'false', 'option letters are lower case');
  t.equal(ev('regexp("^AL", Owner, "qiz")'), 'true', 'unknown letters are ignored');
  t.equal(ev('regexp("^b$", "a\\nb")'), 'false');
  t.equal(ev('regexp("^b$", "a\\nb", "m")'), 'true', 'm: ^ and $ at line ends');
  t.equal(ev('regexp("a.b", "a\\nb")'), 'false');
  t.equal(ev('regexp("a.b", "a\\nb", "s")'), 'true', 's: . matches a newline');
  t.equal(ev('regexp("^a b # comment\\n c$", "abc", "x")'), 'true', 'x: spacing and comments are ignored');
  t.equal(ev('regexp("^a[ ]b$", "a b", "x")'), 'true', 'x: but not inside a class');
  t.equal(ev('regexp("^a\\\\ b$", "a b", "x")'), 'true', 'x: nor when escaped');
});

t.test('regexp cannot backtrack catastrophically; what RE2 cannot run is ERROR', async (t) => {
  const target = `"${'a'.repeat(5000)}b"`;
  t.equal(ev(`regexp("^(a+)+$", ${target})`), 'false', 'linear time: an exponential backtracker would not return');
  t.equal(ev(`regexp("^(a|aa)+$", ${target.replace('b', '')})`), 'true');
  t.equal(ev('regexp("(a)\\\\1", "aa")'), 'error', 'a backreference');
  t.equal(ev('regexp("a(?=b)", "ab")'), 'error', 'lookahead');
  t.equal(ev('regexp("a++", "aa")'), 'error', 'a possessive quantifier');
});

t.test('regexps, replace and replaceall (fnCall.cpp substPattern)', async (t) => {
  t.equal(ev('regexps("([a-z]+)@([a-z]+)", "mail alice@example now", "\\\\2:\\\\1")'), '"example:alice"', 'only the replacement');
  t.equal(ev('regexps("([a-z]+)@([a-z]+)", "mail alice@example now", "\\\\2:\\\\1", "f")'), '"mail example:alice now"', 'f: in the full target');
  t.equal(ev('replace("o", "foo boo", "0")'), '"f0o boo"');
  t.equal(ev('replaceall("o", "foo boo", "0")'), '"f00 b00"');
  t.equal(ev('replaceall("O", "foo", "0", "i")'), '"f00"');
  t.equal(ev('regexps("x", "abc", "y")'), '""', 'no match: the empty replacement');
  t.equal(ev('replace("x", "abc", "y")'), '"abc"');
  t.equal(ev('regexps("(a)|(b)", "b", "\\\\2")'), '"b"');
  t.equal(ev('regexps("(a)|(b)", "a", "\\\\2")'), 'error', 'a group past the last one that took part');
  t.equal(ev('regexps("(a)", "a", "\\\\3")'), 'error');
  t.equal(ev('replaceall("x*", "abc", "-")'), '"-a-b-c-"', 'empty matches');
  t.equal(ev('replace("(", "abc", "-")'), 'error');
  t.equal(ev('regexps("a", Nope, "b")'), 'undefined');
});

t.test('regexpMember and stringListRegexpMember', async (t) => {
  t.equal(ev('regexpMember("^b", {"a", "bc"})'), 'true');
  t.equal(ev('regexpMember("^B", {"a", "bc"}, "i")'), 'true');
  t.equal(ev('regexpMember("^z", {"a", "bc"})'), 'false');
  t.equal(ev('regexpMember("^z", {"a", Nope})'), 'undefined');
  t.equal(ev('regexpMember("^a", {"a", Nope})'), 'true');
  t.equal(ev('regexpMember("^z", {"a", 1})'), 'error');
  t.equal(ev('stringListRegexpMember("^b", S)'), 'true');
  t.equal(ev('stringListRegexpMember("^B", S, ", ", "I")'), 'true', 'option letters in either case');
  t.equal(ev('stringListRegexpMember("^z", S)'), 'false');
  t.equal(ev('stringListRegexpMember("^z", "")'), 'undefined', 'an empty list');
  t.equal(ev('stringListRegexpMember("^z", Nope)'), 'error', 'UNDEFINED is not a string');
  t.equal(ev('stringListRegexpMember("(", S)'), 'error');
});

t.test('split, splitUserName, splitSlotName (compat_classad.cpp splitArb_func, splitAt_func)', async (t) => {
  t.equal(ev('split("foo, bar")'), '{ "foo","bar" }');
  t.equal(ev('split("foo ,bar")'), '{ "foo","bar" }', 'a separator mixed with whitespace is one');
  t.equal(ev('split("foo,,bar")'), '{ "foo","","bar" }', 'a run of one separator keeps the empty item');
  t.equal(ev('split(" a\\tb  c ")'), '{ "a","b","c" }', 'leading, trailing and runs of whitespace dropped');
  t.equal(ev('split("8.9.11 2023-01-01", " ")'), '{ "8.9.11","2023-01-01" }');
  t.equal(ev('split("$CondorVersion: 10.0.0 Jan 1 2023 $")[1]'), '"10.0.0"');
  t.equal(ev('split("a.b:c", ".:")'), '{ "a","b","c" }');
  t.equal(ev('split("a b", "")'), '{ "a b" }', 'no separators: the whole string');
  t.equal(ev('split("")'), '{  }');
  t.equal(ev('split(Nope)'), 'error', 'UNDEFINED is not a string');
  t.equal(ev('split("a", 1)'), 'error');
  t.equal(ev('split("a", ",", 3)'), 'error');
  t.equal(ev('splitUserName("bob")'), '{ "bob","" }');
  t.equal(ev('splitUserName("a@b@c")'), '{ "a","b@c" }', 'split at the first @');
  t.equal(ev('splitSlotName("slot1_2@host.example")'), '{ "slot1_2","host.example" }');
  t.equal(ev('splitSlotName("host.example")'), '{ "","host.example" }', 'no @: the machine, slot empty');
  t.equal(ev('splitUserName(Nope)'), 'error');
  t.equal(ev('splitSlotName(1)'), 'error');
});

t.test('unknown functions and bad arity give ERROR', async (t) => {
  t.equal(ev('noSuchFunction(1)'), 'error');
  t.equal(ev('substr("a")'), 'error');
  t.equal(ev('time(1)'), 'error');
  const now = Math.floor(Date.now() / 1000);
  const v = ad.evaluateExpr('time()');
  t.ok(v.type === 'int' && Math.abs(v.value - now) <= 2, 'time() is epoch seconds');
});

t.test('join (fnCall.cpp strCat): UNDEFINED items left out, a list joined', async (t) => {
  t.equal(ev('join(".", "cs", Owner)'), '"cs.alice"');
  t.equal(ev('join(".", Nope, Owner)'), '"alice"', 'as AssignAccountingGroup joins an unmapped group');
  t.equal(ev('join(".", Nope, Nope)'), 'undefined');
  t.equal(ev('join(", ", L)'), '"3, 1.5, 2"');
  t.equal(ev('join({"a", "b"})'), '"ab"');
  t.equal(ev('join(Nope, "a", "b")'), '"ab"', 'an undefined separator is empty');
  t.equal(ev('join("-", "", "a", "", "b")'), '"a--b"', 'no separator while the text is empty');
  t.equal(ev('join("-", 1/0, "a")'), 'error');
  t.equal(ev('join("-")'), '""');
  t.equal(ev('join()'), '""');
});

t.test('userMap (compat_classad.cpp userMap_func) over the maps the evaluation is given', async (t) => {
  const maps: Record<string, string> = { 'groups:alice': 'physics, chemistry ,', 'groups:bob': ' , ', 'groups.alt:alice': 'math' };
  const context = { userMap: (name: string, input: string) => maps[`${name}:${input}`] };
  const um = (source: string) => unparseValue(ad.evaluateExpr(source, undefined, context));
  t.equal(um('userMap("groups", Owner)'), '"physics, chemistry ,"', 'the canonicalization as it is');
  t.equal(um('userMap("groups", Owner, "CHEMISTRY")'), '"chemistry"', 'items trimmed, compared case aside');
  t.equal(um('userMap("groups", Owner, 42)'), '"physics"', 'a preferred item that is not a string: the first');
  t.equal(um('userMap("groups.alt", Owner, "x")'), '"math"');
  t.equal(um('userMap("groups", "bob", "x")'), 'undefined', 'a canonicalization with no items');
  t.equal(um('userMap("groups", "bob", "x", "none")'), '"none"');
  t.equal(um('userMap("groups", "carol", "x", {1, 2})'), '{ 1,2 }', 'the default as it evaluates');
  t.equal(um('userMap("groups", Nope)'), 'undefined');
  t.equal(um('userMap("groups", Nope, "x", "def")'), '"def"');
  t.equal(um('userMap("groups", 1/0, "x", "def")'), 'error');
  t.equal(um('userMap(1/0, Owner)'), 'error');
  t.equal(um('userMap("groups")'), 'error');
  t.equal(um('userMap("groups", Owner, "a", "b", "c")'), 'error');
  t.equal(ev('userMap("groups", Owner)'), 'undefined', 'an evaluation given no maps has none');
  t.equal(ev('userMap("groups", Owner, undefined, "def")'), '"def"');
});
