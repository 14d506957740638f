import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { binCommand } from './helpers/pool.js';

/** The processes whose environment holds `entry` (the pool's startds carry its CONDOR_CONFIG). */
function processesWithEnvironment(entry: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// Whoever reads the ready line may stop the pool at once: before, SIGTERM could arrive before the pool
// listened for it, node's default action ended the pool and its startds ran on without a schedd (seen
// under load as test files that never ended, a startd holding their stderr open).
t.test('a pool stopped the moment it says it is ready stops its startds and exits cleanly', async (t) => {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-stop-'));
    t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
    const home = path.join(base, 'pool');
    const pool = spawn(...binCommand('tinycondor.js', ['pool', '--home', home, '--startds', '2', '--cpus', '1', '--port', '0']), { stdio: ['ignore', 'pipe', 'ignore'] });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => pool.once('exit', (code, signal) => resolve({ code, signal })));
    let out = '';
    pool.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('tinycondor pool ready')) pool.kill('SIGTERM');
    });
    const timer = setTimeout(() => pool.kill('SIGKILL'), 60_000);
    const ended = await exit;
    clearTimeout(timer);
    t.same(ended, { code: 0, signal: null }, `attempt ${attempt}: the pool handled SIGTERM and exited 0`);
    t.same(processesWithEnvironment(`CONDOR_CONFIG=${path.join(home, 'condor_config')}`), [], `attempt ${attempt}: no startd outlived it`);
  }
});
