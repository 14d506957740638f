import t from 'tap';
import { ClassAd, parseExpr } from '@tinycondor/shared/classad/index';
import { analyzeForEachTarget, numberedClauses, prettyPrint, references, stepLabel } from './expr-analysis.js';

const job = ClassAd.parseText('RequestMemory = 2048\nRequestDisk = 1000\nWantBig = false\nRequirements = true');
const slot = (name: string, memory: number, arch = 'X86_64') => ClassAd.parseText(`Name = "${name}"\nArch = "${arch}"\nMemory = ${memory}\nDisk = 5000`);
const SLOTS = [slot('a', 1024), slot('b', 4096), slot('c', 8192, 'aarch64')];
const DEFAULT_REQS = '(TARGET.Arch == "X86_64") && (TARGET.Disk >= RequestDisk) && (TARGET.Memory >= RequestMemory)';

t.test('step labels are cut to width + 2 as StepLabel does', async (t) => {
  t.equal(stepLabel(0, 4), '[0]   ');
  t.equal(stepLabel(12, 3), '[12] ');
  t.equal(stepLabel(123, 3), '[123]');
});

t.test('numbered clauses: each comparison, each &&, parentheses passed through', async (t) => {
  t.equal(
    numberedClauses(job, parseExpr(DEFAULT_REQS), 'Requirements'),
    [
      '    [0]    : TARGET.Arch == "X86_64"',
      '    [1]    : TARGET.Disk >= RequestDisk',
      '    [2]    : [0] && [1]',
      '    [3]    : TARGET.Memory >= RequestMemory',
      '    [4]    : [2] && [3]',
      '',
    ].join('\n'),
  );
  t.equal(numberedClauses(job, parseExpr('TARGET.Memory > 1 || !(TARGET.Arch == "x")'), 'Requirements'), [
    '    [0]    : TARGET.Memory > 1',
    '    [1]    : !(TARGET.Arch == "x")',
    '    [2]    : [0] || [1]',
    '',
  ].join('\n'), 'the ! evaluates at the ! rather than one level down');
});

t.test('counts per clause against a table of slots, reduced to the clauses that decide', async (t) => {
  // [2] = [0] && [1] matches as many slots as [0]: it reduces to [0], and [1], matching more, is pruned
  // ("pruning peer [1] because of &&>[0]" in AnalyzeRequirementsForEachTarget).
  const { table, rows } = analyzeForEachTarget(job, parseExpr(DEFAULT_REQS), 'Requirements', SLOTS, 'Slot');
  t.same(rows, [
    { step: 0, condition: 'TARGET.Arch == "X86_64"', matched: 2 },
    { step: 3, condition: 'TARGET.Memory >= RequestMemory', matched: 2 },
    { step: 4, condition: '[0] && [3]', matched: 1 },
  ]);
  t.equal(
    table,
    [
      '        Slots',
      'Step   Matched  Condition',
      '----- --------- ---------',
      '[0]           2  TARGET.Arch == "X86_64"',
      '[3]           2  TARGET.Memory >= RequestMemory',
      '[4]           1  [0] && [3]',
      '',
    ].join('\n'),
  );
});

t.test('-analyze:noprune lists the pruned clauses too, a * before those that decide', async (t) => {
  const { table, rows } = analyzeForEachTarget(job, parseExpr(DEFAULT_REQS), 'Requirements', SLOTS, 'Slot', { showAll: true });
  t.equal(
    table,
    [
      '           Slots',
      '   Step   Matched  Condition',
      '   ----- --------- ---------',
      ' * [0]           2  TARGET.Arch == "X86_64"',
      '   [1]           3  TARGET.Disk >= RequestDisk',
      '   [2]           2  [0] && [1]',
      ' * [3]           2  TARGET.Memory >= RequestMemory',
      ' * [4]           1  [0] && [3]',
      '',
    ].join('\n'),
  );
  t.same(rows.map((r) => r.step), [0, 3, 4], 'the rows that decide');
});

t.test('a clause no slot matches takes over the && above it', async (t) => {
  const big = ClassAd.parseText('RequestMemory = 100000\nRequestDisk = 1000');
  const { rows } = analyzeForEachTarget(big, parseExpr(DEFAULT_REQS), 'Requirements', SLOTS, 'Slot');
  t.same(rows.map((r) => [r.step, r.matched]), [[0, 2], [3, 0]], 'the memory clause matches 0 slots and the && clauses fold into it');
  const { rows: same } = analyzeForEachTarget(big, parseExpr(DEFAULT_REQS), 'Requirements', [slot('a', 1024)], 'Slot');
  t.same(same.map((r) => [r.step, r.matched]), [[0, 1], [1, 1], [3, 0]], 'clauses matching as many slots as their && are all shown');
});

t.test('clauses that do not refer to the slot are constants: always / never', async (t) => {
  const { rows } = analyzeForEachTarget(job, parseExpr('WantBig && TARGET.Memory >= 1'), 'Requirements', SLOTS, 'Slot');
  t.same(rows, [{ step: 0, condition: 'WantBig', matched: 'never' }]);
  const { rows: always } = analyzeForEachTarget(job, parseExpr('RequestDisk > 0 && TARGET.Memory >= RequestMemory'), 'Requirements', SLOTS, 'Slot');
  t.same(always, [{ step: 1, condition: 'TARGET.Memory >= RequestMemory', matched: 2 }], 'an always-true operand of && leaves the other');
});

t.test('an || of a clause that matches all slots prunes its peer', async (t) => {
  const { rows } = analyzeForEachTarget(job, parseExpr('TARGET.Disk > 0 || TARGET.Memory > 5000'), 'Requirements', SLOTS, 'Slot');
  t.same(rows, [{ step: 0, condition: 'TARGET.Disk > 0', matched: 3 }]);
});

t.test('references: own attributes followed into their expressions, the rest are the target\'s', async (t) => {
  const ad = ClassAd.parseText('A = B + 1\nB = TARGET.X\nC = 1');
  const refs = references(ad, parseExpr('A > Memory && MY.C == 1'));
  t.same([...refs.mine].sort(), ['A', 'B', 'C']);
  t.same([...refs.target].sort(), ['Memory', 'X']);
});

t.test('pretty printing breaks after && before the width, indented to the parentheses', async (t) => {
  t.equal(prettyPrint(parseExpr(DEFAULT_REQS), 4, 80), '(TARGET.Arch == "X86_64") && (TARGET.Disk >= RequestDisk) &&\n    (TARGET.Memory >= RequestMemory)');
  t.equal(prettyPrint(parseExpr('A && B'), 4, 80), 'A && B');
});
