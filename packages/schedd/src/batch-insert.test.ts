import Database from 'better-sqlite3';
import t from 'tap';
import { BatchInsert } from './batch-insert.js';

t.test('every row added is inserted, in order', async (t) => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, s TEXT)');
  const insert = new BatchInsert(db, 't', ['n', 's']);
  for (const count of [0, 1, 99, 100, 101, 250]) {
    db.exec('DELETE FROM t');
    db.transaction(() => insert.insertAll((add) => {
      for (let n = 0; n < count; n++) add(n, `row ${n}`);
    }))();
    const rows = db.prepare<[], { n: number; s: string }>('SELECT n, s FROM t ORDER BY seq').all();
    t.same(rows, Array.from({ length: count }, (_, n) => ({ n, s: `row ${n}` })), `${count} rows`);
  }
});

t.test('a failed transaction writes none of its rows, and leaves nothing for the next one', async (t) => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
  const insert = new BatchInsert(db, 't', ['n']);
  const fill = (rows: number[]) => db.transaction(() => insert.insertAll((add) => rows.forEach((n) => add(n))))();
  t.throws(() => fill([...Array.from({ length: 150 }, (_, n) => n), 3]), /UNIQUE/);
  t.throws(() => fill(Array.from({ length: 150 }, (_, n) => (n === 120 ? 5 : n))), /UNIQUE/, 'a repeat among rows not yet inserted');
  t.equal(db.prepare<[], { c: number }>('SELECT count(*) AS c FROM t').get()?.c, 0);
  fill([7]);
  t.same(db.prepare('SELECT n FROM t').all(), [{ n: 7 }]);
  t.throws(() => insert.insertAll((add) => add(1, 2)), /2 values for 1 columns/, 'a row of the wrong width is refused');
});
