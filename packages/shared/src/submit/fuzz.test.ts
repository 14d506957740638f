// Random and mutated submit descriptions: the result is job ads or a SubmitError, never
// another exception and never a hang.
import t from 'tap';
import type { SubmitContext } from './context.js';
import { SubmitError, expandProcs, parseSubmitFile } from './index.js';

let seed = 20240611;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pickOne = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ctx: SubmitContext = {
  fileName: 'fuzz.sub',
  submitDir: '/work',
  env: { HOME: '/home/f', X: '1' },
  owner: 'fuzz',
  now: new Date(0),
  readFile: (path) => (path.endsWith('.txt') ? 'a, b\nc d e\n\n# x\n' : ''),
  probeFile: () => ({ size: 100, firstLine: '#!/bin/sh\n' }),
  runCommand: () => {
    throw new Error('No such file or directory');
  },
  listDir: () => [
    { name: 'a.dat', isDir: false },
    { name: 'd', isDir: true },
  ],
};

const BASE = `executable = run.sh
arguments = "a 'b c' $(Item)"
environment = "A=1 B='x y'"
request_memory = 2 GB
request_disk = 1GB
requirements = Memory > 1024 && $(Process) >= 0
+Tag = "t$(Step)"
macro = $(other:x)
other = $(macro)y
log = l.$(Cluster)
queue 2 in (p, q)
queue a, b from list.txt
queue matching *.dat
`;

const FRAGMENTS = [
  'queue', 'queue 3', 'queue in', 'queue from (', ')', 'queue matching files', '=', '==', '"', "'", '\\',
  '$(', '$(x)', '$$(y)', '$(DOLLAR)', '$ENV(HOME)', '$(macro)', '$(a:$(b))', '(', '[1:2]', '[::-1]', '#',
  '+', 'MY.', 'executable', 'arguments', 'environment', 'env', 'getenv', 'request_memory', 'universe',
  'hold', 'priority', 'kill_sig', 'max_retries', 'retry_until', 'transfer_output_remaps', 'notification',
  ' ', ' ', '\n', '\n', ',', ';', 'GB', '12', '-1', 'true', 'x y', '@=', '@end', 'in', 'from', 'matching',
];

function mutate(text: string): string {
  const chars = [...text];
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (chars.length + 1));
    const action = random();
    if (action < 0.4) chars.splice(at, 0, ...pickOne(FRAGMENTS));
    else if (action < 0.7) chars.splice(at, 1 + Math.floor(random() * 8));
    else chars.splice(at, 0, String.fromCharCode(Math.floor(random() * 128)));
  }
  return chars.join('');
}

function randomText(): string {
  return Array.from({ length: Math.floor(random() * 30) }, () => pickOne(FRAGMENTS)).join(pickOne(['', ' ', '\n', ' = ']));
}

t.test('mutated and random submit files', async (t) => {
  let accepted = 0;
  let rejected = 0;
  const started = Date.now();
  for (let n = 0; n < 3000; n++) {
    const text = n % 3 === 0 ? randomText() : mutate(BASE);
    try {
      const ads = expandProcs(parseSubmitFile(text, ctx), 1, ctx);
      for (const ad of ads) ad.toJSON();
      accepted++;
    } catch (err) {
      if (!(err instanceof SubmitError)) {
        t.fail(`unexpected ${(err as Error).name}: ${(err as Error).message}\n--- input ---\n${text}`);
        return;
      }
      t.match(err.message, /^fuzz\.sub:\d+: |^-append:\d+: /);
      rejected++;
    }
  }
  t.ok(accepted > 100, `some inputs are accepted (${accepted})`);
  t.ok(rejected > 100, `some inputs are rejected (${rejected})`);
  t.ok(Date.now() - started < 20_000, 'finishes quickly');
});
