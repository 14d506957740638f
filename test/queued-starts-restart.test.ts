import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { killHard, startDaemons } from './helpers/daemons.js';
import { codes, eventually, waitForEvents, writeExecutable } from './helpers/pool.js';

// A start queued on a busy slot is stored before it is sent: a schedd killed after the startd launched the job,
// and before it stored the run, must not start that job a second time when it comes back.

t.test('a schedd killed while a queued job is launched: the job runs once', async (t) => {
  const d = await startDaemons(t, ['--lease', '30']);
  await d.startStartd('exec1');
  await d.startStartd('exec2');
  // Each run of a job appends a line to NAME.starts, then waits for go.NAME.
  writeExecutable(path.join(d.dir, 'wait.sh'), '#!/bin/sh\necho started >> "$1.starts"\nwhile [ ! -e "$1.go" ]; do /bin/sleep 0.02; done\n');
  const submit = async (name: string) => {
    // Nothing to transfer: a launch needs nothing from the schedd.
    fs.writeFileSync(path.join(d.dir, `${name}.sub`), `executable = ${path.join(d.dir, 'wait.sh')}\ntransfer_executable = false\narguments = ${path.join(d.dir, name)}\nlog = jobs.log\nqueue\n`);
    t.equal((await d.run('condor_submit', [`${name}.sub`])).code, 0, `${name} submitted`);
  };
  const log = path.join(d.dir, 'jobs.log');
  await submit('a');
  await submit('c');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1) && codes(ev, 2, 0).includes(1));
  await submit('b');
  const schedLog = path.join(d.home, 'log', 'SchedLog');
  const queuedLine = (line: string) => line.includes('"job queued on a busy slot"') && line.includes('"jobId":"3.0"');
  await eventually('3.0 queued on a busy slot', () => (fs.readFileSync(schedLog, 'utf8').split('\n').some(queuedLine) ? true : undefined));
  // The schedd stops answering; both runs end, and the startd launches the queued job at once.
  d.schedd.kill('SIGSTOP');
  fs.writeFileSync(path.join(d.dir, 'a.go'), '');
  fs.writeFileSync(path.join(d.dir, 'c.go'), '');
  await eventually('b launched while the schedd was stopped', () => (fs.existsSync(path.join(d.dir, 'b.starts')) ? true : undefined));
  await killHard(d.schedd);
  await d.startSchedd();
  fs.writeFileSync(path.join(d.dir, 'b.go'), '');
  const events = await waitForEvents(log, (ev) => codes(ev, 3, 0).includes(5), 60_000);
  t.equal(fs.readFileSync(path.join(d.dir, 'b.starts'), 'utf8'), 'started\n', 'b ran once');
  t.equal(codes(events, 3, 0).filter((c) => c === 1).length, 1, 'one 001 for b');
  const history = await d.run('condor_history', ['3.0', '-af', 'NumShadowStarts', 'ExitCode']);
  t.equal(history.stdout, '1 0\n');
});
