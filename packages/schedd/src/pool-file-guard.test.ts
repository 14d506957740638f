import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { PoolFileGuard, realTarget } from './pool-file-guard.js';

function layout(t: Test) {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pool-guard-')));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const pool = path.join(base, 'pool');
  const submit = path.join(base, 'submit');
  fs.mkdirSync(path.join(pool, 'spool', '1', '0', 'cluster1.proc0.subproc0'), { recursive: true });
  fs.mkdirSync(path.join(pool, 'spool', '2', '0', 'cluster2.proc0.subproc0'), { recursive: true });
  fs.writeFileSync(path.join(pool, 'spool', 'job_queue.sqlite'), '');
  fs.writeFileSync(path.join(pool, 'pool.token'), 'secret');
  fs.mkdirSync(submit);
  fs.writeFileSync(path.join(submit, 'in.txt'), 'input');
  return { base, pool, submit, guard: new PoolFileGuard(pool) };
}

t.test('files of the submit directory pass; the pool itself, its token and its queue do not', async (t) => {
  const { pool, submit, guard } = layout(t);
  t.equal(guard.refusal(path.join(submit, 'in.txt')), undefined);
  t.equal(guard.refusal(path.join(submit, 'not-yet', 'out.txt')), undefined, 'an output still to be created');
  for (const inside of [pool, path.join(pool, 'pool.token'), path.join(pool, 'spool', 'job_queue.sqlite'), path.join(pool, 'spool', 'job_queue.sqlite-wal'), path.join(pool, 'log', 'SchedLog')]) {
    t.match(guard.refusal(inside), /inside the pool's own directory/, inside);
  }
  t.match(guard.refusal(path.join(submit, '..', 'pool', 'pool.token')), /inside the pool/, 'dot-dot is resolved');
});

t.test('symbolic links are followed: a link in the submit directory cannot lead into the pool', async (t) => {
  const { pool, submit, guard } = layout(t);
  fs.symlinkSync(path.join(pool, 'spool'), path.join(submit, 'spool-link'));
  fs.symlinkSync(path.join(pool, 'pool.token'), path.join(submit, 'token-link'));
  fs.symlinkSync(path.join(pool, 'spool', 'job_queue.sqlite-wal'), path.join(submit, 'dangling-wal'));
  t.match(guard.refusal(path.join(submit, 'spool-link', 'job_queue.sqlite')), /inside the pool/);
  t.match(guard.refusal(path.join(submit, 'spool-link', 'new-file')), /inside the pool/, 'a file to be created under a linked directory');
  t.match(guard.refusal(path.join(submit, 'token-link')), /inside the pool/);
  t.match(guard.refusal(path.join(submit, 'dangling-wal')), /inside the pool/, 'a dangling link leads where its target would be created');
});

t.test("a job's own SPOOL directory is its own; another job's is not", async (t) => {
  const { pool, guard } = layout(t);
  const own = path.join(pool, 'spool', '1', '0', 'cluster1.proc0.subproc0');
  const other = path.join(pool, 'spool', '2', '0', 'cluster2.proc0.subproc0');
  t.equal(guard.refusal(path.join(own, 'state'), [own]), undefined);
  t.match(guard.refusal(path.join(other, 'state'), [own]), /inside the pool/);
  t.match(guard.refusal(path.join(own, '..', '..', '..', 'job_queue.sqlite'), [own]), /inside the pool/, 'dot-dot out of the own directory');
});

t.test('a directory read whole must not hold the pool', async (t) => {
  const { base, submit, guard } = layout(t);
  t.match(guard.readRefusal(base), /holds the pool's own directory/);
  t.match(guard.readRefusal('/'), /holds the pool's own directory/);
  t.equal(guard.readRefusal(submit), undefined);
});

t.test('realTarget resolves the existing part and keeps the rest as written', async (t) => {
  const { base, submit } = layout(t);
  fs.symlinkSync(submit, path.join(base, 'link'));
  t.equal(realTarget(path.join(base, 'link', 'a', 'b')), path.join(submit, 'a', 'b'));
  fs.symlinkSync('loop', path.join(base, 'loop'));
  t.equal(realTarget(path.join(base, 'loop')), path.join(base, 'loop'), 'a link loop is judged as written');
});
