import t from 'tap';
import { ClassAd } from './classad.js';
import { MAX_EVAL_DEPTH, MAX_EVAL_STEPS, MAX_VALUE_SIZE, SIZE_UNITS_PER_STEP } from './evaluate.js';
import { unparseValue } from './unparse.js';

const text = (ad: ClassAd, name: string, target?: ClassAd): string => unparseValue(ad.evaluate(name, target));

t.test('attribute references are case-insensitive', async (t) => {
  const ad = ClassAd.parseText('Memory = 1024\nDouble = memory * 2\n');
  t.equal(text(ad, 'DOUBLE'), '2048');
  t.equal(text(ad, 'missing'), 'undefined');
});

t.test('MY and TARGET scoping', async (t) => {
  const job = ClassAd.parseText([
    'RequestMemory = 512',
    'Name = "job"',
    'A = TARGET.Memory',
    'B = MY.Memory',
    'C = Memory',
    'D = Name',
    'E = TARGET.Echo',
    'F = TARGET.Name',
  ].join('\n'));
  const machine = ClassAd.parseText('Memory = 2048\nName = "slot1"\nEcho = Name\nAskBack = TARGET.RequestMemory');
  t.equal(text(job, 'A', machine), '2048');
  t.equal(text(job, 'B', machine), 'undefined', 'MY. looks only in this ad');
  t.equal(text(job, 'C', machine), '2048', 'unscoped falls back to TARGET');
  t.equal(text(job, 'D', machine), '"job"', 'unscoped prefers MY');
  t.equal(text(job, 'E', machine), '"slot1"', 'TARGET attributes evaluate with the machine as MY');
  t.equal(text(job, 'F', machine), '"slot1"');
  t.equal(text(job, 'A'), 'undefined', 'no target');
  t.equal(text(machine, 'AskBack', job), '512');
});

t.test('circular references give ERROR, never hang', async (t) => {
  const ad = ClassAd.parseText('A = B + 1\nB = A + 1\nSelf = Self\nOk = 1\nUsesOk = Ok + Ok');
  t.equal(text(ad, 'A'), 'error');
  t.equal(text(ad, 'Self'), 'error');
  t.equal(text(ad, 'UsesOk'), '2', 'repeated references are not cycles');
  const job = ClassAd.parseText('X = TARGET.Y');
  const machine = ClassAd.parseText('Y = TARGET.X');
  t.equal(text(job, 'X', machine), 'error');
});

t.test('exponential and very long reference chains stay bounded', async (t) => {
  const ad = new ClassAd();
  for (let i = 0; i < 60; i++) ad.setExpr(`A${i}`, `A${i + 1} + A${i + 1}`);
  ad.set('A60', 1);
  t.equal(text(ad, 'A0'), (2n ** 60n).toString());
  const chain = new ClassAd();
  const length = MAX_EVAL_DEPTH * 2;
  for (let i = 0; i < length; i++) chain.setExpr(`C${i}`, `C${i + 1}`);
  chain.set(`C${length}`, 7);
  t.equal(text(chain, `C${length - 10}`), '7');
  t.equal(text(chain, 'C0'), 'error');
});

t.test('a string bigger than the size budget is ERROR: a doubling strcat stops at MAX_VALUE_SIZE', async (t) => {
  const lines = ['A0 = "xxxxxxxxxx"'];
  for (let i = 1; i <= 40; i++) lines.push(`A${i} = strcat(A${i - 1}, A${i - 1})`);
  const ad = ClassAd.parseText(lines.join('\n'));
  const largest = Math.floor(Math.log2(MAX_VALUE_SIZE / 10));
  const fits = ad.evaluate(`A${largest}`);
  t.equal(fits.type === 'string' && fits.value.length, 10 * 2 ** largest, 'the largest doubling under the limit is built');
  t.equal(text(ad, `A${largest + 1}`), 'error');
  t.equal(text(ad, 'A40'), 'error', 'and everything built from it');
  t.equal(unparseValue(ad.evaluateExpr(`isError(A${largest + 1})`)), 'true', 'a value too big is an ERROR value, not an aborted evaluation');
});

t.test('a list bigger than the size budget is ERROR, also when its items are shared lists', async (t) => {
  const lines = ['L0 = {1, 2}'];
  for (let i = 1; i <= 40; i++) lines.push(`L${i} = {L${i - 1}, L${i - 1}}`);
  const ad = ClassAd.parseText(lines.join('\n'));
  t.equal(text(ad, 'L3'), '{ { { { 1,2 },{ 1,2 } },{ { 1,2 },{ 1,2 } } },{ { { 1,2 },{ 1,2 } },{ { 1,2 },{ 1,2 } } } }');
  // size(L[i]) = 2^(i+2) - 1 values: L18 is the first over the limit.
  t.equal(unparseValue(ad.evaluateExpr('size(L17)')), '2');
  t.equal(text(ad, 'L18'), 'error');
  const text40 = ad.evaluateExpr('string(L40)');
  t.ok(text40.type === 'string' && text40.value.length < 100 && text40.value.includes('error'), 'lists built of it hold ERROR, not its items');
});

t.test('an evaluation over its step budget is ERROR as a whole', async (t) => {
  // Each size(B9) passes a string of 512 000 characters to a function: after enough of them the budget is spent.
  const lines = [`B0 = "${'x'.repeat(1000)}"`];
  for (let i = 1; i <= 9; i++) lines.push(`B${i} = strcat(B${i - 1}, B${i - 1})`);
  const ad = ClassAd.parseText(lines.join('\n'));
  const stepsPerCall = 512_000 / SIZE_UNITS_PER_STEP;
  const calls = (n: number): string => Array.from({ length: n }, () => 'isError(size(B9))').join(' || ');
  const within = Math.floor(MAX_EVAL_STEPS / stepsPerCall) - 10;
  t.equal(unparseValue(ad.evaluateExpr(calls(within))), 'false', 'within the budget');
  t.equal(unparseValue(ad.evaluateExpr(calls(within + 14))), 'error', 'past it, isError cannot turn the spent budget into false');
  t.equal(unparseValue(ad.evaluateExpr(`(${calls(within + 14)}) ? 1 : 2`)), 'error');
  // A regular expression's scan costs a step per character of its target.
  const scans = (n: number): string => Array.from({ length: n }, () => 'regexp("(?i)(x|y|a)+z", B9)').join(' || ');
  const scansWithin = Math.floor(MAX_EVAL_STEPS / 512_000);
  t.equal(unparseValue(ad.evaluateExpr(scans(scansWithin))), 'false');
  t.equal(unparseValue(ad.evaluateExpr(scans(scansWithin + 1))), 'error');
});

t.test('lists, nested ads, selection and subscripts', async (t) => {
  const ad = ClassAd.parseText([
    'L = {10, 20, 30}',
    'Outer = 5',
    'R = [a = 1; b = a + Outer; c = {a, b}]',
    'Picked = L[1]',
    'OutOfRange = L[3]',
    'Sel = R.b',
    'Sub = R["C"][1]',
    'NoSuch = R.zzz',
    'BadSel = L.x',
    'UndefSel = Nothing.x',
  ].join('\n'));
  t.equal(text(ad, 'Picked'), '20');
  t.equal(text(ad, 'OutOfRange'), 'error');
  t.equal(text(ad, 'Sel'), '6', 'nested ads see enclosing attributes');
  t.equal(text(ad, 'Sub'), '6');
  t.equal(text(ad, 'NoSuch'), 'undefined');
  t.equal(text(ad, 'BadSel'), 'error');
  t.equal(text(ad, 'UndefSel'), 'undefined');
  t.equal(text(ad, 'R'), '[ a = 1; b = a + Outer; c = { a,b } ]');
});

t.test('conditional operator', async (t) => {
  const ad = new ClassAd();
  t.equal(unparseValue(ad.evaluateExpr('true ? 1 : 1/0')), '1');
  t.equal(unparseValue(ad.evaluateExpr('0 ? 1 : 2')), '2');
  t.equal(unparseValue(ad.evaluateExpr('undefined ? 1 : 2')), 'undefined');
  t.equal(unparseValue(ad.evaluateExpr('"s" ? 1 : 2')), 'error');
});

t.test('?: is its left operand unless that is undefined (ELVIS_OP), and binds as a postfix operator', async (t) => {
  const ad = ClassAd.parseText('A = 1\nU = undefined\nL = { 5, 6 }\n');
  const ev = (source: string): string => unparseValue(ad.evaluateExpr(source));
  t.same([ev('A ?: 7'), ev('Missing ?: 7'), ev('U?:"x"'), ev('(1/0) ?: 7'), ev('false ?: 7')], ['1', '7', '"x"', 'error', 'false']);
  t.equal(ev('Missing ? : 7'), '7', 'blanks between ? and : (the lexer reads one token)');
  t.equal(ev('Missing ?: U ?: 3'), '3', 'right-associative');
  t.equal(ev('A ?: 5 + 1'), '2', 'tighter than +: (A ?: 5) + 1');
  t.equal(ev('-Missing ?: 2'), '-2', 'looser than unary minus: -(Missing ?: 2)');
  t.equal(ev('L[Missing ?: 1]'), '6');
  t.equal(ev('Missing ?: A ? "y" : "n"'), '"y"', 'inside a conditional\'s test');
});
