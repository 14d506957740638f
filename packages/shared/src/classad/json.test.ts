import t from 'tap';
import { ClassAd } from './classad.js';
import { toHTCondorJson } from './json.js';

t.test('condor_q -json object', async (t) => {
  const ad = ClassAd.parseText([
    'Owner = "alice"',
    'ClusterId = 5',
    'Rank = 1.5',
    'Flag = true',
    'Nothing = undefined',
    'Bad = error',
    'Requirements = TARGET.Memory >= RequestMemory',
    'arch = "x86_64"',
    'Env = { "A=1", 2 }',
    'Nested = [ a = 1; b = a + 1 ]',
    'ExitCode = -1',
    'Ratio = Load * 0.5 =?= "C:\\x"',
  ].join('\n'));
  const json = toHTCondorJson(ad);
  t.same(json, {
    arch: 'x86_64',
    Bad: '/Expr(error)/',
    ClusterId: 5,
    Env: ['A=1', 2],
    ExitCode: -1,
    Flag: true,
    Nested: { a: 1, b: '/Expr(a + 1)/' },
    Nothing: null,
    Owner: 'alice',
    Rank: 1.5,
    Ratio: '/Expr(Load * 5.000000000000000E-01 is "C:\\\\x")/',
    Requirements: '/Expr(TARGET.Memory >= RequestMemory)/',
  });
  t.same(Object.keys(json), ['arch', 'Bad', 'ClusterId', 'Env', 'ExitCode', 'Flag', 'Nested', 'Nothing', 'Owner', 'Rank', 'Ratio', 'Requirements'],
    'keys sorted case-insensitively');
});
