import t from 'tap';
import type { Expr } from './ast.js';
import { oldSyntaxToStorage, parseExpr, parseOldExpr } from './parser.js';
import { formatAttributeName, quoteString, unparse, unparseNewSyntax, unparseOldSyntax } from './unparse.js';

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

const str = (value: string): Expr => ({ kind: 'literal', value: { type: 'string', value } });
const real = (value: number): Expr => ({ kind: 'literal', value: { type: 'real', value } });

// ClassAdUnParser::UnparseString / UnparseReal (src/classad/sink.cpp): old syntax (SetOldClassAd(true, true))
// escapes only the delimiter; new syntax writes \\ \n \t \a \b \f \r \v and octal for what isprint() rejects
// (every byte of a non-ASCII character in the C locale); reals %.16G (+".0") old, %1.15E new.
const STRING_TABLE: ReadonlyArray<[value: string, old: string, newSyntax: string]> = [
  ['plain', '"plain"', '"plain"'],
  ['a\\b', '"a\\b"', '"a\\\\b"'],
  ['C:\\dir\\', '"C:\\dir\\"', '"C:\\\\dir\\\\"'],
  ['say "hi"', '"say \\"hi\\""', '"say \\"hi\\""'],
  ['a\\"b', '"a\\\\"b"', '"a\\\\\\"b"'],
  ['tab\there', '"tab\there"', '"tab\\there"'],
  ['two\nlines', '"two\nlines"', '"two\\nlines"'],
  ['\r\x07\b\f\v', '"\r\x07\b\f\v"', '"\\r\\a\\b\\f\\v"'],
  ['\x01\x7f', '"\x01\x7f"', '"\\001\\177"'],
  ["it's", '"it\'s"', '"it\'s"'],
  ['é✓', '"é✓"', '"\\303\\251\\342\\234\\223"'],
];

t.test('strings in old and new ClassAd syntax (sink.cpp UnparseString)', async (t) => {
  for (const [value, old, newSyntax] of STRING_TABLE) {
    t.equal(unparseOldSyntax(str(value)), old, `old ${JSON.stringify(value)}`);
    t.equal(unparseNewSyntax(str(value)), newSyntax, `new ${JSON.stringify(value)}`);
  }
  t.equal(unparseOldSyntax(parseExpr('{ "a\\\\b", [ x = "\\t" ] }')), '{ "a\\b",[ x = "\t" ] }', 'nested values too');
  t.equal(formatAttributeName("it's\\", 'old'), "'it\\'s\\'", 'quoted names: only the quote escaped');
});

t.test('reals in old and new ClassAd syntax (sink.cpp UnparseReal)', async (t) => {
  for (const [value, old, newSyntax] of [
    [1, '1.0', '1.000000000000000E+00'],
    [0.1, '0.1', '1.000000000000000E-01'],
    [1 / 3, '0.3333333333333333', '3.333333333333333E-01'],
    [2.5e10, '25000000000.0', '2.500000000000000E+10'],
    [1e20, '1E+20', '1.000000000000000E+20'],
    [-1e-7, '-1E-07', '-1.000000000000000E-07'],
    [0, '0.0', '0.0'],
    [-0, '-0.0', '-0.0'],
    [Infinity, 'real("INF")', 'real("INF")'],
    [NaN, 'real("NaN")', 'real("NaN")'],
  ] as const) {
    t.equal(unparseOldSyntax(real(value)), old, `old ${value}`);
    t.equal(unparseNewSyntax(real(value)), newSyntax, `new ${value}`);
  }
  t.equal(unparseOldSyntax(parseExpr('a is b && c isnt d')), 'a =?= b && c =!= d', 'old syntax keeps =?= and =!=');
});

t.test('old-syntax text reads back with the old-syntax parser (lexer.cpp tokenizeStringOld)', async (t) => {
  for (const [value] of STRING_TABLE) {
    if (value.endsWith('\\') || value.includes('\n')) continue;
    t.same(parseOldExpr(unparseOldSyntax(str(value))), str(value), `round trip ${JSON.stringify(value)}`);
  }
  t.same(parseOldExpr('"C:\\dir\\"'), str('C:\\dir\\'), 'a backslash before the closing quote at the end stays');
  t.same(parseOldExpr('"C:\\dir\\"\n'), str('C:\\dir\\'), '... or before a newline');
  t.same(parseOldExpr('"a\\tb\\n"'), str('a\\tb\\n'), 'no escape sequences');
  t.same(parseOldExpr('"a\\"b"'), str('a"b'), '\\" is a quote inside the string');
  t.same(parseOldExpr('"a\\""'), str('a"'), '\\" then the closing quote');
  t.same(parseOldExpr('"x" == "\\\\"'), parseExpr('"x" == "\\\\\\\\"'), 'a lone backslash string');
  t.same(parseOldExpr("'a\\b' + 1"), parseExpr("'a\\\\b' + 1"), 'quoted names too');
  t.throws(() => parseOldExpr('"a\\" && true'), /unterminated string/, 'a quote after a backslash does not close the string while text follows');
});

t.test('new-syntax text reads back: octal-escaped UTF-8 bytes are the character again', async (t) => {
  for (const [value] of STRING_TABLE) t.same(parseExpr(unparseNewSyntax(str(value))), str(value), `round trip ${JSON.stringify(value)}`);
  t.same(parseExpr('"\\377\\101"'), str('\xffA'), 'bytes that are no UTF-8 stay one character each');
});

t.test('oldSyntaxToStorage: typed text as parseExpr reads it the old-syntax way', async (t) => {
  t.equal(oldSyntaxToStorage('Cmd == "/bin/true" && x'), 'Cmd == "/bin/true" && x', 'no backslash: as typed');
  t.equal(oldSyntaxToStorage('Cmd == "C:\\bin"'), 'Cmd == "C:\\\\bin"');
  t.same(parseExpr(oldSyntaxToStorage('Dir == "D:\\out\\"')), parseOldExpr('Dir == "D:\\out\\"'));
  t.equal(oldSyntaxToStorage('"a\\" && ('), '"a\\" && (', 'what does not parse is left to its reader');
});
