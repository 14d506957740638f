import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { rotatedFiles } from '@tinycondor/shared/rotated-files';
import { StartdHistory } from './startd-history.js';

const job = (proc: number) => new ClassAd().set('ClusterId', 7).set('ProcId', proc).set('Owner', 'alice').set('JobStatus', 2).set('Cmd', '/bin/true').set('ClaimId', 'secret');

t.test("a run's job ad, Starter::exited's attributes set, then AppendHistory's banner; rotated past MAX_HISTORY_LOG", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-startd-history-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'startd_history');
  const history = new StartdHistory({ file, rotate: true, maxLogBytes: 1_000_000, maxRotations: 1 }, pino({ level: 'silent' }));
  const ad = job(0);
  history.record(ad, 1_800_000_000_000, 1_800_000_065_900);
  t.equal(ad.getInt('JobStatus'), 2, "the run's ad is not changed");
  const first = fs.readFileSync(file, 'utf8');
  t.equal(
    first,
    'Cmd = "/bin/true"\nOwner = "alice"\nProcId = 0\nClusterId = 7\nJobStatus = 4\nCompletionDate = 1800000065\nStarterExitStatus = 0\nRemoteWallClockTime = 65\nBadputCausedByDraining = false\nBadputCausedByPreemption = false\n' +
      '*** Offset = 0 ClusterId = 7 ProcId = 0 Owner = "alice" CompletionDate = 1800000065 CurrentTime = 1800000065\n',
    'FastSort order, ClaimId left out',
  );
  history.record(job(1), 1_800_000_000_000, 1_800_000_001_000);
  t.match(fs.readFileSync(file, 'utf8').slice(first.length), `\n*** Offset = ${first.indexOf('***')} ClusterId = 7 ProcId = 1 `, 'Offset: where the file\'s last line (the banner before) began');
  const small = new StartdHistory({ file, rotate: true, maxLogBytes: 100, maxRotations: 1 }, pino({ level: 'silent' }));
  small.record(job(2), 0, 0);
  small.record(job(3), 0, 0);
  t.equal(rotatedFiles(file).length, 1, 'MAX_HISTORY_ROTATIONS = 1 kept');
  t.match(fs.readFileSync(file, 'utf8'), /^Cmd = [^]*\*\*\* Offset = 0 ClusterId = 7 ProcId = 3 /);
});
