import t from 'tap';
import { signalName, signalNumber } from './signals.js';

t.test('signalNumber accepts names with or without SIG, any case, and numbers', async (t) => {
  t.equal(signalNumber('SIGTERM', 0), 15);
  t.equal(signalNumber('TERM', 0), 15);
  t.equal(signalNumber(' sigkill ', 0), 9);
  t.equal(signalNumber('quit', 0), 3);
  t.equal(signalNumber('9', 0), 9);
  t.equal(signalNumber(2, 0), 2);
  t.equal(signalNumber(64, 0), 64);
});

t.test('signalNumber falls back for missing, unknown or out-of-range values', async (t) => {
  t.equal(signalNumber(undefined, 15), 15);
  t.equal(signalNumber('SIGNOPE', 15), 15);
  t.equal(signalNumber('', 15), 15);
  t.equal(signalNumber(0, 15), 15);
  t.equal(signalNumber(65, 15), 15);
  t.equal(signalNumber(-9, 15), 15);
  t.equal(signalNumber(2.5, 15), 15);
  t.equal(signalNumber('-9', 15), 15);
  t.equal(signalNumber('99', 15), 15);
});

t.test('signalName', async (t) => {
  t.equal(signalName(15), 'SIGTERM');
  t.equal(signalName(9), 'SIGKILL');
  t.equal(signalName(6), 'SIGABRT', 'the first of the aliases');
  t.equal(signalName(0), '0');
  t.equal(signalName(99), '99');
});
