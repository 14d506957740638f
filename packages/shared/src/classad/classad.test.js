import t from 'tap';
import { ClassAd } from './classad.js';
import { ClassAdParseError } from './errors.js';
t.test('names are case-insensitive and keep their first case', async (t) => {
    const ad = new ClassAd();
    ad.set('RequestMemory', 100);
    ad.set('requestmemory', 200);
    t.equal(ad.size, 1);
    t.same(ad.names(), ['RequestMemory']);
    t.ok(ad.has('REQUESTMEMORY'));
    t.equal(ad.getInt('requestMEMORY'), 200);
    t.equal(ad.delete('REQUESTmemory'), true);
    t.equal(ad.delete('RequestMemory'), false);
    t.equal(ad.size, 0);
});
t.test('set converts JS values to literals', async (t) => {
    const ad = new ClassAd()
        .set('I', 3)
        .set('R', 2.5)
        .set('S', 'say "hi"\n')
        .set('B', false)
        .set('N', null)
        .set('L', ['a', 1, 1.5])
        .setReal('F', 1)
        .setExpr('E', 'I*2');
    t.same(ad.toJSON(), {
        I: '3',
        R: '2.5',
        S: '"say \\"hi\\"\\n"',
        B: 'false',
        N: 'undefined',
        L: '{ "a",1,1.5 }',
        F: '1.0',
        E: 'I * 2',
    });
    t.equal(ad.getSource('e'), 'I * 2');
    t.equal(ad.getSource('nope'), undefined);
    t.equal(ad.get('I')?.kind, 'literal');
});
t.test('typed getters evaluate', async (t) => {
    const ad = ClassAd.parseText('I = 7\nR = 2.9\nS = "x"\nB = 1 < 2\nE = 1/0\nNum = 0');
    t.equal(ad.getInt('I'), 7);
    t.equal(ad.getInt('R'), 2);
    t.equal(ad.getInt('S'), undefined);
    t.equal(ad.getNumber('R'), 2.9);
    t.equal(ad.getNumber('B'), undefined);
    t.equal(ad.getString('S'), 'x');
    t.equal(ad.getString('I'), undefined);
    t.equal(ad.getBool('B'), true);
    t.equal(ad.getBool('Num'), false);
    t.equal(ad.getBool('E'), undefined);
    t.equal(ad.getBool('Missing'), undefined);
});
t.test('fromJSON/toJSON round trip and errors name the attribute', async (t) => {
    const stored = { Cmd: '"/bin/sleep"', Requirements: '(TARGET.Memory >= 100) && OpSys == "LINUX"', Cpus: '1' };
    const ad = ClassAd.fromJSON(stored);
    t.same(ad.toJSON(), stored);
    t.same(ClassAd.fromJSON(ad.toJSON()).toJSON(), stored);
    t.throws(() => ClassAd.fromJSON({ Good: '1', Bad: '1 +' }), {
        name: 'ClassAdParseError',
        message: 'attribute Bad: syntax error at column 4: unexpected end of input',
    });
    t.throws(() => new ClassAd().setExpr('X', '(('), ClassAdParseError);
});
t.test('parseText/toText round trip', async (t) => {
    const text = [
        '# a job ad',
        'ClusterId = 12',
        '',
        'Cmd = "/bin/echo"',
        'Args = "hello world"',
        'Requirements = (TARGET.Arch == "X86_64") && (TARGET.Memory >= RequestMemory)',
        '  RequestMemory=128  ',
        'Rank = 0.0',
        'Env = { "A=1","B=2" }',
        '',
    ].join('\r\n');
    const ad = ClassAd.parseText(text);
    t.equal(ad.toText(), [
        'ClusterId = 12',
        'Cmd = "/bin/echo"',
        'Args = "hello world"',
        'Requirements = (TARGET.Arch == "X86_64") && (TARGET.Memory >= RequestMemory)',
        'RequestMemory = 128',
        'Rank = 0.0',
        'Env = { "A=1","B=2" }',
        '',
    ].join('\n'));
    t.equal(ClassAd.parseText(ad.toText()).toText(), ad.toText());
    t.equal(new ClassAd().toText(), '');
    t.throws(() => ClassAd.parseText('A = 1\nB = )'), {
        message: "line 2 (attribute B): syntax error at column 2: unexpected ')'",
    });
    t.throws(() => ClassAd.parseText('A = 1\n\njunk line'), { message: /^line 3: expected 'Name = expression'/ });
});
t.test('update and clone copy attributes', async (t) => {
    const base = ClassAd.parseText('A = 1\nB = 2');
    const copy = base.clone();
    copy.set('A', 10);
    t.equal(base.getInt('A'), 1, 'clone is independent');
    base.update(ClassAd.parseText('b = 20\nC = 30'));
    t.same(base.toJSON(), { A: '1', B: '20', C: '30' });
});
t.test('evaluateExpr accepts text or trees and a target', async (t) => {
    const job = ClassAd.parseText('RequestMemory = 100');
    const machine = ClassAd.parseText('Memory = 150');
    t.same(job.evaluateExpr('TARGET.Memory - RequestMemory', machine), { type: 'int', value: 50 });
    t.throws(() => job.evaluateExpr('1 +'), ClassAdParseError);
});
//# sourceMappingURL=classad.test.js.map