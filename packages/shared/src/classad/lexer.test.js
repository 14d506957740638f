import t from 'tap';
import { ClassAdParseError } from './errors.js';
import { tokenize } from './lexer.js';
const kinds = (src) => tokenize(src).map((tok) => `${tok.kind}:${tok.text}`);
t.test('numbers', async (t) => {
    t.same(tokenize('0x1F 42 1.5 .5 1e3 2.E-2').map((tok) => [tok.kind, tok.number]), [
        ['int', 31], ['int', 42], ['real', 1.5], ['real', 0.5], ['real', 1000], ['real', 0.02], ['eof', 0],
    ]);
    t.throws(() => tokenize('12abc'), { message: "syntax error at column 1: malformed number '12a'" });
    t.throws(() => tokenize('1e+'), ClassAdParseError);
    t.throws(() => tokenize('0x'), ClassAdParseError);
});
t.test('operators prefer the longest match', async (t) => {
    t.same(kinds('a>>>b=?=c=!=d>=e'), [
        'name:a', 'op:>>>', 'name:b', 'op:=?=', 'name:c', 'op:=!=', 'name:d', 'op:>=', 'name:e', 'eof:',
    ]);
});
t.test('string escapes', async (t) => {
    t.equal(tokenize('"a\\"b\\\\c\\n\\t\\101"')[0].text, 'a"b\\c\n\tA');
    t.equal(tokenize('"C:\\temp\\x"')[0].text, 'C:\temp\\x', 'known escapes decode, unknown ones keep the backslash');
    t.same(kinds("'odd name'"), ['quoted-name:odd name', 'eof:']);
});
t.test('errors carry the column', async (t) => {
    t.throws(() => tokenize('a + "open'), { message: 'syntax error at column 5: unterminated string', position: 4 });
    t.throws(() => tokenize('a @ b'), { message: "syntax error at column 3: unexpected '@'", position: 2 });
});
//# sourceMappingURL=lexer.test.js.map