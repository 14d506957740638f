import t from 'tap';
import { formatLong, formatNewSyntax } from './long.js';
import { jobAd } from './test-ads.js';

t.test('attributes sorted without regard to case, each ad followed by a blank line', async (t) => {
  const first = jobAd({ b: 'x', A: 1, c: true });
  first.setExpr('Requirements', 'TARGET.Memory >= RequestMemory');
  const second = jobAd({ ClusterId: 2 });
  t.equal(formatLong([first, second]), [
    'A = 1',
    'b = "x"',
    'c = true',
    'Requirements = TARGET.Memory >= RequestMemory',
    '',
    'ClusterId = 2',
    '',
    '',
  ].join('\n'));
});

t.test('no ads, no output', async (t) => {
  t.equal(formatLong([]), '');
});

t.test('-long:nosort: the ad\'s own order', async (t) => {
  t.equal(formatLong([jobAd({ b: 'x', A: 1 })], false), 'b = "x"\nA = 1\n\n');
});

t.test('-long:new and -long:newl: new ClassAd syntax (ClassAdUnParser), as CondorClassAdListWriter lists it', async (t) => {
  const first = jobAd({ Owner: 'a\\b', Cpus: 2, Load: 0.5 });
  first.setExpr('Zero', '0.0');
  first.setExpr('Requirements', 'Foo =?= undefined && Bar =!= 2.5');
  const second = jobAd({ ClusterId: 2 });
  const one = '[ Cpus = 2; Load = 5.000000000000000E-01; Owner = "a\\\\b"; Requirements = Foo is undefined && Bar isnt 2.500000000000000E+00; Zero = 0.0 ]';
  t.equal(formatNewSyntax([first, jobAd({}), second], false), `{\n${one}\n,\n[ ClusterId = 2 ]\n}\n`, 'an empty ad is left out');
  t.equal(formatNewSyntax([first, second], true), `${one}\n[ ClusterId = 2 ]\n`);
  t.equal(formatNewSyntax([], false), '', 'no ads, no braces');
});
