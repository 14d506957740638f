import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { openDatabase } from './db.js';
import { JobStore } from './job-store.js';

function store(t: Test): { store: JobStore; clusterIds: () => string | undefined } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-store-'));
  const db = openDatabase(path.join(dir, 'job_queue.sqlite'));
  t.teardown(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const clusterIds = () => (db.prepare("SELECT value FROM meta WHERE key = 'last_cluster_id'").get() as { value: string } | undefined)?.value;
  return { store: new JobStore(db), clusterIds };
}

t.test('afterCommit waits for the outermost commit, and is dropped when the transaction is undone', async (t) => {
  const { store: s } = store(t);
  const done: string[] = [];
  s.afterCommit(() => done.push('outside'));
  t.same(done, ['outside'], 'outside a transaction it runs at once');
  s.transaction(() => {
    s.transaction(() => s.afterCommit(() => done.push('inner')));
    t.same(done, ['outside'], 'an inner transaction only joins: nothing ran yet');
  });
  t.same(done, ['outside', 'inner']);
  t.throws(() =>
    s.transaction(() => {
      s.afterCommit(() => done.push('undone'));
      throw new Error('boom');
    }),
  );
  t.same(done, ['outside', 'inner'], 'a rolled-back transaction runs none of its steps');
  s.transaction(() => undefined);
  t.same(done, ['outside', 'inner'], 'nor does the next one');
});

t.test('a savepoint that throws is undone alone: its writes and its after-commit steps', async (t) => {
  const { store: s, clusterIds } = store(t);
  const done: string[] = [];
  s.transaction(() => {
    s.reserveCluster(new Date());
    s.afterCommit(() => done.push('kept'));
    t.throws(() =>
      s.savepoint(() => {
        s.reserveCluster(new Date());
        s.afterCommit(() => done.push('undone'));
        throw new Error('this start fails');
      }),
    );
    s.savepoint(() => {
      s.reserveCluster(new Date());
      s.afterCommit(() => done.push('second'));
    });
  });
  t.equal(clusterIds(), '2', 'the failed savepoint took its cluster id back; the others stayed');
  t.same(done, ['kept', 'second']);
});

t.test('a step that throws after the commit does not keep the later ones from running', async (t) => {
  const { store: s, clusterIds } = store(t);
  const done: string[] = [];
  t.throws(
    () =>
      s.transaction(() => {
        s.reserveCluster(new Date());
        s.afterCommit(() => {
          throw new Error('first start failed to send');
        });
        s.afterCommit(() => done.push('second'));
      }),
    { message: 'first start failed to send' },
  );
  t.same(done, ['second']);
  t.equal(clusterIds(), '1', 'the transaction itself committed');
});
