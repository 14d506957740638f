import t from 'tap';
import { MacroExpander, substituteSelfReference } from './macros.js';
const pos = { file: 'job.sub', line: 4 };
function expander(macros, env = {}) {
    const lower = new Map(Object.entries(macros).map(([k, v]) => [k.toLowerCase(), v]));
    return new MacroExpander({ lookup: (name) => lower.get(name), env });
}
t.test('references, defaults, case-insensitivity, nesting', async (t) => {
    const m = expander({ Name: 'world', greeting: 'hello $(NAME)', outer: '$(greeting)!', which: 'name' });
    t.equal(m.expand('$(greeting)', pos), 'hello world');
    t.equal(m.expand('$(outer) $(outer)', pos), 'hello world! hello world!');
    t.equal(m.expand('$(missing)', pos), '', 'undefined macros are empty');
    t.equal(m.expand('$(missing:fallback value)', pos), 'fallback value');
    t.equal(m.expand('$(name:unused)', pos), 'world');
    t.equal(m.expand('$(missing:$(name))', pos), 'world', 'defaults are expanded');
    t.equal(m.expand('$($(which))', pos), 'world', 'the name itself may be a macro');
});
t.test('special forms', async (t) => {
    const m = expander({ x: '1' }, { HOME: '/home/a' });
    t.equal(m.expand('$(DOLLAR)(x)', pos), '$(x)', '$(DOLLAR) is not re-expanded');
    t.equal(m.expand('$ENV(HOME)/bin', pos), '/home/a/bin');
    t.equal(m.expand('$ENV(NOPE)', pos), '');
    t.equal(m.expand('$ENV(NOPE:/tmp)', pos), '/tmp');
    t.equal(m.expand('$$(Memory) $$([Cpus * 2]) $(x)', pos), '$$(Memory) $$([Cpus * 2]) 1', '$$() stays for match time');
    t.equal(m.expand('cost $5 and $(x', pos), 'cost $5 and $(x', 'stray dollars stay');
});
t.test('recursion is an error, not a hang', async (t) => {
    t.throws(() => expander({ a: '$(b)', b: '$(a)' }).expand('x $(a)', pos), {
        name: 'SubmitError',
        message: 'job.sub:4: macro $(a) refers to itself (recursive macro definition)',
    });
    t.throws(() => expander({ a: '$(A)' }).expand('$(a)', pos), {
        message: 'job.sub:4: macro $(A) refers to itself (recursive macro definition)',
    });
    const chain = {};
    for (let i = 0; i < 500; i++)
        chain[`m${i}`] = `$(m${i + 1})`;
    t.throws(() => expander(chain).expand('$(m0)', pos), { message: 'job.sub:4: macro $(m200) nests more than 200 levels deep' });
    const doubling = { m40: 'xxxxxxxxxx' };
    for (let i = 0; i < 40; i++)
        doubling[`m${i}`] = `$(m${i + 1})$(m${i + 1})`;
    t.throws(() => expander(doubling).expand('$(m0)', pos), {
        message: 'job.sub:4: macro expansion is longer than 1000000 characters',
    });
});
t.test('self reference uses the previous definition', async (t) => {
    t.equal(substituteSelfReference('path', '$(PATH):/usr/bin', '/bin'), '/bin:/usr/bin');
    t.equal(substituteSelfReference('path', '$(path):/usr/bin', undefined), ':/usr/bin');
    t.equal(substituteSelfReference('path', '$(path:/opt):/usr/bin', undefined), '/opt:/usr/bin');
    t.equal(substituteSelfReference('path', '$$(path) $(other)', '/bin'), '$$(path) $(other)');
});
//# sourceMappingURL=macros.test.js.map