import t from 'tap';
import { parseExpr } from './parser.js';
import { plainLiteral } from './plain-literal.js';

t.test('a plain literal is what the parser makes of the text', async (t) => {
  for (const text of ['0', '7', '123456', '999999999999999', '"a b.c"', '""', "\"it's\"", '"/dev/null"', '"tab\there"']) {
    const literal = plainLiteral(text);
    t.ok(literal, `${text} is plain`);
    t.same({ kind: 'literal', value: literal }, parseExpr(text), text);
  }
});

t.test('anything else is left to the parser', async (t) => {
  for (const text of ['007', '-1', '1.5', '1e3', '"a\\nb"', '"a" + "b"', 'true', '"unterminated', ' 1', '1 ', '1234567890123456', 'x', '']) {
    t.equal(plainLiteral(text), undefined, JSON.stringify(text));
  }
});
