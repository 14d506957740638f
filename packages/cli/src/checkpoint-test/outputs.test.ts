import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { producedFiles, snapshotTree, type OutputSpec } from './outputs.js';

/** A submit directory with an input, a stale report and an old result, snapshotted, then a "run" writes into it. */
function setUp(t: Test): { iwd: string; before: Map<string, string> } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-outputs-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const iwd = path.join(base, 'job');
  fs.mkdirSync(path.join(iwd, 'data'), { recursive: true });
  fs.writeFileSync(path.join(iwd, 'job.sub'), 'queue\n');
  fs.writeFileSync(path.join(iwd, 'report.txt'), 'an earlier report\n');
  fs.writeFileSync(path.join(iwd, 'data', 'input.csv'), '1,2\n');
  fs.writeFileSync(path.join(iwd, 'result.txt'), 'old result\n');
  const before = snapshotTree(iwd);
  fs.writeFileSync(path.join(iwd, 'job.out'), 'step 0\n');
  fs.writeFileSync(path.join(iwd, 'job.err'), '');
  fs.writeFileSync(path.join(iwd, 'job.log'), '000 (001.000.000) submitted\n');
  fs.writeFileSync(path.join(iwd, 'result.txt'), 'new result\n');
  fs.writeFileSync(path.join(iwd, 'scratch.tmp'), 'x');
  return { iwd, before };
}

const spec = (iwd: string, extra: Partial<OutputSpec> = {}): OutputSpec => ({ iwd, out: 'job.out', err: 'job.err', listed: undefined, remaps: new Map(), userLog: 'job.log', ...extra });

t.test('no transfer_output_files: what the job created or changed, never the files it left alone nor the event log', async (t) => {
  const { iwd, before } = setUp(t);
  t.same([...producedFiles(spec(iwd), before).keys()], ['job.err', 'job.out', 'result.txt', 'scratch.tmp']);
  t.equal(producedFiles(spec(iwd), before).get('result.txt')?.toString(), 'new result\n');
});

t.test('transfer_output_files: stdout, stderr and the listed files only, where the remaps put them', async (t) => {
  const { iwd, before } = setUp(t);
  const outside = path.join(path.dirname(iwd), 'results');
  fs.mkdirSync(path.join(outside, 'tables'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'final.txt'), 'final\n');
  fs.writeFileSync(path.join(outside, 'tables', 'a.csv'), 'a\n');
  fs.writeFileSync(path.join(iwd, 'renamed.txt'), 'renamed\n');
  const remaps = new Map([
    ['out.txt', 'renamed.txt'],
    ['final.txt', path.join(outside, 'final.txt')],
    ['tables', path.join(outside, 'tables')],
  ]);
  const produced = producedFiles(spec(iwd, { listed: ['sub/out.txt', 'final.txt', 'tables/', 'result.txt'], remaps }), before);
  t.same([...produced.keys()].sort(), [path.join(outside, 'final.txt'), path.join(outside, 'tables', 'a.csv'), 'job.err', 'job.out', 'renamed.txt', 'result.txt'].sort());
  t.notOk(produced.has('scratch.tmp'), 'a file the job left in its sandbox comes back only when listed');
});

t.test('a listed output the run did not produce is simply absent (the comparison reports it missing)', async (t) => {
  const { iwd, before } = setUp(t);
  const produced = producedFiles(spec(iwd, { listed: ['never.txt'], out: '/dev/null', err: undefined }), before);
  t.same([...produced.keys()], []);
});
