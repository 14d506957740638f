// Runs the whole suite with tap and closes with the line CI reads: `N passed, N failed` (test files).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tap = path.join(root, 'node_modules', '.bin', 'tap');
const child = spawn(tap, ['--reporter=terse', ...process.argv.slice(2)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});

let summary;
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const m = /^# \{ total: (\d+), pass: (\d+)(.*)\}$/.exec(line.trim());
    if (m) {
      const count = (what) => Number(new RegExp(`${what}: (\\d+)`).exec(m[3])?.[1] ?? 0);
      summary = { total: Number(m[1]), pass: Number(m[2]), skip: count('skip'), todo: count('todo') };
    }
  }
});

child.on('close', (code) => {
  // A skipped test (one that says why it cannot run here) is no failure; it is named on a line of its own.
  if (summary) {
    const unrun = summary.skip + summary.todo;
    if (unrun > 0) process.stdout.write(`\n${summary.skip} skipped, ${summary.todo} todo\n`);
    process.stdout.write(`\n${summary.pass} passed, ${summary.total - summary.pass - unrun} failed\n`);
  } else process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(code ?? 1);
});
