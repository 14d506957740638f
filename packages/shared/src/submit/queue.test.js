import t from 'tap';
import { applySlice, matchFiles, parseQueueStatement, splitRow } from './queue.js';
const pos = { file: 'job.sub', line: 12 };
const parse = (line, continuation = null) => parseQueueStatement(line, continuation, pos);
t.test('plain forms', async (t) => {
    t.same(parse('queue'), { count: null, vars: [], source: { kind: 'none' } });
    t.same(parse('Queue 5'), { count: '5', vars: [], source: { kind: 'none' } });
    t.same(parse('queue $(N)'), { count: '$(N)', vars: [], source: { kind: 'none' } });
});
t.test('in', async (t) => {
    t.same(parse('queue in a, b c'), { count: null, vars: ['Item'], source: { kind: 'in', items: ['a', 'b', 'c'] } });
    t.same(parse('queue 3 in (A, B)'), { count: '3', vars: ['Item'], source: { kind: 'in', items: ['A', 'B'] } });
    t.same(parse('queue 2 name IN [1:] x,y,z'), {
        count: '2',
        vars: ['name'],
        source: { kind: 'in', slice: { start: 1 }, items: ['x', 'y', 'z'] },
    });
    t.same(parse('queue animal in (', ['  cat, dog', '# not me', '', ' cow']), {
        count: null,
        vars: ['animal'],
        source: { kind: 'in', items: ['cat', 'dog', 'cow'] },
    });
});
t.test('from', async (t) => {
    t.same(parse('queue a,b from list.txt'), { count: null, vars: ['a', 'b'], source: { kind: 'from', file: 'list.txt' } });
    t.same(parse('queue 2 x y from [::2] items.txt'), {
        count: '2',
        vars: ['x', 'y'],
        source: { kind: 'from', slice: { step: 2 }, file: 'items.txt' },
    });
    t.same(parse('queue in_file, args from (', ['a.txt, -v -x', '#skip', 'b.txt']), {
        count: null,
        vars: ['in_file', 'args'],
        source: { kind: 'from', lines: ['a.txt, -v -x', 'b.txt'] },
    });
    t.same(parse('queue from (one line)'), { count: null, vars: ['Item'], source: { kind: 'from', lines: ['one line'] } });
});
t.test('matching', async (t) => {
    t.same(parse('queue matching *.dat'), {
        count: null,
        vars: ['Item'],
        source: { kind: 'matching', select: 'any', patterns: ['*.dat'] },
    });
    t.same(parse('queue 2 f matching dirs [:1] run_* out?'), {
        count: '2',
        vars: ['f'],
        source: { kind: 'matching', slice: { stop: 1 }, select: 'dirs', patterns: ['run_*', 'out?'] },
    });
    t.same(parse('queue matching files *.txt').source, { kind: 'matching', select: 'files', patterns: ['*.txt'] });
});
t.test('bad queue statements', async (t) => {
    t.throws(() => parse('queue foo'), {
        name: 'SubmitError',
        message: 'job.sub:12: invalid queue statement "queue foo" (expected queue [count] [vars in|from|matching list])',
    });
    t.throws(() => parse('queue 1 2-x in a'), { message: 'job.sub:12: invalid loop variable name "2-x" in queue statement' });
    t.throws(() => parse('queue in [a:b] x'), { message: 'job.sub:12: invalid slice "[a:b]" in queue statement' });
    t.throws(() => parse('queue in [1] x'), {
        message: 'job.sub:12: invalid slice "[1]" in queue statement (expected [start:stop] or [start:stop:step])',
    });
    t.throws(() => parse('queue in [::0] x'), { message: 'job.sub:12: invalid slice "[::0]" in queue statement (step is 0)' });
    t.throws(() => parse('queue in [1: x'), { message: 'job.sub:12: unterminated slice "[1: x" in queue statement' });
    t.throws(() => parse('queue from ls -1 |'), { message: 'job.sub:12: queue ... from a command ("ls -1 |") is not supported' });
    t.throws(() => parse('queue from'), { message: 'job.sub:12: queue ... from needs a file name or a ( … ) list' });
    t.throws(() => parse('queue matching'), { message: 'job.sub:12: queue ... matching needs at least one file pattern' });
    t.throws(() => parse('queue a, b in x'), {
        message: 'job.sub:12: queue ... in takes at most one loop variable (use from for several)',
    });
});
t.test('slices follow Python', async (t) => {
    const xs = [0, 1, 2, 3, 4, 5];
    t.same(applySlice(xs, undefined), xs);
    t.same(applySlice(xs, { start: 1 }), [1, 2, 3, 4, 5]);
    t.same(applySlice(xs, { stop: -2 }), [0, 1, 2, 3]);
    t.same(applySlice(xs, { start: 1, stop: 5, step: 2 }), [1, 3]);
    t.same(applySlice(xs, { step: -2 }), [5, 3, 1]);
    t.same(applySlice(xs, { start: -100, stop: 100 }), xs);
    t.same(applySlice(xs, { start: 4, stop: 2 }), []);
});
t.test('rows: the last variable takes the remainder', async (t) => {
    t.same(splitRow('a.txt, -v -x', ['file', 'args']), { file: 'a.txt', args: '-v -x' });
    t.same(splitRow('a b c', ['x', 'y']), { x: 'a', y: 'b c' });
    t.same(splitRow('only', ['x', 'y', 'z']), { x: 'only', y: '', z: '' });
    t.same(splitRow('  whole line, kept  ', ['Item']), { Item: 'whole line, kept' });
});
t.test('globbing', async (t) => {
    const listings = {
        '': [
            { name: 'b.dat', isDir: false },
            { name: 'a.dat', isDir: false },
            { name: 'run_1', isDir: true },
            { name: '.hidden.dat', isDir: false },
            { name: 'x.txt', isDir: false },
        ],
        'data/': [{ name: 'c.dat', isDir: false }],
    };
    const list = (dir) => listings[dir] ?? [];
    t.same(matchFiles(['*.dat'], 'any', list), ['a.dat', 'b.dat']);
    t.same(matchFiles(['*.dat', 'a.*', 'data/*.dat'], 'any', list), ['a.dat', 'b.dat', 'data/c.dat']);
    t.same(matchFiles(['*'], 'dirs', list), ['run_1']);
    t.same(matchFiles(['*'], 'files', list), ['a.dat', 'b.dat', 'x.txt']);
    t.same(matchFiles(['?.txt'], 'any', list), ['x.txt']);
});
//# sourceMappingURL=queue.test.js.map