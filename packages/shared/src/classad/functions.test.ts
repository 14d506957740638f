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
  t.equal(ev('round(2.5)'), '2', 'C rint(): halves to the even neighbour');
  t.equal(ev('round(3.5)'), '4');
  t.equal(ev('round(-2.5)'), '-2');
  t.equal(ev('round(2.6)'), '3');
  t.equal(ev('ceil(2.1)'), '3', 'ceil is ceiling');
  t.equal(ev('floor("2.7xyz")'), '2', 'a string converts by its leading number (strtod)');
  t.equal(ev('floor(Nope)'), 'error', 'UNDEFINED does not convert to a real');
  t.equal(ev('int("0x10")'), '16');
  t.equal(ev('real(" 2.5 GB")'), '2.5');
  t.equal(ev('floor(7)'), '7');
  t.equal(ev('abs(-3)'), 'error', 'HTCondor has no abs()');
  t.equal(ev('pow(2, 10)'), '1024');
  t.equal(ev('pow(2, -1)'), '0.5');
  t.equal(ev('pow(-2, 3)'), '-7', 'HTCondor rounds an int power as (long long)(pow(b, e) + 0.5)');
  t.equal(ev('pow("2", 2)'), '4.0', 'a string converts, the result is a real');
  t.equal(ev('pow(Nope, 2)'), 'error');
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
  t.equal(ev('stringListSize(Nope)'), 'error', 'UNDEFINED is not a string');
  t.equal(ev('stringListMember(Nope, S)'), 'false', 'an UNDEFINED item is the empty string');
  t.equal(ev('stringListMember("a", Nope)'), 'false', 'an UNDEFINED list is empty');
  t.equal(ev('stringListMember(Nope, Nope)'), 'undefined');
  t.equal(ev('stringListMember("b", "a\tb")'), 'true', 'tabs delimit too');
  t.equal(ev('stringListMember(1, S)'), 'error');
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
  t.equal(ev('stringList_regexpMember("^b", S)'), 'true');
  t.equal(ev('stringList_regexpMember("^B", S, ", ", "I")'), 'true', 'option letters in either case');
  t.equal(ev('stringList_regexpMember("^z", S)'), 'false');
  t.equal(ev('stringList_regexpMember("^z", "")'), 'undefined', 'an empty list');
  t.equal(ev('stringList_regexpMember("^z", Nope)'), 'error', 'UNDEFINED is not a string');
  t.equal(ev('stringList_regexpMember("(", S)'), 'error');
  t.equal(ev('stringListRegexpMember("^b", S)'), 'error', 'HTCondor has no function of that name');
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

t.test('quantize (fnCall.cpp doMath2)', async (t) => {
  t.equal(ev('quantize(7, 5)'), '10');
  t.equal(ev('quantize(10, 5)'), '10');
  t.equal(ev('quantize(0, 128)'), '0');
  t.equal(ev('quantize(-5, 4)'), '0', 'C integer division truncates toward zero');
  t.equal(ev('quantize(7.5, 5)'), '10.0', 'a real value gives a real');
  t.equal(ev('quantize(7, 2.5)'), '7.5', 'a real quantum gives a real');
  t.equal(ev('quantize(7, 0)'), '7', 'a zero quantum gives the value as it is');
  t.equal(ev('quantize("7", 0)'), '"7"');
  t.equal(ev('quantize(7, 1e-9)'), '7');
  t.equal(ev('quantize("7", 5)'), '10.0', 'a string converts, and is no int');
  t.equal(ev('quantize(true, 5)'), '5.0');
  t.equal(ev('quantize(100, {128})'), '128', 'a list: the first item at least the value');
  t.equal(ev('quantize(200, {128, 256, 512})'), '256');
  t.equal(ev('quantize(200, {128, 256.0, 512})'), '256.0', 'the item as it is');
  t.equal(ev('quantize(200, {"128", "300"})'), '"300"');
  t.equal(ev('quantize(1000, {128, 256, 512})'), '1024', 'past the last item: its multiples');
  t.equal(ev('quantize(1000, {128, 300.0})'), '1200.0');
  t.equal(ev('quantize(1000, {})'), '1000', 'an empty list does not quantize');
  t.equal(ev('quantize(200, {128, "x", 512})'), 'error', 'an item that is no number');
  t.equal(ev('quantize(100, {"x"})'), 'error');
  t.equal(ev('quantize(Nope, 128)'), 'error', 'UNDEFINED does not convert');
  t.equal(ev('quantize(7, Nope)'), 'error');
  t.equal(ev('quantize("x", 5)'), 'error');
  t.equal(ev('quantize(7)'), 'error');
  t.equal(ev('quantize(7, "5")'), '10.0');
});

t.test('bool, interval, random (fnCall.cpp convBool, interval, random)', async (t) => {
  t.equal(ev('bool(0)'), 'false');
  t.equal(ev('bool(2.5)'), 'true');
  t.equal(ev('bool("TRUE")'), 'true');
  t.equal(ev('bool("False")'), 'false');
  t.equal(ev('bool("yes")'), 'undefined');
  t.equal(ev('bool(Nope)'), 'undefined');
  t.equal(ev('bool(L)'), 'error');
  t.equal(ev('interval(45)'), '"45"');
  t.equal(ev('interval(3605)'), '"1:00:05"');
  t.equal(ev('interval(125)'), '"2:05"');
  t.equal(ev('interval(90061)'), '"1+01:01:01"');
  t.equal(ev('interval(-3605)'), '"-1:00:05"');
  t.equal(ev('interval("61")'), '"1:01"');
  t.equal(ev('interval(Nope)'), 'error');
  const r = ad.evaluateExpr('random(10)');
  t.ok(r.type === 'int' && r.value >= 0 && r.value < 10, 'random(int): an int below it');
  const x = ad.evaluateExpr('random()');
  t.ok(x.type === 'real' && x.value >= 0 && x.value < 1, 'random(): a real below 1');
  t.equal(ev('random(0)'), 'error');
  t.equal(ev('random("a")'), 'error');
});

t.test('unparse, eval (fnCall.cpp unparse, eval)', async (t) => {
  const a = ClassAd.parseText('X = 1 + 2\nY = X * 2\nS = "Y + 1"\nE = eval(S)\nU = unparse(X)');
  const e = (source: string) => unparseValue(a.evaluateExpr(source));
  t.equal(e('unparse(X)'), '"1 + 2"');
  t.equal(e('U'), '"1 + 2"');
  t.equal(e('unparse(Nope)'), '""', 'an attribute the ad does not have');
  t.equal(e('unparse(MY.X)'), '""', 'a scoped reference is looked up by its whole name');
  t.equal(e('unparse(1)'), 'error', 'not an attribute reference');
  t.equal(e('eval("X + 1")'), '4');
  t.equal(e('E'), '7', 'evaluated where the call is');
  t.equal(e('eval(5)'), '5', 'a value that is no string: its text');
  t.equal(e('eval("1 +")'), 'error');
  t.equal(e('eval(Nope)'), 'error');
  const big = ClassAd.parseText(`Big = "${'1+'.repeat(600_000)}1"`);
  t.equal(unparseValue(big.evaluateExpr('eval(Big)')), 'error', "parsing a long text spends the evaluation's budget: a step a character");
});

t.test('evalInEachContext and countMatches (compat_classad.cpp evalInEachContext_func)', async (t) => {
  const slot = ClassAd.parseText(
    'AvailableGPUs = { GPUs_a, GPUs_b, GPUs_c }\nGPUs_a = [ Capability = 4.0; Name = "GRX" ]\nGPUs_b = [ Capability = 5.5; Name = "Tesla" ]\nGPUs_c = [ Capability = 8.0; Name = "H100" ]',
  );
  const job = ClassAd.parseText('RequireGPUs = Capability > MinCap\nMinCap = 5\nRequestGPUs = 2');
  const inMatch = (source: string) => unparseValue(job.evaluateExpr(source, slot));
  t.equal(inMatch('countMatches(RequireGPUs, TARGET.AvailableGPUs)'), '2', "the job's expression, in each of the slot's ads, TARGET the job");
  t.equal(inMatch('evalInEachContext(RequireGPUs, TARGET.AvailableGPUs)'), '{ false,true,true }');
  t.equal(inMatch('evalInEachContext(Name, TARGET.AvailableGPUs)'), '{ "GRX","Tesla","H100" }', 'a reference the job lacks: a projection');
  t.equal(inMatch('max(evalInEachContext(Capability, TARGET.AvailableGPUs))'), '8.0');
  t.equal(inMatch('evalInEachContext(Capability * 2, { [ Capability = 1 ], [ Capability = 3 ] })'), '{ 2,6 }');
  t.equal(inMatch('evalInEachContext(Name, Nope)'), 'undefined');
  t.equal(inMatch('countMatches(Name, Nope)'), '0');
  t.equal(inMatch('evalInEachContext(Name, { Nope, 1 })'), '{ undefined,error }');
  t.equal(inMatch('evalInEachContext(Name, 1)'), 'error');
  t.equal(inMatch('countMatches(Name)'), 'error');
});

t.test('anyCompare, allCompare (fnCall.cpp listCompare)', async (t) => {
  t.equal(ev('anyCompare("<", {1, 5, 9}, 3)'), 'true');
  t.equal(ev('allCompare("<", {1, 5, 9}, 3)'), 'false');
  t.equal(ev('allCompare(">=", {4, 5}, 4)'), 'true');
  t.equal(ev('anyCompare("==", {"A", "b"}, "a")'), 'true', '== ignores case');
  t.equal(ev('anyCompare("is", {"A", "b"}, "a")'), 'false');
  t.equal(ev('allCompare("isnt", {1, 2}, undefined)'), 'true');
  t.equal(ev('anyCompare("<", {}, 3)'), 'false');
  t.equal(ev('allCompare("<", {}, 3)'), 'true');
  t.equal(ev('anyCompare("<", {Nope, 1}, 3)'), 'false', 'an UNDEFINED comparison ends it false');
  t.equal(ev('allCompare("<", {1, Nope}, 3)'), 'false');
  t.equal(ev('anyCompare("<", {"x"}, 3)'), 'error');
  t.equal(ev('anyCompare("~", {1}, 3)'), 'error');
  t.equal(ev('anyCompare(Nope, {1}, 3)'), 'undefined');
  t.equal(ev('anyCompare("<", Nope, 3)'), 'undefined');
  t.equal(ev('anyCompare("<", 1, 3)'), 'error');
});

t.test('versioncmp and the version comparisons (fnCall.cpp compareVersion, natural_cmp.cpp)', async (t) => {
  t.equal(ev('versioncmp("1.10", "1.9") > 0'), 'true', 'numbers compare as numbers');
  t.equal(ev('versioncmp("1.9", "1.10") < 0'), 'true');
  t.equal(ev('versioncmp("abc", "abc")'), '0');
  t.equal(ev('versioncmp("a", "c")'), '-2', 'the difference, as natural_cmp returns it');
  t.equal(ev('versioncmp("1.01", "1.1") < 0'), 'true', 'more leading zeros first');
  t.equal(ev('versionGT("10.0.1", "9.9")'), 'true');
  t.equal(ev('versionGE("23.0", "23.0")'), 'true');
  t.equal(ev('versionLT("8.9.11", "8.10.0")'), 'true');
  t.equal(ev('versionLE("2", "1")'), 'false');
  t.equal(ev('versionEQ("1.0", "1.0")'), 'true');
  t.equal(ev('versioncmp(10, "9")'), '1', 'a number compares by its text');
  t.equal(ev('versionGT(Nope, "1")'), 'undefined');
  t.equal(ev('versionGT(1/0, "1")'), 'error');
  t.equal(ev('version_in_range("8.9.11", "8.9.0", "8.10.0")'), 'true');
  t.equal(ev('version_in_range("8.11.0", "8.9.0", "8.10.0")'), 'false');
  t.equal(ev('version_in_range("8.9", Nope, "9")'), 'undefined');
  t.equal(ev('version_in_range(Nope, "1", "9")'), 'error');
});

t.test('stringListSubsetMatch, stringListSum/Avg/Min/Max, stringListsIntersect (compat_classad.cpp, fnCall.cpp)', async (t) => {
  t.equal(ev('stringListSubsetMatch("a, c", "a,b,c")'), 'true');
  t.equal(ev('stringListSubsetMatch("a, d", "a,b,c")'), 'false');
  t.equal(ev('stringListSubsetMatch("", "a")'), 'true', 'the empty list is a subset');
  t.equal(ev('stringListSubsetMatch(Nope, "a")'), 'true');
  t.equal(ev('stringListSubsetMatch("A", "a,b")'), 'false');
  t.equal(ev('stringListISubsetMatch("A;B", "a;b;c", ";")'), 'true');
  t.equal(ev('stringListSubsetMatch(1, "a")'), 'error');
  t.equal(ev('stringListSum("1, 2, 3")'), '6');
  t.equal(ev('stringListSum("1, 2.5")'), '3.5');
  t.equal(ev('stringListSum("")'), '0.0');
  t.equal(ev('stringListAvg("1, 2")'), '1.5');
  t.equal(ev('stringListAvg("2, 2")'), '2.0', 'an average is a real');
  t.equal(ev('stringListMin("3;1;2", ";")'), '1');
  t.equal(ev('stringListMax("3, 10, 2")'), '10');
  t.equal(ev('stringListMax("-3, -1")'), '0', "HTCondor's max starts at FLT_MIN");
  t.equal(ev('stringListMin("")'), 'undefined');
  t.equal(ev('stringListSum("1, x")'), 'error');
  t.equal(ev('stringListSum(Nope)'), 'error');
  t.equal(ev('stringListsIntersect("a,b", "c,b")'), 'true');
  t.equal(ev('stringListsIntersect("a,b", "c,d")'), 'false');
  t.equal(ev('stringListsIntersect("a; b", "b", ";")'), 'false', 'items are not trimmed: " b" is not "b"');
  t.equal(ev('stringListsIntersect("a;b", "b", ";")'), 'true');
  t.equal(ev('stringListsIntersect("a b", "b", "")'), 'true', 'empty delimiters: the default');
  t.equal(ev('stringListsIntersect("a", Nope)'), 'undefined');
  t.equal(ev('stringListsIntersect("a", 1)'), 'error');
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
