import t from 'tap';
import { joinV1Raw, joinV2Raw, parseArgumentList, parseArguments, splitV2Raw } from './arguments.js';
t.test('new syntax: condor_submit man page examples', async (t) => {
    t.same(parseArguments('"3 simple arguments"', 1, 'f'), ['3', 'simple', 'arguments']);
    t.same(parseArguments(`"one 'two with spaces' 3"`, 1, 'f'), ['one', 'two with spaces', '3']);
    t.same(parseArguments(`"one ""two"" 'spacey ''quoted'' argument'"`, 1, 'f'), [
        'one',
        '"two"',
        "spacey 'quoted' argument",
    ]);
    t.same(parseArguments('  "a"  ', 1, 'f'), ['a'], 'blanks around the quotes are allowed');
    t.same(parseArguments(`"'' x"`, 1, 'f'), ['', 'x'], "'' outside a word is an empty argument");
    t.same(parseArgumentList('"a b"').syntax, 'v2');
});
t.test('old syntax: man page example and whitespace splitting', async (t) => {
    t.same(parseArguments(`one \\"two\\" 'three'`, 1, 'f'), ['one', '"two"', "'three'"]);
    t.same(parseArguments('argument1   argument2\targ3', 1, 'f'), ['argument1', 'argument2', 'arg3']);
    t.same(parseArguments('', 1, 'f'), []);
    t.same(parseArgumentList('a b').syntax, 'v1');
});
t.test('errors carry file:line', async (t) => {
    t.throws(() => parseArguments('"abc', 3, 'job.sub'), {
        name: 'SubmitError',
        message: 'job.sub:3: failed to parse arguments: Unterminated double-quote.',
    });
    t.throws(() => parseArguments(`"a 'b"`, 4, 'job.sub'), {
        message: "job.sub:4: failed to parse arguments: Unbalanced quote starting here: 'b",
    });
    t.throws(() => parseArguments('a "b', 5, 'job.sub'), {
        message: 'job.sub:5: failed to parse arguments: Found illegal unescaped double-quote: "b',
    });
    t.throws(() => parseArguments('"a" b', 6, 'job.sub'), {
        message: 'job.sub:6: failed to parse arguments: Unexpected characters following double-quote.  Did you forget to escape the double-quote by repeating it?  Here is the quote and trailing characters: " b',
    });
    const err = t.throws(() => parseArguments('"x', 7, 'a.sub'));
    t.equal(err.file, 'a.sub');
    t.equal(err.line, 7);
});
t.test('raw forms stored in the job ad are HTCondor join_args output', async (t) => {
    t.equal(joinV2Raw(['one', 'two with spaces', '3']), "one two' 'with' 'spaces 3");
    t.equal(joinV2Raw(["it's"]), "it''''s");
    t.equal(joinV2Raw(['', 'a']), "'' a");
    t.equal(joinV2Raw(['"q"']), '"q"');
    t.equal(joinV1Raw(['a', 'b']), 'a b');
});
t.test('V2 raw round-trips any argument list', async (t) => {
    const alphabet = ['a', 'b', ' ', "'", '"', '\t', 'x y', ''];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 500; n++) {
        const args = Array.from({ length: Math.floor(random() * 4) }, () => Array.from({ length: Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
        t.same(splitV2Raw(joinV2Raw(args)), args, JSON.stringify(args));
    }
});
//# sourceMappingURL=arguments.test.js.map