import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { epochSettings, parseEpochEntries } from '@tinycondor/shared/epoch-history';
import { openDatabase } from './db.js';
import { rotatedFiles, rotationSuffix } from '@tinycondor/shared/rotated-files';
import { EpochHistory } from './epoch-history.js';

const JOB = ClassAd.parseText('ClusterId = 4\nProcId = 2\nOwner = "bob"\nNumShadowStarts = 1\nShadowBday = 10\n');
const NOW = new Date(20_000);

function setup(t: Test, knobs: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epoch-history-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(path.join(dir, 'q.sqlite'));
  t.teardown(() => db.close());
  const knob = (name: string) => knobs[name]?.replace('$(DIR)', dir);
  return { dir, db, history: new EpochHistory(db, () => epochSettings(knob, dir).settings, pino({ level: 'silent' })) };
}

t.test('a record is queued in the transaction and appended by flush, to the file and the per-job file', async (t) => {
  const { dir, db, history } = setup(t, { JOB_EPOCH_HISTORY_DIR: '$(DIR)' });
  db.transaction(() => history.record(JOB, 'SPAWN', NOW))();
  t.notOk(fs.existsSync(path.join(dir, 'epoch_history')), 'not before the flush');
  history.flush();
  const text = fs.readFileSync(path.join(dir, 'epoch_history'), 'utf8');
  t.same(parseEpochEntries(text).map((e) => [e.type, e.cluster, e.proc, e.runId, e.owner, e.time]), [['SPAWN', 4, 2, 0, 'bob', 20]]);
  t.equal(fs.readFileSync(path.join(dir, 'job.runs.4.2.ads'), 'utf8'), text);
  t.equal((db.prepare('SELECT count(*) AS n FROM epoch_outbox').get() as { n: number }).n, 0, 'the outbox is drained');
  try {
    db.transaction(() => {
      history.record(JOB, 'EPOCH', NOW);
      throw new Error('undone');
    })();
  } catch {
    // the change was undone, and its record with it
  }
  history.flush();
  t.equal(fs.readFileSync(path.join(dir, 'epoch_history'), 'utf8'), text, 'an undone change leaves no record');
});

t.test('rotation past MAX_EPOCH_HISTORY_LOG keeps MAX_EPOCH_HISTORY_ROTATIONS files', async (t) => {
  const { dir, history } = setup(t, { MAX_EPOCH_HISTORY_LOG: '10', MAX_EPOCH_HISTORY_ROTATIONS: '1' });
  const file = path.join(dir, 'epoch_history');
  fs.writeFileSync(`${file}.20000101T000000`, 'oldest\n');
  fs.writeFileSync(file, 'previous\n');
  history.record(JOB, 'EPOCH', NOW);
  history.flush();
  t.match(fs.readFileSync(file, 'utf8'), /^ClusterId = 4\n/, 'the new file holds only the new record');
  const rotated = rotatedFiles(file);
  t.equal(rotated.length, 1);
  t.equal(fs.readFileSync(rotated[0], 'utf8'), 'previous\n', 'the oldest rotation went');
  t.match(rotationSuffix(new Date(2026, 0, 2, 3, 4, 5)), '20260102T030405');
});

t.test('JOB_EPOCH_HISTORY empty: nothing queued; a JOB_EPOCH_HISTORY_DIR that is no directory is ignored', async (t) => {
  const off = setup(t, { JOB_EPOCH_HISTORY: '' });
  off.history.record(JOB, 'EPOCH', NOW);
  t.equal((off.db.prepare('SELECT count(*) AS n FROM epoch_outbox').get() as { n: number }).n, 0);
  const badDir = setup(t, { JOB_EPOCH_HISTORY_DIR: '$(DIR)/missing' });
  badDir.history.record(JOB, 'EPOCH', NOW);
  badDir.history.flush();
  t.ok(fs.existsSync(path.join(badDir.dir, 'epoch_history')), 'the file is still written');
  t.notOk(fs.existsSync(path.join(badDir.dir, 'missing')));
});

t.test('a transfer record from a plugin result list; one that does not parse is dropped', async (t) => {
  const { dir, history } = setup(t, {});
  history.transfer(JOB, 'Output', '{ [ TransferClass = 2; PluginBasename = "p" ], [ TransferSuccess = true ] }', NOW);
  history.transfer(JOB, 'Output', '{ [', NOW);
  history.flush();
  const entries = parseEpochEntries(fs.readFileSync(path.join(dir, 'epoch_history'), 'utf8'));
  t.same(entries.map((e) => e.type), ['OUTPUT']);
  t.match(entries[0].adText, /OutputPluginInvocations = \{ \[ TransferClass = 2; PluginBasename = "p" \] \}\nOutputPluginResultList = \{ \[ TransferSuccess = true \] \}\nTransferClass = "OUTPUT"\nNumShadowStarts = 1\n/);
});
