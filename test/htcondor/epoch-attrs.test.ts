// A port of HTCondor's src/condor_tests/test_epoch_attrs.py: for each of its five configurations of
// INPUT_JOB_ATTRS, OUTPUT_JOB_ATTRS, CHECKPOINT_JOB_ATTRS, TRANSFER_JOB_ATTRS and SPAWN_JOB_ATTRS (a pool of
// its own, JOB_EPOCH_HISTORY in the test's directory), a job with a null:// input and output_destination
// and My.TestAttr1/2 completes, and each record of the epoch history but EPOCH (and STARTER) has exactly the
// keys the test expects: the always-present ones and those its configuration (or the default) names.
// null:// is HTCondor's ornithology null_plugin.py, here test/fixtures/plugins/null_plugin.py installed
// through FILETRANSFER_PLUGINS as ornithology installs it; the test's path_to_sleep is /bin/sleep 0.
// Beyond the test: the records are checked to be there (SPAWN, INPUT, OUTPUT and EPOCH, one run), and
// condor_history -epochs and -transfer-history read them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { eventually, startPool, waitForEvents } from '../helpers/pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const nullPlugin = path.resolve(here, '..', 'fixtures', 'plugins', 'null_plugin.py');

const TEST_CASES: Record<string, Record<string, string[]>> = {
  blank: {},
  none: {
    TRANSFER: [],
  },
  all: {
    INPUT: ['requirements', 'TransferInput'],
    OUTPUT: ['TransferOutput'],
    CHECKPOINT: ['TransferCheckpoint', 'CheckpointExitCode'],
    TRANSFER: ['requirements'],
  },
  empty: {
    INPUT: [],
    TRANSFER: ['requirements'],
  },
  spawn: {
    SPAWN: ['TestAttr1', 'TestAttr2'],
  },
};

/** The test's EpochLogEntry: the banner's type and ids, and the record's ad. */
interface EpochLogEntry {
  TYPE: string;
  ClusterID: number;
  ProcID: number;
  RunInstanceID: number;
  Owner: string;
  ad: ClassAd;
}

/** readNextEpochLogEntry: lines up to a `***` banner are the record; the banner's words after its type are its ad. */
function readEpochLogEntries(text: string): EpochLogEntry[] {
  const entries: EpochLogEntry[] = [];
  let buffer = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('***')) {
      buffer += `${line}\n`;
      continue;
    }
    const rest = line.slice(4);
    const TYPE = rest.split(/\s+/)[0];
    const headerAd = ClassAd.parseText(rest.slice(TYPE.length + 1).replace(/ /g, '\n'));
    entries.push({
      TYPE,
      ClusterID: headerAd.getInt('ClusterID') as number,
      ProcID: headerAd.getInt('ProcID') as number,
      RunInstanceID: headerAd.getInt('RunInstanceID') as number,
      Owner: headerAd.getString('Owner') as string,
      ad: ClassAd.parseText(buffer),
    });
    buffer = '';
  }
  return entries;
}

const EXPECTED_ALL_RECORDS = ['RunInstanceID', 'EpochAdType', 'EpochWriteDate', 'Owner', 'ClusterId', 'ProcId'];
const EXPECTED_TRANSFER_RECORDS = ['TransferClass', 'RemoteHost'];

const ALWAYS_KEYS: Record<string, string[]> = {
  INPUT: [...EXPECTED_ALL_RECORDS, ...EXPECTED_TRANSFER_RECORDS, 'InputPluginResultList', 'InputPluginInvocations'],
  OUTPUT: [...EXPECTED_ALL_RECORDS, ...EXPECTED_TRANSFER_RECORDS, 'OutputPluginResultList', 'OutputPluginInvocations'],
  CHECKPOINT: [...EXPECTED_ALL_RECORDS, ...EXPECTED_TRANSFER_RECORDS, 'CheckpointPluginResultList', 'CheckpointPluginInvocations'],
  SPAWN: [...EXPECTED_ALL_RECORDS, 'NumShadowStarts', 'ShadowBday'],
};

// "We could generate this by interrogating the param table."
const DEFAULT_KEYS: Record<string, string[]> = {
  INPUT: ['NumShadowStarts'],
  OUTPUT: ['NumShadowStarts'],
  CHECKPOINT: ['NumShadowStarts'],
  SPAWN: [],
};

for (const [name, theTestCase] of Object.entries(TEST_CASES)) {
  t.test(`test_epoch_log[${name}]`, async (t) => {
    const env: Record<string, string> = { _CONDOR_FILETRANSFER_PLUGINS: nullPlugin };
    // the_condor's raw_config, as _CONDOR_ knobs of the pool (the job epoch file is set once the test's directory is known).
    for (const [key, value] of Object.entries(theTestCase)) env[`_CONDOR_${key}_JOB_ATTRS`] = value.join(',');
    const base = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'epoch-attrs-'));
    t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
    const theJobEpochFile = path.join(base, name, 'EpochLog');
    fs.mkdirSync(path.dirname(theJobEpochFile));
    env._CONDOR_JOB_EPOCH_HISTORY = theJobEpochFile;
    const pool = await startPool(t, { startds: 1, env });

    // the_completed_job
    fs.writeFileSync(path.join(pool.dir, 'input.txt'), '');
    const description: Record<string, string> = {
      executable: '/bin/sleep',
      arguments: '0',
      transfer_executable: 'False',
      should_transfer_files: 'True',
      log: `${name}-job.log`,
      transfer_input_files: 'null://input.txt',
      transfer_output_files: 'input.txt',
      output_destination: 'null://input.txt',
      'My.TestAttr1': '10',
      'My.TestAttr2': 'False',
    };
    const lines = Object.entries(description).map(([key, value]) => `${key} = ${value}`);
    fs.writeFileSync(path.join(pool.dir, 'job.sub'), `${lines.join('\n')}\nqueue 1\n`);
    const submitted = await pool.run('condor_submit', ['job.sub']);
    t.equal(submitted.code, 0, submitted.stderr);
    const events = await waitForEvents(path.join(pool.dir, `${name}-job.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 120_000);
    t.notOk(events.some((e) => e.code === 12), 'the job completed, not held');

    // The EPOCH record is appended just after the job's end: wait for it (no fixed sleep).
    const entries = await eventually('the EPOCH record', () => {
      const found = fs.existsSync(theJobEpochFile) ? readEpochLogEntries(fs.readFileSync(theJobEpochFile, 'utf8')) : [];
      return found.some((entry) => entry.TYPE === 'EPOCH') ? found : undefined;
    });

    // test_epoch_log
    for (const entry of entries) {
      if (entry.TYPE === 'EPOCH' || entry.TYPE === 'STARTER') continue;
      const expectedKeys = [...ALWAYS_KEYS[entry.TYPE]];
      const typeInfo = theTestCase[entry.TYPE];
      if (typeInfo === undefined) {
        let defaultTypeInfo = entry.TYPE !== 'SPAWN' ? theTestCase.TRANSFER : undefined;
        if (defaultTypeInfo === undefined) defaultTypeInfo = DEFAULT_KEYS[entry.TYPE];
        expectedKeys.push(...defaultTypeInfo);
      } else {
        expectedKeys.push(...typeInfo);
      }
      t.same([...entry.ad.names()].sort(), expectedKeys.sort(), `${entry.TYPE} record's keys`);
    }

    // Beyond the test: one run's records, in the order the shadow writes them, with the banner's ids.
    t.same(
      entries.map((entry) => entry.TYPE),
      ['SPAWN', 'INPUT', 'OUTPUT', 'EPOCH'],
      'SPAWN, then the input and output transfers, then the run\'s end',
    );
    for (const entry of entries) t.match(entry, { ClusterID: 1, ProcID: 0, RunInstanceID: 0 }, `${entry.TYPE}'s banner`);
    const input = entries.find((entry) => entry.TYPE === 'INPUT')!.ad;
    t.match(input.getSource('InputPluginInvocations'), /PluginBasename = "null_plugin.py"; Schemes = "null"; Result = 0/, 'the null plugin\'s invocation');
    t.match(input.getSource('InputPluginResultList'), /TransferUrl = "null:\/\/input.txt"/, 'its file\'s result');
    t.equal(entries.find((entry) => entry.TYPE === 'EPOCH')!.ad.getInt('TestAttr1'), 10, 'EPOCH is the whole job ad');

    if (name === 'blank') {
      const epochs = await pool.run('condor_history', ['-epochs', '-af', 'EpochAdType', 'ClusterId', 'ProcId', 'RunInstanceID', 'TestAttr1']);
      t.equal(epochs.code, 0, epochs.stderr);
      t.equal(epochs.stdout, 'EPOCH 1 0 0 10\n', 'condor_history -epochs: the EPOCH record');
      const transfers = await pool.run('condor_history', ['-transfer-history', '-af', 'EpochAdType', 'TransferClass']);
      t.equal(transfers.stdout, 'OUTPUT OUTPUT\nINPUT INPUT\n', 'condor_history -transfer-history: newest first');
      const inputs = await pool.run('condor_history', ['-transfer-history:i', '-forwards', '-af', 'EpochAdType']);
      t.equal(inputs.stdout, 'INPUT\n', '-transfer-history:i');
      // history.cpp reads a -file alone (readHistoryFromSingleFile) as epoch records.
      fs.writeFileSync(path.join(pool.dir, 'epochs-copy'), fs.readFileSync(theJobEpochFile, 'utf8').replace(/^TestAttr1 = 10$/m, 'TestAttr1 = 99'));
      const fromFile = await pool.run('condor_history', ['-epochs', '-file', 'epochs-copy', '-af', 'TestAttr1']);
      t.equal(fromFile.stdout, '99\n', '-epochs -file FILE: the records of that file, not of JOB_EPOCH_HISTORY');
      t.match((await pool.run('condor_history', ['-epochs', '-file', 'no-such-file'])).stderr, /no-such-file/, 'a -file that cannot be read is named');
    }
  });
}
