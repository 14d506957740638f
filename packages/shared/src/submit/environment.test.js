import t from 'tap';
import { formatEnvironmentV1Raw, formatEnvironmentV2Raw, parseEnvironment, selectImportedEnv, } from './environment.js';
t.test('new syntax: condor_submit man page example', async (t) => {
    t.same(parseEnvironment(`"one=1 two=""2"" three='spacey ''quoted'' value'"`, 1, 'f'), {
        one: '1',
        two: '"2"',
        three: "spacey 'quoted' value",
    });
    t.same(parseEnvironment(`"A=1 B='x y'"`, 1, 'f'), { A: '1', B: 'x y' });
    t.same(parseEnvironment('"A=1 A=2 EMPTY="', 1, 'f'), { A: '2', EMPTY: '' }, 'later entries win');
});
t.test('old syntax: ; separated, taken verbatim', async (t) => {
    t.same(parseEnvironment(`one=1;two=2;three=quotes have no 'special' meaning`, 1, 'f'), {
        one: '1',
        two: '2',
        three: "quotes have no 'special' meaning",
    });
    t.same(parseEnvironment(' A=x=y ; B = 2', 1, 'f'), { A: 'x=y ', 'B ': ' 2' });
    t.same(parseEnvironment(';;', 1, 'f'), {});
});
t.test('errors', async (t) => {
    t.throws(() => parseEnvironment('A=1;BROKEN', 9, 'job.sub'), {
        name: 'SubmitError',
        message: "job.sub:9: failed to parse environment: Missing '=' after environment variable 'BROKEN'.",
    });
    t.throws(() => parseEnvironment('"=1"', 2, 'job.sub'), {
        message: "job.sub:2: failed to parse environment: missing variable in '=1'.",
    });
    t.throws(() => parseEnvironment(`"A='x"`, 2, 'job.sub'), {
        message: "job.sub:2: failed to parse environment: Unbalanced quote starting here: 'x",
    });
    t.throws(() => parseEnvironment('"A=1', 2, 'job.sub'), {
        message: 'job.sub:2: failed to parse environment: Unterminated double-quote.',
    });
});
t.test('stored forms: sorted by name like HTCondor std::map', async (t) => {
    t.equal(formatEnvironmentV2Raw({ B: 'x y', A: '1' }), "A=1 B=x' 'y");
    t.equal(formatEnvironmentV1Raw({ B: '2', A: '1' }), 'A=1;B=2');
    t.equal(formatEnvironmentV1Raw({ A: 'a;b' }), null);
});
t.test('getenv selection', async (t) => {
    const env = { HOME: '/h', PATH: '/bin', PYTHONPATH: '/p', BAD: 'a\nb', GONE: undefined };
    t.same(selectImportedEnv([], env), { HOME: '/h', PATH: '/bin', PYTHONPATH: '/p' });
    t.same(selectImportedEnv(['PATH', 'HOME'], env), { HOME: '/h', PATH: '/bin' });
    t.same(selectImportedEnv(['*PATH'], env), { PATH: '/bin', PYTHONPATH: '/p' });
    t.same(selectImportedEnv(['*', '!PYTHON*'], env), { HOME: '/h', PATH: '/bin' });
    t.same(selectImportedEnv(['!HOME'], env), { PATH: '/bin', PYTHONPATH: '/p' });
});
//# sourceMappingURL=environment.test.js.map