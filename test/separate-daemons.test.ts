import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { binDir, codes, eventually, runCommand, waitForEvents, writeExecutable, type Teardown } from './helpers/pool.js';

function startDaemon(t: Teardown, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(binDir, 'tinycondor.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready: ${out}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${out}`)));
  });
}

t.test('schedd and startds as separate processes; a killed startd loses its job after the lease', async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-sep-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const home = path.join(base, 'home');
  const dir = path.join(base, 'submit');
  fs.mkdirSync(dir);
  const env = { ...process.env, CONDOR_CONFIG: path.join(home, 'condor_config') };
  await startDaemon(t, ['schedd', '--home', home, '--port', '0', '--lease', '1'], process.env, /schedd ready/);
  const first = await startDaemon(t, ['startd', '--name', 'exec1', '--cpus', '1'], env, /startd exec1 ready/);
  const status = await runCommand('condor_status', ['-af', 'Name', 'Cpus', 'State'], env, dir);
  t.equal(status.stdout, 'slot1@exec1 1 Unclaimed\n');

  // A job that counts; the marker lets the test clean up the orphan a SIGKILLed startd leaves behind.
  const marker = `tinycondor-test-${process.pid}-${Date.now()}`;
  writeExecutable(path.join(dir, 'count.sh'), `#!/bin/bash\n# ${marker}\nfor i in $(seq 1 600); do echo $i; sleep 0.1; done\n`);
  t.teardown(() => {
    try {
      execFileSync('pkill', ['-f', marker]);
    } catch {
      // nothing left to kill
    }
  });
  fs.writeFileSync(path.join(dir, 'count.sub'), 'executable = count.sh\nlog = count.log\noutput = count.out\nqueue\n');
  t.equal((await runCommand('condor_submit', ['count.sub'], env, dir)).code, 0);
  const log = path.join(dir, 'count.log');
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 1));
  const executing = fs.readFileSync(log, 'utf8');
  t.match(executing, /001 \(001\.000\.000\) .* Job executing on host: <127\.0\.0\.1:\d+\?addrs=127\.0\.0\.1-\d+&alias=\S+>\n\tSlotName: slot1@exec1\n/);

  first.kill('SIGKILL');
  const evicted = await waitForEvents(log, (ev) => ev.some((e) => e.code === 4));
  t.same(codes(evicted, 1, 0), [0, 40, 40, 1, 4]);
  t.match(evicted.find((e) => e.code === 4)?.lines.join('\n'), /lease expired/);
  t.equal(
    await eventually('the job to be idle', async () => {
      const q = await runCommand('condor_q', ['-af', 'JobStatus'], env, dir);
      return q.stdout === '1\n' ? q.stdout : undefined;
    }),
    '1\n',
  );

  await startDaemon(t, ['startd', '--name', 'exec2', '--cpus', '1'], env, /startd exec2 ready/);
  const restarted = await waitForEvents(log, (ev) => ev.filter((e) => e.code === 1).length === 2);
  t.match(restarted.filter((e) => e.code === 1)[1].lines[1], /SlotName: slot1@exec2/);
  t.equal((await runCommand('condor_rm', ['1.0'], env, dir)).code, 0);
  await waitForEvents(log, (ev) => ev.some((e) => e.code === 9));
});
