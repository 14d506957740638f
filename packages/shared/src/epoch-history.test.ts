import t from 'tap';
import { ClassAd } from './classad/index.js';
import { epochRecordText, epochSettings, parseEpochEntries, recordsEpochs, splitAttributeList, transferRecordContext } from './epoch-history.js';

const knobs = (values: Record<string, string>) => (name: string) => values[name];

const JOB = ClassAd.parseText('ClusterId = 3\nProcId = 1\nOwner = "alice"\nNumShadowStarts = 2\nShadowBday = 100\nRemoteHost = "slot1@s"\nRequirements = true\nTestAttr1 = 10\n');

t.test('knobs: param_info.in defaults, a record type\'s own knob over TRANSFER_JOB_ATTRS even when empty, SPAWN_JOB_ATTRS = all', async (t) => {
  const defaults = epochSettings(knobs({}), '/pool/spool').settings;
  t.equal(defaults.historyFile, '/pool/spool/epoch_history', 'JOB_EPOCH_HISTORY defaults to $(SPOOL)/epoch_history');
  t.equal(defaults.historyDir, undefined);
  t.equal(defaults.maxLogBytes, 20 * 1024 * 1024);
  t.equal(defaults.maxRotations, 2);
  t.same(defaults.transferAttrs, { INPUT: ['NumShadowStarts'], OUTPUT: ['NumShadowStarts'], CHECKPOINT: ['NumShadowStarts'] });
  t.same(defaults.spawnAttrs, []);
  t.ok(recordsEpochs(defaults));

  const set = epochSettings(knobs({ TRANSFER_JOB_ATTRS: 'requirements', INPUT_JOB_ATTRS: '', OUTPUT_JOB_ATTRS: 'A, B\tC', SPAWN_JOB_ATTRS: 'ALL' }), '/s').settings;
  t.same(set.transferAttrs, { INPUT: [], OUTPUT: ['A', 'B', 'C'], CHECKPOINT: ['requirements'] });
  t.equal(set.spawnAttrs, 'all');

  const off = epochSettings(knobs({ JOB_EPOCH_HISTORY: '' }), '/s').settings;
  t.notOk(recordsEpochs(off), 'set empty: nothing recorded');
  t.ok(recordsEpochs(epochSettings(knobs({ JOB_EPOCH_HISTORY: '', JOB_EPOCH_HISTORY_DIR: '/d' }), '/s').settings), 'the directory alone records');

  const bad = epochSettings(knobs({ MAX_EPOCH_HISTORY_LOG: 'lots', MAX_EPOCH_HISTORY_ROTATIONS: '0' }), '/s');
  t.equal(bad.settings.maxLogBytes, 20 * 1024 * 1024);
  t.equal(bad.settings.maxRotations, 1, 'at least one rotation');
  t.same(bad.warnings, ['MAX_EPOCH_HISTORY_LOG is not a whole number (lots); using 20971520']);
  t.same(splitAttributeList(' a,b ,,c\n'), ['a', 'b', 'c']);
});

t.test('a SPAWN record: the base attributes and SPAWN_JOB_ATTRS\', EpochWriteDate, the banner', async (t) => {
  const { settings } = epochSettings(knobs({ SPAWN_JOB_ATTRS: 'TestAttr1' }), '/s');
  t.equal(
    epochRecordText(JOB, 'SPAWN', settings, 200),
    'ClusterId = 3\nProcId = 1\nOwner = "alice"\nNumShadowStarts = 2\nShadowBday = 100\nTestAttr1 = 10\nRunInstanceID = 1\nEpochAdType = "SPAWN"\n' +
      'EpochWriteDate = 200\n*** SPAWN ClusterId=3 ProcId=1 RunInstanceId=1 Owner="alice" CurrentTime=200\n',
  );
  const all = epochSettings(knobs({ SPAWN_JOB_ATTRS: 'all' }), '/s').settings;
  t.match(epochRecordText(JOB, 'SPAWN', all, 200), /RemoteHost = "slot1@s"\nRequirements = true\n/, 'all: the whole job ad');
});

t.test('an EPOCH record is the whole job ad; a job without its ids or a shadow start gets none', async (t) => {
  const { settings } = epochSettings(knobs({}), '/s');
  const text = epochRecordText(JOB, 'EPOCH', settings, 7) as string;
  t.match(text, /^ClusterId = 3\n[^]*TestAttr1 = 10\nRunInstanceID = 1\nEpochAdType = "EPOCH"\nEpochWriteDate = 7\n\*\*\* EPOCH ClusterId=3 ProcId=1 RunInstanceId=1 Owner="alice" CurrentTime=7\n$/);
  const noStart = JOB.clone();
  noStart.delete('NumShadowStarts');
  t.equal(epochRecordText(noStart, 'EPOCH', settings, 7), undefined);
  const noOwner = JOB.clone();
  noOwner.delete('Owner');
  t.match(epochRecordText(noOwner, 'EPOCH', settings, 7), /Owner = "\?"\n[^]*Owner="\?"/, 'an unknown owner is "?"');
});

t.test('a transfer record: invocations apart from results, TransferClass, the knob\'s job attributes as spelled and RemoteHost', async (t) => {
  const { settings } = epochSettings(knobs({ INPUT_JOB_ATTRS: 'requirements, Missing' }), '/s');
  const context = transferRecordContext('Input', '{ [ TransferClass = 1; PluginBasename = "p" ], [ TransferSuccess = true ], [ TransferClass = "x" ] }') as ClassAd;
  t.same(context.names(), ['InputPluginInvocations', 'InputPluginResultList', 'TransferClass']);
  t.equal(context.getSource('InputPluginInvocations'), '{ [ TransferClass = 1; PluginBasename = "p" ] }');
  t.equal(context.getSource('InputPluginResultList'), '{ [ TransferSuccess = true ],[ TransferClass = "x" ] }', 'a TransferClass that is no integer is a result');
  const text = epochRecordText(JOB, 'INPUT', settings, 200, context) as string;
  const ad = ClassAd.parseText(text.split('\n').filter((line) => !line.startsWith('***')).join('\n'));
  t.same(ad.names().sort(), ['ClusterId', 'EpochAdType', 'EpochWriteDate', 'InputPluginInvocations', 'InputPluginResultList', 'Owner', 'ProcId', 'RemoteHost', 'RunInstanceID', 'TransferClass', 'requirements'].sort());
  t.equal(ad.getString('TransferClass'), 'INPUT');
  t.equal(transferRecordContext('Output', '[ a = 1 ]'), undefined, 'not a list');
  t.throws(() => transferRecordContext('Output', '{ ['));
});

t.test('reading a file back: each banner closes its record; a record not yet closed is left out', async (t) => {
  const { settings } = epochSettings(knobs({}), '/s');
  const text = `${epochRecordText(JOB, 'SPAWN', settings, 1)}${epochRecordText(JOB, 'EPOCH', settings, 2)}Partial = 1\n`;
  const entries = parseEpochEntries(text);
  t.same(entries.map(({ type, cluster, proc, runId, owner, time }) => ({ type, cluster, proc, runId, owner, time })), [
    { type: 'SPAWN', cluster: 3, proc: 1, runId: 1, owner: 'alice', time: 1 },
    { type: 'EPOCH', cluster: 3, proc: 1, runId: 1, owner: 'alice', time: 2 },
  ]);
  t.match(entries[1].adText, /^ClusterId = 3\n/);
  t.same(parseEpochEntries('*** ClusterId=1 ProcId=0 Owner="bob" CompletionDate=5\n').map((e) => e.type), ['JOB'], 'a history banner without a type is a JOB');
});

t.test('records are old ClassAd syntax, as sPrintAd writes them', async (t) => {
  const { settings } = epochSettings(knobs({}), '/s');
  const job = JOB.clone().set('Cmd', 'C:\\bin\\x.exe').set('Dir', 'D:\\out\\');
  const text = epochRecordText(job, 'EPOCH', settings, 7) as string;
  t.match(text, /^Cmd = "C:\\bin\\x\.exe"\nDir = "D:\\out\\"\n/m);
  t.equal(ClassAd.parseText(text.split('***')[0]!).getString('Dir'), 'D:\\out\\', 'and read back so');
});
