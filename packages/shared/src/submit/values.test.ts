import t from 'tap';
import { normalizeFileList, normalizeRemaps, normalizeSignal, parseBoolean, parseInteger, signalNumber } from './values.js';

t.test('booleans and integers', async (t) => {
  t.same(['TRUE', 'yes', 't', '1', 'False', 'no', 'F', '0'].map(parseBoolean), [true, true, true, true, false, false, false, false]);
  t.throws(() => parseBoolean('maybe'), { name: 'RangeError', message: 'expected True or False, got "maybe"' });
  t.equal(parseInteger(' -42 '), -42);
  t.throws(() => parseInteger('1e3'), { message: 'expected an integer, got "1e3"' });
  t.throws(() => parseInteger('99999999999999999999'), { message: 'integer "99999999999999999999" is out of range' });
});

t.test('signals as HTCondor fixupKillSigName writes them', async (t) => {
  t.equal(normalizeSignal('SIGTERM'), 'SIGTERM');
  t.equal(normalizeSignal('usr2'), 'SIGUSR2');
  t.equal(normalizeSignal('9'), 'SIGKILL');
  t.throws(() => normalizeSignal('0'), { message: 'invalid signal 0' });
  t.equal(signalNumber('SIGUSR1'), 10);
  t.equal(signalNumber('nope'), undefined);
});

t.test('lists, remaps, keywords', async (t) => {
  t.equal(normalizeFileList(' a, b  c,,d '), 'a,b,c,d');
  t.equal(normalizeRemaps('"a = b; c = d"'), 'a = b; c = d');
  t.equal(normalizeRemaps('a=b;'), 'a=b;');
  t.throws(() => normalizeRemaps('"a = b'), { message: 'unbalanced double quote in ""a = b"' });
  t.throws(() => normalizeRemaps('a = b = c'), { message: 'expected "name = newname" pairs separated by ";", got "a = b = c"' });
});
