import t from 'tap';
import { ClassAd } from './classad/index.js';
import { historyAdText, historyBanner, historyBannerFields, historyFileSettings, startdHistorySettings } from './job-history-file.js';

t.test('knobs: HISTORY is $(SPOOL)/history unless set (set empty: none), 20 MiB, 2 rotations at least 1', async (t) => {
  const settings = (knobs: Record<string, string>) => historyFileSettings((name) => knobs[name], '/pool/spool');
  t.same(settings({}).settings, { file: '/pool/spool/history', rotate: true, maxLogBytes: 20 * 1024 * 1024, maxRotations: 2 });
  t.equal(settings({ HISTORY: ' ' }).settings.file, undefined);
  t.same(settings({ HISTORY: '/h', MAX_HISTORY_LOG: '1000', MAX_HISTORY_ROTATIONS: '0' }).settings, { file: '/h', rotate: true, maxLogBytes: 1000, maxRotations: 1 });
  const off = settings({ ENABLE_HISTORY_ROTATION: 'false', MAX_HISTORY_LOG: 'big' });
  t.equal(off.settings.rotate, false);
  t.same(off.warnings, ['MAX_HISTORY_LOG is not a whole number (big); using 20971520', 'WARNING: History file rotation is disabled and it may grow very large.']);
});

t.test("sPrintAd's FastSort order without private attributes, and AppendHistory's banner", async (t) => {
  const ad = ClassAd.parseText('Owner = "al"\nClusterId = 7\nProcId = 1\nArgs = "a b"\nClaimId = "x"\n_condor_privSecret = 1\nIn = "f"\n');
  t.equal(historyAdText(ad), 'In = "f"\nArgs = "a b"\nOwner = "al"\nProcId = 1\nClusterId = 7\n');
  t.equal(historyBannerFields(ad), 'ClusterId = 7 ProcId = 1 Owner = "al" CompletionDate = -1');
  t.equal(historyBannerFields(new ClassAd()), 'ClusterId = -1 ProcId = -1 Owner = "?" CompletionDate = -1');
  t.equal(historyBanner(42, 'ClusterId = 7', 1700000000), '*** Offset = 42 ClusterId = 7 CurrentTime = 1700000000\n');
  const windows = ClassAd.parseText('Cmd = "C:\\bin\\x.exe"\nNote = "say \\"hi\\"\ttab"\nLoad = 0.5\n');
  t.equal(historyAdText(windows), 'Cmd = "C:\\bin\\x.exe"\nLoad = 0.5\nNote = "say \\"hi\\"\ttab"\n', 'old ClassAd syntax, as sPrintAd writes it');
});

t.test("knobs: STARTD_HISTORY is $(LOG)/startd_history unless set (set empty: none), rotated by HISTORY's knobs (param_info.in)", async (t) => {
  const settings = (knobs: Record<string, string>) => startdHistorySettings((name) => knobs[name], '/pool/log').settings;
  t.same(settings({ HISTORY: '/elsewhere', MAX_HISTORY_LOG: '5000', MAX_HISTORY_ROTATIONS: '3' }), { file: '/pool/log/startd_history', rotate: true, maxLogBytes: 5000, maxRotations: 3 });
  t.same([settings({ STARTD_HISTORY: '/x/sh' }).file, settings({ STARTD_HISTORY: '' }).file], ['/x/sh', undefined]);
});
