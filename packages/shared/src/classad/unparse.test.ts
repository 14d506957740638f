import t from 'tap';
import type { Expr } from './ast.js';
import { parseExpr } from './parser.js';
import { formatAttributeName, quoteString, unparse } from './unparse.js';

t.test('quoteString escapes', async (t) => {
  t.equal(quoteString('a"b\\c\n'), '"a\\"b\\\\c\\n"');
  t.equal(quoteString('tab\there'), '"tab\\there"');
  t.equal(quoteString('\x01'), '"\\001"');
  t.equal(quoteString("it's"), '"it\'s"');
  for (const s of ['', 'plain', 'a"b\\c\n', '\r\t\x07\b\f\v', 'ünïcødé ✓', '\\q', "'"]) {
    const parsed = parseExpr(quoteString(s));
    t.same(parsed, { kind: 'literal', value: { type: 'string', value: s } }, `round trip ${JSON.stringify(s)}`);
  }
});

t.test('attribute names that are not identifiers are quoted', async (t) => {
  t.equal(formatAttributeName('Memory'), 'Memory');
  t.equal(formatAttributeName('has space'), "'has space'");
  t.equal(formatAttributeName('true'), "'true'");
  t.same(parseExpr(unparse({ kind: 'attr', name: "it's" })), { kind: 'attr', name: "it's" });
});

t.test('reals always read as reals', async (t) => {
  const real = (value: number): Expr => ({ kind: 'literal', value: { type: 'real', value } });
  t.equal(unparse(real(1)), '1.0');
  t.equal(unparse(real(2.5e10)), '25000000000.0');
  t.equal(unparse(real(-1e-7)), '-1E-07', 'an exponent already marks a real');
  t.same(parseExpr(unparse(real(1e300))), { kind: 'literal', value: { type: 'real', value: 1e300 } });
});

t.test('synthesized trees get the parentheses they need', async (t) => {
  const a: Expr = { kind: 'attr', name: 'a' };
  const b: Expr = { kind: 'attr', name: 'b' };
  const sum: Expr = { kind: 'binary', op: '+', left: a, right: b };
  t.equal(unparse({ kind: 'binary', op: '*', left: sum, right: a }), '(a + b) * a');
  t.equal(unparse({ kind: 'binary', op: '-', left: a, right: sum }), 'a - (a + b)');
  t.equal(unparse({ kind: 'binary', op: '+', left: sum, right: b }), 'a + b + b');
  t.equal(unparse({ kind: 'unary', op: '-', operand: sum }), '-(a + b)');
  const cond: Expr = { kind: 'cond', test: a, then: a, otherwise: b };
  t.equal(unparse({ kind: 'binary', op: '&&', left: cond, right: b }), '(a ? a : b) && b');
  t.equal(unparse({ kind: 'select', base: { kind: 'literal', value: { type: 'int', value: -1 } }, name: 'x' }), '(-1).x');
});

t.test('?: unparses as HTCondor writes it, with the parentheses the tree needs', async (t) => {
  for (const [source, text] of [
    ['a?:0', 'a ?: 0'],
    ['a ?: b ?: c', 'a ?: b ?: c'],
    ['(a ?: b) ?: c', '(a ?: b) ?: c'],
    ['(a ?: b).c', '(a ?: b).c'],
    ['x[0] ?: y.z', 'x[0] ?: y.z'],
    ['-a ?: 1', '-a ?: 1'],
    ['a ?: 1 + 2', 'a ?: 1 + 2'],
  ]) {
    t.equal(unparse(parseExpr(source)), text, source);
    t.same(parseExpr(unparse(parseExpr(source))), parseExpr(text), `${source} round trip`);
  }
  const elvis = (left: Expr, right: Expr): Expr => ({ kind: 'elvis', left, right });
  const attr = (name: string): Expr => ({ kind: 'attr', name });
  t.equal(unparse(elvis(attr('a'), { kind: 'unary', op: '-', operand: attr('b') })), 'a ?: (-b)', 'a unary right operand is no postfix expression');
  t.equal(unparse({ kind: 'unary', op: '-', operand: elvis(attr('a'), attr('b')) }), '-a ?: b');
});
