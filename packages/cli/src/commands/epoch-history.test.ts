import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { CliError } from '../cli-error.js';
import { parseQueryArgs } from '../query-args.js';
import { readEpochRecords, takeEpochOptions } from './epoch-history.js';

/** An EPOCH record as the schedd appends it (epochRecordText's form). */
function record(cluster: number, proc: number, owner: string, run = 0): string {
  return `ClusterId = ${cluster}\nProcId = ${proc}\nOwner = "${owner}"\nRunInstanceID = ${run}\nEpochAdType = "EPOCH"\nEpochWriteDate = 1\n*** EPOCH ClusterId=${cluster} ProcId=${proc} RunInstanceId=${run} Owner="${owner}" CurrentTime=1\n`;
}

function epochDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-epochs-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'job.runs.1.0.ads'), record(1, 0, 'alice') + record(1, 0, 'alice', 1));
  fs.writeFileSync(path.join(dir, 'job.runs.1.1.ads'), record(1, 1, 'alice'));
  fs.writeFileSync(path.join(dir, 'job.runs.2.0.ads'), record(2, 0, 'bob'));
  return dir;
}

const read = (dir: string, options: string[], args: string[] = []) => {
  const { source, rest } = takeEpochOptions(options);
  const pool = { value: (name: string) => ({ JOB_EPOCH_HISTORY_DIR: dir, JOB_EPOCH_HISTORY: path.join(dir, 'epoch_history') })[name] };
  const { ads, error } = readEpochRecords(pool, source!, parseQueryArgs([...rest, ...args], 'usage', { historyScan: true }));
  return { shown: ads.map((ad) => `${ad.getInt('ClusterId')}.${ad.getInt('ProcId')}/${ad.getInt('RunInstanceID')}`), error, left: fs.readdirSync(dir).sort() };
};

t.test('-epochs[:d]: a d among the letters after the colon deletes the per-job files read', async (t) => {
  t.same(takeEpochOptions(['-epochs:d']).source?.deleteRead, true);
  t.same(takeEpochOptions(['-ep:xD']).source?.deleteRead, true, 'any prefix of two letters; D as d; other letters mean nothing');
  t.same(takeEpochOptions(['-epochs']).source?.deleteRead, false);
  t.same(takeEpochOptions(['-epochs:x']).source?.deleteRead, false);
});

t.test('-epochs:d -directory reads the files of the jobs named (all without), then deletes them', async (t) => {
  const dir = epochDir(t);
  t.same(read(dir, ['-epochs:d', '-directory'], ['1.0']), { shown: ['1.0/1', '1.0/0'], error: undefined, left: ['job.runs.1.1.ads', 'job.runs.2.0.ads'] }, 'only 1.0 is read and deleted');
  t.same(read(dir, ['-epochs:d', '-dir'], ['-constraint', 'Owner == "bob"']), { shown: ['2.0/0'], error: undefined, left: [] }, "every file is deleted, also those whose records the constraint does not show (history.cpp selects files by job id only)");
  fs.writeFileSync(path.join(dir, 'job.runs.3.0.ads'), record(3, 0, 'carol'));
  t.same(read(dir, ['-epochs', '-directory']), { shown: ['3.0/0'], error: undefined, left: ['job.runs.3.0.ads'] }, 'without d nothing is deleted');
  fs.writeFileSync(path.join(dir, 'epoch_history'), record(3, 0, 'carol'));
  t.same(read(dir, ['-epochs:d']), { shown: ['3.0/0'], error: undefined, left: ['epoch_history', 'job.runs.3.0.ads'] }, 'JOB_EPOCH_HISTORY is read, never deleted');
});

t.test('-epochs:d -directory: refused with -limit or -match; a file that cannot be read stops the deleting', async (t) => {
  const dir = epochDir(t);
  t.throws(() => read(dir, ['-epochs:d', '-directory'], ['-limit', '1']), new CliError('Error: -epoch:d (delete) cannot be used with -limit or -match.'));
  t.throws(() => read(dir, ['-epochs:d', '-directory'], ['-match', '1']), new CliError('Error: -epoch:d (delete) cannot be used with -limit or -match.'));
  t.same(read(dir, ['-epochs', '-directory'], ['-limit', '1']).shown, ['2.0/0'], 'without d -limit is taken');
  t.throws(() => read(dir, ['-epochs:d', '-directory'], ['-scanlimit', '0', '-limit', '1']), new CliError('Error: -epoch:d (delete) cannot be used with -scanlimit.'), 'any -scanlimit, checked first');
  t.same(read(dir, ['-epochs', '-directory'], ['-scanlimit', '3', '-constraint', 'ProcId == 0']).shown, ['2.0/0', '1.0/1'], '-scanlimit counts the records read, matched or not');
  t.same(read(dir, ['-epochs', '-directory'], ['-scanlimit', '0']).shown.length, 4, '-scanlimit 0: no limit');
  t.same(read(dir, ['-epochs', '-directory'], ['-scanlimit', '1', 'alice']).shown, [], 'a directory counts every record of the files read (2.0 is bob\'s)');
  t.equal(fs.readdirSync(dir).length, 3, 'nothing deleted');
  // The last one, a directory, is renamed READING.txt but cannot be read.
  fs.rmSync(path.join(dir, 'job.runs.2.0.ads'));
  fs.mkdirSync(path.join(dir, 'job.runs.2.0.ads'));
  const { shown, error, left } = read(dir, ['-epochs:d', '-directory'], ['-forwards']);
  t.same(shown, ['1.0/0', '1.0/1', '1.1/0'], 'the records of the files read before it are shown');
  t.same(error, new CliError(`Error opening history file ${path.join(dir, 'READING.txt')}: Is a directory`));
  t.same(left, ['READING.txt'], 'and those files deleted');
});

t.test('takeEpochOptions: -schedd, -startd and -daemon choose the record source as history.cpp SetRecordSource does', async (t) => {
  const message = (args: string[]) => {
    try {
      takeEpochOptions(args);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  t.same(takeEpochOptions(['-schedd', '-af', 'Owner']), { source: undefined, rest: ['-af', 'Owner'], directory: false, startd: false }, '-schedd: the default');
  t.equal(message(['-schedd', '-epochs']), 'Error: -schedd can not be used in association with -epochs.');
  t.equal(message(['-ep', '-sch']), 'Error: -ep can not be used in association with -schedd.');
  t.equal(message(['-epochs', '-transfer-history']), 'accepted', 'both read the epoch history');
  t.same([takeEpochOptions(['-startd']).startd, takeEpochOptions(['-sta', '-af', 'Owner']).rest], [true, ['-af', 'Owner']], '-startd: STARTD_HISTORY');
  t.equal(message(['-startd', '-schedd']), 'Error: -startd can not be used in association with -schedd.');
  t.equal(message(['-daemon:schedd']), 'condor_history: -daemon:schedd is not supported by tinycondor: its schedd keeps no history of its own ads (SCHEDD_DAEMON_HISTORY)');
  t.equal(message(['-startd', '-epochs']), 'Error: -startd can not be used in association with -epochs.');
  t.same(takeEpochOptions(['-constraint', '-epochs', '-name', '-startd']), { source: undefined, rest: ['-constraint', '-epochs', '-name', '-startd'], directory: false, startd: false }, "an option's value is not an option");
});
