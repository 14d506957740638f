import t from 'tap';
import { wildcardMatch } from './wildcard.js';

t.test('* and ? match like a shell glob', async (t) => {
  t.ok(wildcardMatch('*.dat', 'run1.dat'));
  t.notOk(wildcardMatch('*.dat', 'run1.dat.bak'));
  t.ok(wildcardMatch('run?.dat', 'run7.dat'));
  t.notOk(wildcardMatch('run?.dat', 'run17.dat'));
  t.ok(wildcardMatch('a*b*c', 'aXXbYYc'));
  t.ok(wildcardMatch('*', ''));
  t.notOk(wildcardMatch('?', ''));
  t.ok(wildcardMatch('PATH*', 'path_extra', true), 'case-insensitive when asked');
  t.notOk(wildcardMatch('PATH*', 'path_extra'));
});

t.test('long patterns and texts are matched without blowing up', async (t) => {
  const start = Date.now();
  t.notOk(wildcardMatch(`${'a*'.repeat(5_000)}b`, 'a'.repeat(20_000)));
  t.ok(wildcardMatch('ab'.repeat(30_000), 'ab'.repeat(30_000)));
  t.ok(Date.now() - start < 5_000, 'pathological patterns finish');
});
