import t from 'tap';
import { formatEventText, formatRusage, pad3 } from './format-text.js';
import type { JobEvent } from './events.js';

// Local time, so the header reads the same in every TZ.
const time = new Date(2024, 0, 2, 3, 4, 5, 678);
const id = { cluster: 1, proc: 0, time };

t.test('pad3 is printf %03d', async (t) => {
  t.equal(pad3(1), '001');
  t.equal(pad3(42), '042');
  t.equal(pad3(12345), '12345');
  t.equal(pad3(-1), '-01');
});

t.test('header: zero padding grows past 3 digits; subproc defaults to 0', async (t) => {
  const text = formatEventText({ code: 9, cluster: 12345, proc: 1000, subproc: 2, time });
  t.equal(text, '009 (12345.1000.002) 2024-01-02 03:04:05 Job was aborted.\n...\n');
});

t.test('header options: SUB_SECOND and UTC', async (t) => {
  const utcTime = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  t.equal(
    formatEventText({ code: 13, cluster: 1, proc: 0, time: utcTime }, { utc: true, subSecond: true }),
    '013 (001.000.000) 2024-01-02 03:04:05.678Z Job was released.\n...\n',
  );
});

t.test('rusage line: days then hh:mm:ss', async (t) => {
  t.equal(formatRusage({ userSeconds: 3725, systemSeconds: 90061 }), '\tUsr 0 01:02:05, Sys 1 01:01:01');
  t.equal(formatRusage(), '\tUsr 0 00:00:00, Sys 0 00:00:00');
});

const cases: Array<[string, JobEvent, string]> = [
  ['008 generic (condor_chirp ulog)', { code: 8, ...id, info: 'step 3 of 5 done' }, '008 (001.000.000) 2024-01-02 03:04:05 step 3 of 5 done\n...\n'],
  [
    '000 submit',
    { code: 0, ...id, submitHost: '<127.0.0.1:9618?addrs=127.0.0.1-9618>' },
    '000 (001.000.000) 2024-01-02 03:04:05 Job submitted from host: <127.0.0.1:9618?addrs=127.0.0.1-9618>\n...\n',
  ],
  [
    '000 submit with notes (4-space indent)',
    { code: 0, ...id, submitHost: '<127.0.0.1:9618>', logNotes: 'DAG Node: A' },
    '000 (001.000.000) 2024-01-02 03:04:05 Job submitted from host: <127.0.0.1:9618>\n    DAG Node: A\n...\n',
  ],
  [
    '000 submit with user notes after the notes (SubmitEvent::formatBody)',
    { code: 0, ...id, submitHost: '<127.0.0.1:9618>', logNotes: 'system', userNotes: 'pool:local' },
    '000 (001.000.000) 2024-01-02 03:04:05 Job submitted from host: <127.0.0.1:9618>\n    system\n    pool:local\n...\n',
  ],
  [
    '000 submit: the structured notes ad in place of the notes, as ClassAdUnParser writes it',
    { code: 0, ...id, submitHost: '<127.0.0.1:9618>', logNotes: 'system', userNotes: 'pool:local', structuredNotes: [['JobPrio', 3], ['Ratio', { real: 0.5 }], ['JobBatchName', 'my "batch"']] },
    '000 (001.000.000) 2024-01-02 03:04:05 Job submitted from host: <127.0.0.1:9618>\n'
      + '    [ JobPrio = 3; Ratio = 5.000000000000000E-01; JobBatchName = "my \\"batch\\"" ]\n    pool:local\n...\n',
  ],
  [
    '000 submit with the submit requirements\' warnings (SubmitEvent::formatBody)',
    { code: 0, ...id, submitHost: '<127.0.0.1:9618>', warnings: 'QMGMT:0:Submit requirement W not met.\n' },
    '000 (001.000.000) 2024-01-02 03:04:05 Job submitted from host: <127.0.0.1:9618>\n'
      + '    WARNING: Committed job submission into the queue with the following warning(s): QMGMT:0:Submit requirement W not met.|\n...\n',
  ],
  [
    '001 execute with slot and sorted props',
    {
      code: 1, ...id, executeHost: '<10.0.0.5:43051?addrs=10.0.0.5-43051>', slotName: 'slot1_1@node1',
      props: { Memory: 2001, CondorScratchDir: '/var/lib/condor/execute/dir_42', Cpus: 1, disk: 100000 },
    },
    '001 (001.000.000) 2024-01-02 03:04:05 Job executing on host: <10.0.0.5:43051?addrs=10.0.0.5-43051>\n'
      + '\tSlotName: slot1_1@node1\n'
      + '\tCondorScratchDir = "/var/lib/condor/execute/dir_42"\n'
      + '\tCpus = 1\n'
      + '\tdisk = 100000\n'
      + '\tMemory = 2001\n'
      + '...\n',
  ],
  [
    '004 evicted (vacated)',
    { code: 4, ...id, checkpointed: false, reason: 'Job vacated by schedd' },
    '004 (001.000.000) 2024-01-02 03:04:05 Job was evicted.\n'
      + '\t(0) CPU times\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Local Usage\n'
      + '\t0  -  Run Bytes Sent By Job\n'
      + '\t0  -  Run Bytes Received By Job\n'
      + '\tReason: Job vacated by schedd\n'
      + '...\n',
  ],
  [
    '004 evicted, checkpointed, with codes and usage',
    {
      code: 4, ...id, checkpointed: true, reasonCode: 1022, reasonSubCode: 3,
      runRemoteUsage: { userSeconds: 3725, systemSeconds: 61 }, sentBytes: 23, receivedBytes: 113.4,
    },
    '004 (001.000.000) 2024-01-02 03:04:05 Job was evicted. Code 1022 Subcode 3\n'
      + '\t(1) Job was checkpointed.\n'
      + '\t\tUsr 0 01:02:05, Sys 0 00:01:01  -  Run Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Local Usage\n'
      + '\t23  -  Run Bytes Sent By Job\n'
      + '\t113  -  Run Bytes Received By Job\n'
      + '...\n',
  ],
  [
    '004 terminated and requeued (on_exit_remove = false)',
    {
      code: 4, ...id, checkpointed: false, terminatedAndRequeued: true, exit: { bySignal: false, returnValue: 3 },
      reason: "The job attribute OnExitRemove expression 'false' evaluated to FALSE",
    },
    '004 (001.000.000) 2024-01-02 03:04:05 Job was evicted.\n'
      + '\t(0) Job terminated and was requeued\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Local Usage\n'
      + '\t0  -  Run Bytes Sent By Job\n'
      + '\t0  -  Run Bytes Received By Job\n'
      + '\t(1) Normal termination (return value 3)\n'
      + "\tThe job attribute OnExitRemove expression 'false' evaluated to FALSE\n"
      + '...\n',
  ],
  [
    '005 terminated normally with the partitionable resources table',
    {
      code: 5, ...id, exit: { bySignal: false, returnValue: 0 },
      sentBytes: 23, receivedBytes: 113, totalSentBytes: 23, totalReceivedBytes: 113,
      resources: { cpus: [null, 1, 1], disk: [100000, 100000, 2033496], memory: [0, 98, 2001] },
    },
    '005 (001.000.000) 2024-01-02 03:04:05 Job terminated.\n'
      + '\t(1) Normal termination (return value 0)\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Local Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Total Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Total Local Usage\n'
      + '\t23  -  Run Bytes Sent By Job\n'
      + '\t113  -  Run Bytes Received By Job\n'
      + '\t23  -  Total Bytes Sent By Job\n'
      + '\t113  -  Total Bytes Received By Job\n'
      // formatUsageAd ends each line with " %s" for the (empty) Assigned column.
      + '\tPartitionable Resources :    Usage  Request Allocated \n'
      + '\t   Cpus                 :                 1         1 \n'
      + '\t   Disk (KB)            :   100000   100000   2033496 \n'
      + '\t   Memory (MB)          :        0       98      2001 \n'
      + '...\n',
  ],
  [
    '005 terminated by a signal, fractional usage aligned on the dot',
    {
      code: 5, ...id, exit: { bySignal: true, signal: 9, coreFile: '/scratch/core.123' },
      resources: { cpus: [0.25, 1, 1] },
    },
    '005 (001.000.000) 2024-01-02 03:04:05 Job terminated.\n'
      + '\t(0) Abnormal termination (signal 9)\n'
      + '\t(1) Corefile in: /scratch/core.123\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Local Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Total Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Total Local Usage\n'
      + '\t0  -  Run Bytes Sent By Job\n'
      + '\t0  -  Run Bytes Received By Job\n'
      + '\t0  -  Total Bytes Sent By Job\n'
      + '\t0  -  Total Bytes Received By Job\n'
      + '\tPartitionable Resources :    Usage  Request Allocated \n'
      + '\t   Cpus                 :     0.25        1         1 \n'
      + '...\n',
  ],
  [
    '005 signal without core',
    { code: 5, ...id, exit: { bySignal: true, signal: 15 } },
    '005 (001.000.000) 2024-01-02 03:04:05 Job terminated.\n'
      + '\t(0) Abnormal termination (signal 15)\n'
      + '\t(0) No core file\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Local Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Total Remote Usage\n'
      + '\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Total Local Usage\n'
      + '\t0  -  Run Bytes Sent By Job\n'
      + '\t0  -  Run Bytes Received By Job\n'
      + '\t0  -  Total Bytes Sent By Job\n'
      + '\t0  -  Total Bytes Received By Job\n'
      + '...\n',
  ],
  [
    '006 image size',
    { code: 6, ...id, imageSizeKb: 100000, memoryUsageMb: 0, residentSetSizeKb: 0 },
    '006 (001.000.000) 2024-01-02 03:04:05 Image size of job updated: 100000\n'
      + '\t0  -  MemoryUsage of job (MB)\n'
      + '\t0  -  ResidentSetSize of job (KB)\n'
      + '...\n',
  ],
  [
    '009 aborted',
    { code: 9, ...id, reason: 'via condor_rm (by user alice)' },
    '009 (001.000.000) 2024-01-02 03:04:05 Job was aborted.\n\tvia condor_rm (by user alice)\n...\n',
  ],
  [
    '012 held',
    { code: 12, ...id, reason: 'via condor_hold (by user alice)', reasonCode: 1, reasonSubCode: 0 },
    '012 (001.000.000) 2024-01-02 03:04:05 Job was held.\n\tvia condor_hold (by user alice)\n\tCode 1 Subcode 0\n...\n',
  ],
  [
    '012 held without reason, multi-line reason flattened',
    { code: 12, ...id, reasonCode: 3, reasonSubCode: 0 },
    '012 (001.000.000) 2024-01-02 03:04:05 Job was held.\n\tReason unspecified\n\tCode 3 Subcode 0\n...\n',
  ],
  [
    '013 released',
    { code: 13, ...id, reason: 'via condor_release (by user alice)' },
    '013 (001.000.000) 2024-01-02 03:04:05 Job was released.\n\tvia condor_release (by user alice)\n...\n',
  ],
  [
    '021 remote error with hold codes',
    {
      code: 21, ...id, daemon: 'starter', executeHost: 'slot1@node1',
      message: 'Checkpoint manifest invalid\nchecksum mismatch', holdReasonCode: 13, holdReasonSubCode: 2,
    },
    '021 (001.000.000) 2024-01-02 03:04:05 Error from starter on slot1@node1:\n'
      + '\tCheckpoint manifest invalid\n'
      + '\tchecksum mismatch\n'
      + '\tCode 13 Subcode 2\n'
      + '...\n',
  ],
  [
    '021 non-critical message',
    { code: 21, ...id, daemon: 'starter', executeHost: 'slot1@node1', message: 'note\n', critical: false },
    '021 (001.000.000) 2024-01-02 03:04:05 Message from starter on slot1@node1:\n\tnote\n...\n',
  ],
  [
    '022 disconnected',
    { code: 22, ...id, reason: 'Socket between submit and execute hosts closed unexpectedly', startdName: 'slot1@node1', startdAddr: '<10.0.0.5:9618>' },
    '022 (001.000.000) 2024-01-02 03:04:05 Job disconnected, attempting to reconnect\n'
      + '    Socket between submit and execute hosts closed unexpectedly\n'
      + '    Trying to reconnect to slot1@node1 <10.0.0.5:9618>\n'
      + '...\n',
  ],
  [
    '023 reconnected',
    { code: 23, ...id, startdName: 'slot1@node1', startdAddr: '<10.0.0.5:9618>', starterAddr: '<10.0.0.5:40000>' },
    '023 (001.000.000) 2024-01-02 03:04:05 Job reconnected to slot1@node1\n'
      + '    startd address: <10.0.0.5:9618>\n'
      + '    starter address: <10.0.0.5:40000>\n'
      + '...\n',
  ],
  [
    '024 reconnect failed',
    { code: 24, ...id, reason: 'Job lease expired', startdName: 'slot1@node1' },
    '024 (001.000.000) 2024-01-02 03:04:05 Job reconnection failed\n'
      + '    Job lease expired\n'
      + '    Can not reconnect to slot1@node1, rescheduling job\n'
      + '...\n',
  ],
  [
    '028 job ad information (long-form attributes, no indent)',
    { code: 28, ...id, triggerCode: 1, attrs: { RemoteHost: 'slot1@node1', RequestMemory: 128, Ratio: 0.5, Done: false } },
    '028 (001.000.000) 2024-01-02 03:04:05 Job ad information event triggered.\n'
      + 'MyType = "ExecuteEvent"\n'
      + 'EventTypeNumber = 28\n'
      + 'EventTime = "2024-01-02T03:04:05.678"\n'
      + 'Cluster = 1\n'
      + 'Proc = 0\n'
      + 'Subproc = 0\n'
      + 'TriggerEventTypeNumber = 1\n'
      + 'TriggerEventTypeName = "ULOG_EXECUTE"\n'
      + 'RemoteHost = "slot1@node1"\n'
      + 'RequestMemory = 128\n'
      + 'Ratio = 0.5\n'
      + 'Done = false\n'
      + '...\n',
  ],
  [
    '040 input transfer queued',
    { code: 40, ...id, transferType: 1 },
    '040 (001.000.000) 2024-01-02 03:04:05 Entered queue to transfer input files\n...\n',
  ],
  [
    '040 output transfer started, with queue time and host',
    { code: 40, ...id, transferType: 5, queueingDelaySeconds: 0, host: '<10.0.0.5:9618?addrs=10.0.0.5-9618>' },
    '040 (001.000.000) 2024-01-02 03:04:05 Started transferring output files\n'
      + '\tSeconds spent in queue: 0\n'
      + '\tTransferring to host: <10.0.0.5:9618?addrs=10.0.0.5-9618>\n'
      + '...\n',
  ],
  [
    '040 output transfer finished',
    { code: 40, ...id, transferType: 6 },
    '040 (001.000.000) 2024-01-02 03:04:05 Finished transferring output files\n...\n',
  ],
  [
    '046 dataflow job skipped (as the shadow writes it: no reason)',
    { code: 46, ...id },
    '046 (001.000.000) 2024-01-02 03:04:05 Dataflow job was skipped.\n...\n',
  ],
  [
    '046 dataflow job skipped, with a reason',
    { code: 46, ...id, reason: 'outputs are newer' },
    '046 (001.000.000) 2024-01-02 03:04:05 Dataflow job was skipped.\n\toutputs are newer\n...\n',
  ],
];

for (const [name, event, expected] of cases) {
  t.test(name, async (t) => {
    t.equal(formatEventText(event), expected);
  });
}

t.test('newlines in one-line fields cannot break the event structure', async (t) => {
  const text = formatEventText({ code: 12, ...id, reason: 'line one\n...\r\nline two', reasonCode: 1, reasonSubCode: 0 });
  t.equal(text, '012 (001.000.000) 2024-01-02 03:04:05 Job was held.\n\tline one|... |line two\n\tCode 1 Subcode 0\n...\n');
});
