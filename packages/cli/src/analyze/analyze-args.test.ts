import t from 'tap';
import { takeAnalyzeArgs } from './analyze-args.js';

t.test('the analyze options are taken out, the rest left for the query', async (t) => {
  t.match(takeAnalyzeArgs(['-better-analyze', '12', '-machine', 'slot1@x', '-mconstraint', 'Memory > 1', '-verbose', '-allusers']), {
    analyze: true, better: true, reverse: false, machine: 'slot1@x', slotConstraint: 'Memory > 1', verbose: true, rest: ['12', '-allusers'],
  });
  t.match(takeAnalyzeArgs(['-analyze']), { analyze: true, better: false });
  for (const spelling of ['-better-analyse', '-be', '-better-anal', '--better-analyze']) t.match(takeAnalyzeArgs([spelling]), { analyze: true, better: true }, spelling);
  for (const spelling of ['-analyse', '-an', '-ana']) t.match(takeAnalyzeArgs([spelling]), { analyze: true, better: false }, spelling);
  t.match(takeAnalyzeArgs(['-reverse']), { analyze: true, reverse: true }, '-reverse is a prefix of -reverse-analyze');
  t.match(takeAnalyzeArgs(['-analyze:reverse']), { analyze: true, reverse: true });
  t.match(takeAnalyzeArgs(['-ana:sum,rev']), { analyze: true, better: false, reverse: true, summary: true }, 'queue.cpp\'s qualifiers by prefix');
  t.match(takeAnalyzeArgs(['-better-analyze:nop,slot-exprs']), { better: true, noprune: true }, 'slot-exprs changes nothing in condor_q');
  t.match(takeAnalyzeArgs(['-slotads', 'slots.txt', '-slotads:long', 'more.txt']), { slotadsFile: 'more.txt', rest: [] });
  t.match(takeAnalyzeArgs(['-slotconstraint', 'true']), { slotConstraint: 'true' });
  t.match(takeAnalyzeArgs(['-nouserprios', '-af', 'Owner']), { analyze: false, rest: ['-af', 'Owner'] });
  t.same(takeAnalyzeArgs(['-match', '3', '-al']).rest, ['-match', '3', '-al'], '-match and -allusers are not -machine or -analyze');
});

t.test('what has no data here is refused in one line', async (t) => {
  t.throws(() => takeAnalyzeArgs(['-analyze:priority']), /-analyze:priority is not supported: this pool has no negotiator/);
  t.throws(() => takeAnalyzeArgs(['-better-analyze:diag']), /-analyze:diagnostic is not supported/);
  t.throws(() => takeAnalyzeArgs(['-analyze:bogus']), /unknown -analyze qualifier 'bogus'/);
  t.throws(() => takeAnalyzeArgs(['-slotads:xml', 'f']), /-slotads:xml: tinycondor reads slot ads in long form only/);
  t.throws(() => takeAnalyzeArgs(['-slotads']), /Error: -slotads requires a filename/);
  t.throws(() => takeAnalyzeArgs(['-userprios', 'f']), /-userprios is not supported: this pool has no negotiator/);
  t.match(takeAnalyzeArgs(['-name', 'schedd@x', '-pool', 'cm']), { rest: ['-name', 'schedd@x', '-pool', 'cm'] }, '-name and -pool are condor_q\'s to check');
  t.match(takeAnalyzeArgs(['-nobatch']), { rest: ['-nobatch'] }, '-nobatch is not -name');
  t.throws(() => takeAnalyzeArgs(['-machine']), /Error: -machine requires another parameter/);
});
