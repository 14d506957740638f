import t from 'tap';
import type { ClassAd } from '../classad/index.js';
import type { JobEvent } from './events.js';
import { formatEventText } from './format-text.js';
import { formatEventXml } from './format-xml.js';
import { eventAttributes, userlogToJobAds } from './job-ads.js';
import { parseEventLog } from './parse.js';

const at = (seconds: number): Date => new Date((1_795_000_000 + seconds) * 1000);
const secs = (seconds: number): number => 1_795_000_000 + seconds;
const usage = { userSeconds: 3, systemSeconds: 61 };

const events: JobEvent[] = [
  { code: 1, cluster: 5, proc: 0, time: at(0), executeHost: '<10.0.0.9:1>' }, // before any submit: dropped
  { code: 0, cluster: 7, proc: 0, time: at(0), submitHost: '<10.0.0.1:9618>' },
  { code: 0, cluster: 7, proc: 1, time: at(1), submitHost: '<10.0.0.1:9618>' },
  { code: 0, cluster: 8, proc: 0, time: at(2), submitHost: '<10.0.0.1:9618>' },
  { code: 1, cluster: 7, proc: 0, time: at(10), executeHost: '<10.0.0.2:9618>' },
  { code: 6, cluster: 7, proc: 0, time: at(12), imageSizeKb: 2048, residentSetSizeKb: 1000 },
  {
    code: 5, cluster: 7, proc: 0, time: at(40), exit: { bySignal: false, returnValue: 3 },
    runRemoteUsage: usage, totalRemoteUsage: usage, sentBytes: 10,
  },
  { code: 28, cluster: 7, proc: 0, time: at(40), triggerCode: 5, attrs: { SentBytes: 10, JobDescription: 'sim' } },
  { code: 1, cluster: 7, proc: 1, time: at(20), executeHost: '<10.0.0.3:9618>' },
  { code: 12, cluster: 7, proc: 1, time: at(30), reason: 'disk full', reasonCode: 13, reasonSubCode: 2 },
  { code: 28, cluster: 7, proc: 1, time: at(30), triggerCode: 12, attrs: { Cmd: '/bin/sleep', HoldReasonCode: 99 } },
  { code: 0, cluster: 8, proc: 0, time: at(50), submitHost: '<10.0.0.1:9618>' },
  { code: 9, cluster: 8, proc: 0, time: at(60), reason: 'via condor_rm (by user alice)' },
];

const opts = { filename: 'job.log', owner: 'alice', now: at(100) };
const pick = (ad: ClassAd, names: string[]) => Object.fromEntries(names.map((n) => [n, ad.getSource(n)]));

for (const [form, text] of [
  ['text', events.map((e) => formatEventText(e)).join('')],
  ['XML', events.map((e) => formatEventXml(e)).join('')],
] as const) {
  t.test(`${form} log: each submitted job with the state its events leave it in`, async (t) => {
    const ads = userlogToJobAds(parseEventLog(text), opts);
    t.same(ads.map((ad) => [ad.getInt('ClusterId'), ad.getInt('ProcId'), ad.getInt('JobStatus')]), [[7, 0, 4], [7, 1, 5], [8, 0, 3]]);
    const [done, held, removed] = ads;
    t.same(pick(done, ['Owner', 'Cmd', 'UserLog', 'QDate', 'GlobalJobId', 'SubmitHost', 'LastJobStatus', 'NumJobStarts', 'LastRemoteHost', 'RemoteHost']), {
      Owner: '"alice"', Cmd: '"???"', UserLog: '"job.log"', QDate: String(secs(0)), GlobalJobId: `"localhost#7.0#${secs(0)}"`,
      SubmitHost: '"<10.0.0.1:9618>"', LastJobStatus: '2', NumJobStarts: '1', LastRemoteHost: '"<10.0.0.2:9618>"', RemoteHost: undefined,
    });
    t.same(pick(done, ['ExitBySignal', 'ExitCode', 'CompletionDate', 'RemoteUserCpu', 'RemoteSysCpu', 'LastRemoteWallClockTime', 'RemoteWallClockTime', 'ImageSize', 'ResidentSetSize']), {
      ExitBySignal: 'false', ExitCode: '3', CompletionDate: String(secs(40)), RemoteUserCpu: '3.0', RemoteSysCpu: '61.0',
      LastRemoteWallClockTime: '30.0', RemoteWallClockTime: '30.0', ImageSize: '2048', ResidentSetSize: '1000',
    });
    t.same(pick(done, ['JobDescription', 'SentBytes']), { JobDescription: '"sim"', SentBytes: undefined });
    t.same(pick(held, ['HoldReason', 'HoldReasonCode', 'HoldReasonSubCode', 'NumSystemHolds', 'LastVacateTime', 'LastVacateReason', 'Cmd']), {
      HoldReason: '"disk full"', HoldReasonCode: '13', HoldReasonSubCode: '2', NumSystemHolds: '1',
      LastVacateTime: String(secs(30)), LastVacateReason: '"disk full"', Cmd: '"/bin/sleep"',
    }, "a 028 event adds the job's attributes, not those its trigger repeats");
    t.same(pick(removed, ['QDate', 'RemoveReason', 'EnteredCurrentStatus']), {
      QDate: String(secs(50)), RemoveReason: '"via condor_rm (by user alice)"', EnteredCurrentStatus: String(secs(60)),
    }, 'a second submit event of a job starts its ad anew');
  });
}

t.test('only the jobs `keep` picks are followed', async (t) => {
  const text = events.map((e) => formatEventText(e)).join('');
  const ads = userlogToJobAds(parseEventLog(text), opts, (cluster, proc) => cluster === 7 && proc === 1);
  t.same(ads.map((ad) => ad.getInt('JobStatus')), [5]);
});

t.test('a submit event read back as SubmitEvent::readEvent reads it: notes, user notes, structured notes, warnings', async (t) => {
  const submit = (e: Partial<Extract<JobEvent, { code: 0 }>>) => ({ code: 0 as const, cluster: 7, proc: 0, time: at(0), submitHost: '<h>', ...e });
  const read = (text: string) => eventAttributes(parseEventLog(text).events[0]);
  const notes = submit({ logNotes: 'system', userNotes: 'pool:local', warnings: 'low' });
  t.same(read(formatEventText(notes)), {
    SubmitHost: '<h>', LogNotes: 'system', UserNotes: 'pool:local',
    Warnings: 'WARNING: Committed job submission into the queue with the following warning(s): low',
  });
  const structured = submit({ logNotes: 'system', userNotes: 'pool:local', structuredNotes: [['JobBatchName', 'b'], ['JobPrio', 3]] });
  t.same(read(formatEventText(structured)), {
    SubmitHost: '<h>', LogNotes: '[ JobBatchName = "b"; JobPrio = 3 ]', UserNotes: 'pool:local', StructuredNotes: { JobBatchName: 'b', JobPrio: 3 },
  }, 'the structured line is the LogNotes, and the user notes still the second line');
  t.same(read(formatEventText(submit({ userNotes: 'pool:local' }))), { SubmitHost: '<h>', LogNotes: 'pool:local' }, 'user notes alone are read back as the notes, as HTCondor reads them');
  t.same(read('000 (007.000.000) 2024-01-02 03:04:05 Job submitted from host: <h>\n    DAG Node: A\n...\n'), { SubmitHost: '<h>', LogNotes: 'DAG Node: A', StructuredNotes: { DAGNodeName: 'A' } });
  t.match(read(formatEventXml(structured)), { SubmitHost: '<h>', LogNotes: 'system', UserNotes: 'pool:local', StructuredNotes: { JobBatchName: 'b', JobPrio: 3 } });
});

t.test('a skipped dataflow job: its 046 (read back with its optional reason) leaves the job as it was, the 005 after it completes it', async (t) => {
  const read = (e: JobEvent) => eventAttributes(parseEventLog(formatEventText(e)).events[0]);
  t.same(read({ code: 46, cluster: 7, proc: 0, time: at(0) }), {});
  t.same(read({ code: 46, cluster: 7, proc: 0, time: at(0), reason: 'outputs newer' }), { Reason: 'outputs newer' });
  const skipped: JobEvent[] = [
    { code: 0, cluster: 9, proc: 0, time: at(0), submitHost: '<h>' },
    { code: 46, cluster: 9, proc: 0, time: at(5) },
    { code: 5, cluster: 9, proc: 0, time: at(5), exit: { bySignal: false, returnValue: 0 } },
  ];
  const [ad] = userlogToJobAds(parseEventLog(skipped.map((e) => formatEventText(e)).join('')), opts);
  t.same(pick(ad, ['JobStatus', 'ExitCode', 'NumJobStarts']), { JobStatus: '4', ExitCode: '0', NumJobStarts: '0' });
});

t.test("a 028 event's ad lines are old ClassAd syntax, as sPrintAdAttrs writes them: a backslash is no escape", async (t) => {
  const log = [
    { code: 0, cluster: 9, proc: 0, time: at(0), submitHost: '<10.0.0.1:9618>' },
    { code: 28, cluster: 9, proc: 0, time: at(1), triggerCode: 0, attrs: { Cmd: 'C:\\bin\\x.exe', Dir: 'D:\\out\\', Note: 'say "hi"' } },
  ] satisfies JobEvent[];
  const text = log.map((e) => formatEventText(e)).join('');
  t.match(text, /^Cmd = "C:\\bin\\x\.exe"$/m);
  const [ad] = userlogToJobAds(parseEventLog(text), opts);
  t.same([ad!.getString('Cmd'), ad!.getString('Dir'), ad!.getString('Note')], ['C:\\bin\\x.exe', 'D:\\out\\', 'say "hi"']);
});
