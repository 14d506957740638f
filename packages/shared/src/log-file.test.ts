import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { LogFile } from './log-file.js';

const flushed = (log: LogFile) => new Promise<void>((resolve) => log.flush(() => resolve()));

t.test('lines are appended in order to a file only its owner can read', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-file-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'SchedLog');
  fs.writeFileSync(file, 'earlier\n', { mode: 0o600 });
  const log = new LogFile(file);
  for (let i = 0; i < 1000; i++) log.write(`line ${i}\n`);
  await flushed(log);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  t.equal(lines[0], 'earlier');
  t.same(lines.slice(1, 1001), Array.from({ length: 1000 }, (_, i) => `line ${i}`));
  t.equal(log.lostLines, 0);
  const created = new LogFile(path.join(dir, 'StartLog'));
  created.write('x\n');
  await flushed(created);
  t.equal(fs.statSync(path.join(dir, 'StartLog')).mode & 0o777, 0o600);
});

t.test('a full disk drops and counts lines, says so once on stderr, and never throws', { skip: fs.existsSync('/dev/full') ? false : 'no /dev/full here' }, async (t) => {
  const reports: string[] = [];
  const log = new LogFile('/dev/full', (message) => reports.push(message));
  for (let i = 0; i < 50; i++) {
    log.write(`line ${i}\n`);
    if (i % 10 === 0) await flushed(log);
  }
  await flushed(log);
  t.equal(log.lostLines, 50, 'every line is counted as lost');
  t.equal(reports.length, 1, 'one report');
  t.match(reports[0], /cannot write the log file \/dev\/full: .*ENOSPC/);
  log.write('at exit\n');
  t.doesNotThrow(() => log.flushOnceSync(), 'the exit flush gives up at once');
});

t.test('a log that cannot be opened drops lines instead of failing the daemon', async (t) => {
  const reports: string[] = [];
  const log = new LogFile('/nonexistent-dir/SchedLog', (message) => reports.push(message));
  log.write('a\n');
  await flushed(log);
  t.equal(log.lostLines, 1);
  t.match(reports[0], /ENOENT/);
});
