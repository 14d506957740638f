import t from 'tap';
import { ClassAdParseError, MAX_NESTING_DEPTH, MAX_TREE_DEPTH, parseExpr } from './parser.js';
import { unparse } from './unparse.js';
const roundTrip = (src) => unparse(parseExpr(src));
t.test('canonical unparse of parsed text', async (t) => {
    const cases = [
        ['RequestMemory>100&&Arch=="X86_64"', 'RequestMemory > 100 && Arch == "X86_64"'],
        ['(a+b)*c', '(a + b) * c'],
        ['a+b*c', 'a + b * c'],
        ['-x + !y - ~z', '-x + !y - ~z'],
        ['a?b:c?d:e', 'a ? b : c ? d : e'],
        ['MY.x >= target.Memory', 'MY.x >= TARGET.Memory'],
        ['a is undefined || b ISNT error', 'a =?= undefined || b =!= error'],
        ['TRUE && False', 'true && false'],
        ['{1, 2.5, "s"}', '{ 1,2.5,"s" }'],
        ['{}', '{  }'],
        ['[a = 1; b = {x}; ]', '[ a = 1; b = { x } ]'],
        ['list[0].name', 'list[0].name'],
        ['strcat("a", Owner)', 'strcat("a",Owner)'],
        ['1.0 + 0x10 + 1e3', '1.0 + 16 + 1000.0'],
        ["'weird name' + 1", "'weird name' + 1"],
        ['x >>> 2 << 1 >> 3', 'x >>> 2 << 1 >> 3'],
    ];
    for (const [source, expected] of cases) {
        t.equal(roundTrip(source), expected, source);
        t.equal(roundTrip(expected), expected, `${expected} is stable`);
    }
});
t.test('negative number literals are folded', async (t) => {
    t.same(parseExpr('-5'), { kind: 'literal', value: { type: 'int', value: -5 } });
    t.same(parseExpr('-2.5'), { kind: 'literal', value: { type: 'real', value: -2.5 } });
    t.match(parseExpr('-(5)'), { kind: 'unary', op: '-' });
    t.equal(roundTrip('3 - -5'), '3 - -5');
    t.equal(roundTrip('-x'), '-x');
});
t.test('precedence follows C', async (t) => {
    const tree = parseExpr('a || b && c | d ^ e & f == g < h << i + j * k');
    t.match(tree, { kind: 'binary', op: '||', right: { op: '&&', right: { op: '|', right: { op: '^' } } } });
    t.match(parseExpr('a - b - c'), { op: '-', left: { op: '-' } }, 'left associative');
    t.match(parseExpr('a == b != c'), { op: '!=', left: { op: '==' } });
    t.match(parseExpr('x ? y : z'), { kind: 'cond' });
    t.match(parseExpr('-a.b[1]'), { kind: 'unary', operand: { kind: 'subscript', base: { kind: 'select' } } });
});
t.test('syntax errors name the column and token', async (t) => {
    t.throws(() => parseExpr('(a + b))'), { message: "syntax error at column 8: unexpected ')'", position: 7 });
    t.throws(() => parseExpr('a +'), { message: 'syntax error at column 4: unexpected end of input' });
    t.throws(() => parseExpr('a b'), { message: "syntax error at column 3: unexpected 'b'" });
    t.throws(() => parseExpr('f(a,'), ClassAdParseError);
    t.throws(() => parseExpr('(a'), { message: "syntax error at column 3: unexpected end of input (expected ')')" });
    t.throws(() => parseExpr(''), { message: 'syntax error at column 1: unexpected end of input' });
    t.throws(() => parseExpr('x is'), ClassAdParseError);
    t.throws(() => parseExpr('[a 1]'), ClassAdParseError);
});
t.test('nesting depth is bounded', async (t) => {
    const nested = (n) => '('.repeat(n) + '1' + ')'.repeat(n);
    t.equal(roundTrip(nested(MAX_NESTING_DEPTH - 1)), nested(MAX_NESTING_DEPTH - 1));
    t.throws(() => parseExpr(nested(MAX_NESTING_DEPTH + 1)), { message: /nested more than 200 levels deep/ });
    t.throws(() => parseExpr('-'.repeat(100000) + '1'), ClassAdParseError);
    t.throws(() => parseExpr('{'.repeat(100000)), ClassAdParseError);
    t.throws(() => parseExpr('['.repeat(50000)), ClassAdParseError);
    const chain = (n) => Array.from({ length: n }, () => 'a').join(' + ');
    t.doesNotThrow(() => parseExpr(chain(MAX_TREE_DEPTH)));
    t.throws(() => parseExpr(chain(100000)), { message: /more than 500 operators deep/ });
});
t.test('fuzz: random text parses or throws ClassAdParseError', async (t) => {
    const alphabet = [
        'a', 'MY.', 'TARGET.', '1', '2.5', '0x1', '"s"', '"\\"', "'q'", '(', ')', '[', ']', '{', '}', ',', ';',
        '.', '=', '+', '-', '*', '/', '%', '&&', '||', '!', '~', '?', ':', '==', '=?=', '=!=', '<', '>>>',
        ' ', 'is', 'true', 'undefined', 'f(', 'strcat(', '@', '\n', 'e', '1e',
    ];
    let seed = 12345;
    const random = (n) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
    };
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
        let source = '';
        const length = 1 + random(30);
        for (let j = 0; j < length; j++)
            source += alphabet[random(alphabet.length)];
        try {
            const expr = parseExpr(source);
            parsed++;
            const text = unparse(expr);
            if (unparse(parseExpr(text)) !== text)
                t.fail(`unstable round trip for ${JSON.stringify(source)}`);
        }
        catch (err) {
            if (!(err instanceof ClassAdParseError)) {
                t.fail(`unexpected ${String(err)} for ${JSON.stringify(source)}`);
                return;
            }
        }
    }
    t.ok(parsed > 50, `some random inputs parse (${parsed})`);
});
//# sourceMappingURL=parser.test.js.map