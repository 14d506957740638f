import t from 'tap';
import { MacroExpander, substituteSelfReference } from './macros.js';

const pos = { file: 'job.sub', line: 4 };
function expander(macros: Record<string, string>, env: Record<string, string | undefined> = {}) {
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
  t.equal(expander({ empty: '' }).expand('$(empty:fallback)', pos), 'fallback', 'the default also stands in for an empty value');
  t.equal(m.expand('$(missing:$(name))', pos), 'world', 'defaults are expanded');
  t.equal(m.expand('$($(which))', pos), 'world', 'the name itself may be a macro');
});

t.test('special forms', async (t) => {
  const m = expander({ x: '1' }, { HOME: '/home/a' });
  t.equal(m.expand('$(DOLLAR)(x)', pos), '$(x)', '$(DOLLAR) is not re-expanded');
  t.equal(m.expand('$ENV(HOME)/bin', pos), '/home/a/bin');
  t.equal(m.expand('$ENV(NOPE)', pos), 'UNDEFINED', 'HTCondor\'s word for an unset variable');
  t.equal(m.expand('$env(HOME)', pos), '$env(HOME)', 'function names are upper-case, as HTCondor matches them');
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
  const chain: Record<string, string> = {};
  for (let i = 0; i < 500; i++) chain[`m${i}`] = `$(m${i + 1})`;
  t.throws(() => expander(chain).expand('$(m0)', pos), { message: 'job.sub:4: macro $(m200) nests more than 200 levels deep' });
  const doubling: Record<string, string> = { m40: 'xxxxxxxxxx' };
  for (let i = 0; i < 40; i++) doubling[`m${i}`] = `$(m${i + 1})$(m${i + 1})`;
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

t.test('macro functions, with the manual\'s examples', async (t) => {
  const procs = (process: number) => expander({ Process: String(process), MyIndex: '$(Process) + 1', Values: '$(Process) * 10', Name: 'abcdef' });
  t.same([0, 1, 2].map((p) => procs(p).expand('run-$INT(MyIndex,%04d)', pos)), ['run-0001', 'run-0002', 'run-0003']);
  t.same([0, 1, 2, 3].map((p) => procs(p).expand('X.$INT(Values,%03d)', pos)), ['X.000', 'X.010', 'X.020', 'X.030']);
  const m = procs(4);
  t.equal(m.expand('$INT(Values)', pos), '40');
  t.equal(m.expand('$INT(7)', pos), '7', 'a literal when no macro has the name');
  t.equal(m.expand('$INT(Values,%x)', pos), '28');
  t.equal(m.expand('$REAL(Values)', pos), '40');
  t.equal(m.expand('$REAL(1.5)', pos), '1.5');
  t.equal(m.expand('$REAL(0.1)', pos), '0.1');
  t.equal(m.expand('$REAL(1e20)', pos), '1E+20');
  t.equal(m.expand('$REAL(Values,%.2f)', pos), '40.00');
  t.equal(m.expand('$REAL(Values,%.0f)', pos), '40.0', 'a real always looks like one');
  t.same(
    ['$SUBSTR(Name, 2)', '$SUBSTR(Name, 0, -2)', '$SUBSTR(Name, 1, 3)', '$SUBSTR(Name, -1)', '$SUBSTR(Name, 4, -3)'].map((e) => m.expand(e, pos)),
    ['cdef', 'abcd', 'bcd', 'f', ''],
  );
  t.equal(m.expand('$CHOICE(1, a, b, c)', pos), 'b');
  t.equal(expander({ Step: '2', list: 'x,y,z' }).expand('$CHOICE(Step, list)', pos), 'z');
  const path = '/tmp/sim/simulate.exe';
  t.same(
    ['$Fn', '$Fx', '$Fnx', '$Fp', '$Fd', '$Fdb', '$Fpn', '$Fxb', '$Fqn', '$Fqan', '$BASENAME', '$DIRNAME'].map((f) => m.expand(`${f}(${path})`, pos)),
    ['simulate', '.exe', 'simulate.exe', '/tmp/sim/', 'sim/', 'sim', '/tmp/sim/simulate', 'exe', '"simulate"', "'simulate'", 'simulate.exe', '/tmp/sim/'],
  );
  t.equal(m.expand('$BASENAME(/data/run.tar.gz, .tar.gz)', pos), 'run');
  t.equal(expander({ FILE: 'samplerun/a.dat' }).expand('$Fnx(FILE)', pos), 'a.dat', 'the argument names a macro');
  t.equal(new MacroExpander({ lookup: () => undefined, env: {}, cwd: '/home/a' }).expand('$Ffp(sub/x.txt)', pos), '/home/a/sub/');
  t.equal(m.expand('$FOO(x) $Frob(x)', pos), '$FOO(x) $Frob(x)', 'not a function: left as it is');
  t.equal(m.expand('$EVAL(Values)', pos), '40');
  t.equal(m.expand('$EVAL(strcat("a", "b"))', pos), 'ab', 'a string value without its quotes');
  t.equal(expander({ big: '1 > 2' }).expand('$EVAL(big)', pos), 'false');
  t.equal(m.expand('$STRING(Name)', pos), 'abcdef');
  t.equal(expander({ q: '"quoted"' }).expand('$STRING(q,[%10s])', pos), '[    quoted]');
});

t.test('random macro functions stay in range and mark the expansion as random', async (t) => {
  const draws = [0, 0.5, 0.999];
  for (const draw of draws) {
    const m = new MacroExpander({ lookup: (name) => (name === 'sizes' ? 'small, large' : undefined), env: {}, random: () => draw });
    t.ok(['0', '2', '4', '6', '8'].includes(m.expand('$RANDOM_INTEGER(0, 8, 2)', pos)));
    t.ok(['a', 'b', 'c'].includes(m.expand('$RANDOM_CHOICE(a,b,c)', pos)));
    t.ok(['small', 'large'].includes(m.expand('$RANDOM_CHOICE(sizes)', pos)), 'one argument names a list');
    t.equal(m.usedRandom, true);
  }
  t.equal(new MacroExpander({ lookup: () => undefined, env: {}, random: () => 0.999 }).expand('$RANDOM_INTEGER(0, 8, 2)', pos), '8');
  t.equal(expander({}).usedRandom, false);
});

t.test('macro function errors in HTCondor\'s words, located', async (t) => {
  const m = expander({ word: 'abc' });
  t.throws(() => m.expand('$INT(word)', pos), { name: 'SubmitError', message: 'job.sub:4: $INT() macro: abc does not evaluate to an integer!' });
  t.throws(() => m.expand('$REAL(word)', pos), { message: 'job.sub:4: $REAL() macro: abc does not evaluate to an real!' });
  t.throws(() => m.expand('$INT(1,%s)', pos), { message: "job.sub:4: $INT() macro: '%s' is not a valid format specifier!" });
  t.throws(() => m.expand('$CHOICE(5, a, b)', pos), { message: 'job.sub:4: $CHOICE() config macro: index 5 is out of range!' });
  t.throws(() => m.expand('$CHOICE(x, a, b)', pos), { message: "job.sub:4: $CHOICE() error: 'x' is invalid index" });
  t.throws(() => m.expand('$CHOICE(0, nolist)', pos), { message: 'job.sub:4: $CHOICE() macro: no list named "nolist"!' });
  t.throws(() => m.expand('$SUBSTR(word)', pos), { message: 'job.sub:4: $SUBSTR() macro: no length specified!' });
  t.throws(() => m.expand('$RANDOM_INTEGER(5, 1)', pos), { message: 'job.sub:4: $RANDOM_INTEGER() config macro: min > max!' });
  t.throws(() => m.expand('$RANDOM_CHOICE()', pos), { message: 'job.sub:4: $RANDOM_CHOICE() macro is empty!' });
});
