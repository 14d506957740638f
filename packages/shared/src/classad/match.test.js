import t from 'tap';
import { ClassAd } from './classad.js';
import { matches } from './match.js';
const machine = (memory, extra = '') => ClassAd.parseText(`Memory = ${memory}\nArch = "X86_64"\nCpus = 4\n${extra}`);
t.test('job requirements against the machine', async (t) => {
    const job = ClassAd.parseText('RequestMemory = 1024\nRequirements = TARGET.Memory >= MY.RequestMemory && Arch == "x86_64"');
    t.equal(matches(job, machine(2048)), true);
    t.equal(matches(job, machine(512)), false);
    const noArch = ClassAd.parseText('Memory = 4096');
    t.equal(matches(job, noArch), false, 'undefined requirements do not match');
});
t.test('machine requirements must also hold', async (t) => {
    const job = ClassAd.parseText('Owner = "bob"\nRequestMemory = 10\nRequirements = TARGET.Memory >= RequestMemory');
    t.equal(matches(job, machine(100, 'Requirements = TARGET.Owner == "alice"')), false);
    t.equal(matches(job, machine(100, 'Requirements = TARGET.Owner == "BOB"')), true);
    t.equal(matches(job, machine(100, 'Requirements = MY.Cpus > 0')), true);
});
t.test('a job without Requirements does not match', async (t) => {
    t.equal(matches(ClassAd.parseText('RequestMemory = 1'), machine(100)), false);
});
//# sourceMappingURL=match.test.js.map