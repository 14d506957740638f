import t from 'tap';
import { escapeXmlString, formatEventXml, formatXmlReal, XML_LOG_PROLOGUE } from './format-xml.js';

const time = new Date(2024, 0, 2, 3, 4, 5, 678);
const id = { cluster: 1, proc: 0, time };
const head = (myType: string, code: number, eventTime = '2024-01-02T03:04:05.678'): string =>
  '<c>\n'
  + `    <a n="MyType"><s>${myType}</s></a>\n`
  + `    <a n="EventTypeNumber"><i>${code}</i></a>\n`
  + `    <a n="EventTime"><s>${eventTime}</s></a>\n`
  + '    <a n="Cluster"><i>1</i></a>\n'
  + '    <a n="Proc"><i>0</i></a>\n'
  + '    <a n="Subproc"><i>0</i></a>\n';

t.test('HTCondor writes no prolog to an XML user log', async (t) => {
  t.equal(XML_LOG_PROLOGUE, '');
});

t.test('submit: strings escaped, record newline-terminated', async (t) => {
  t.equal(
    formatEventXml({ code: 0, ...id, submitHost: '<127.0.0.1:9618?addrs=127.0.0.1-9618>' }),
    head('SubmitEvent', 0) + '    <a n="SubmitHost"><s>&lt;127.0.0.1:9618?addrs=127.0.0.1-9618&gt;</s></a>\n</c>\n',
  );
});

t.test('submit: the submit requirements\' warnings are Warnings (SubmitEvent::toClassAd)', async (t) => {
  t.equal(
    formatEventXml({ code: 0, ...id, submitHost: '<h>', warnings: 'QMGMT:0:low' }),
    head('SubmitEvent', 0) + '    <a n="SubmitHost"><s>&lt;h&gt;</s></a>\n    <a n="Warnings"><s>QMGMT:0:low</s></a>\n</c>\n',
  );
});

t.test('submit: LogNotes, UserNotes, Warnings, then the StructuredNotes ad (SubmitEvent::toClassAd)', async (t) => {
  t.equal(
    formatEventXml({ code: 0, ...id, submitHost: '<h>', logNotes: 'system', userNotes: 'pool:local', structuredNotes: [['JobPrio', 3], ['Ratio', { real: 0.5 }], ['JobBatchName', 'b']] }),
    head('SubmitEvent', 0)
      + '    <a n="SubmitHost"><s>&lt;h&gt;</s></a>\n'
      + '    <a n="LogNotes"><s>system</s></a>\n'
      + '    <a n="UserNotes"><s>pool:local</s></a>\n'
      + '    <a n="StructuredNotes"><c>\n'
      + '        <a n="JobPrio"><i>3</i></a>\n'
      + '        <a n="Ratio"><r>5.000000000000000E-01</r></a>\n'
      + '        <a n="JobBatchName"><s>b</s></a>\n'
      + '    </c></a>\n'
      + '</c>\n',
  );
});

t.test('EventTime has no fraction when milliseconds are 0, and Z in UTC mode', async (t) => {
  const whole = new Date(2024, 0, 2, 3, 4, 5);
  t.equal(formatEventXml({ code: 9, cluster: 1, proc: 0, time: whole }), `${head('JobAbortedEvent', 9, '2024-01-02T03:04:05')}</c>\n`);
  const utc = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  t.equal(formatEventXml({ code: 9, cluster: 1, proc: 0, time: utc }, { utc: true }), `${head('JobAbortedEvent', 9, '2024-01-02T03:04:05Z')}</c>\n`);
});

t.test('execute: ExecuteProps is a nested ad, indented one more level', async (t) => {
  t.equal(
    formatEventXml({ code: 1, ...id, executeHost: '<10.0.0.5:43051>', slotName: 'slot1@node1', props: { Memory: 2001, Cpus: 1 } }),
    head('ExecuteEvent', 1)
      + '    <a n="ExecuteHost"><s>&lt;10.0.0.5:43051&gt;</s></a>\n'
      + '    <a n="SlotName"><s>slot1@node1</s></a>\n'
      + '    <a n="ExecuteProps"><c>\n'
      + '        <a n="Cpus"><i>1</i></a>\n'
      + '        <a n="Memory"><i>2001</i></a>\n'
      + '    </c></a>\n'
      + '</c>\n',
  );
});

t.test('evicted: booleans, rusage strings, real byte counts', async (t) => {
  t.equal(
    formatEventXml({ code: 4, ...id, checkpointed: true, sentBytes: 23, reason: 'Job vacated by schedd' }),
    head('JobEvictedEvent', 4)
      + '    <a n="Checkpointed"><b v="t"/></a>\n'
      + '    <a n="RunLocalUsage"><s>Usr 0 00:00:00, Sys 0 00:00:00</s></a>\n'
      + '    <a n="RunRemoteUsage"><s>Usr 0 00:00:00, Sys 0 00:00:00</s></a>\n'
      + '    <a n="SentBytes"><r>2.300000000000000E+01</r></a>\n'
      + '    <a n="ReceivedBytes"><r>0.0</r></a>\n'
      + '    <a n="TerminatedAndRequeued"><b v="f"/></a>\n'
      + '    <a n="TerminatedNormally"><b v="f"/></a>\n'
      + '    <a n="Reason"><s>Job vacated by schedd</s></a>\n'
      + '</c>\n',
  );
});

t.test('terminated: usage ad merged in, exit attributes', async (t) => {
  t.equal(
    formatEventXml({
      code: 5, ...id, exit: { bySignal: false, returnValue: 0 }, totalRemoteUsage: { userSeconds: 61, systemSeconds: 0 },
      resources: { cpus: [null, 1, 1], memory: [0.5, 98, 2001] },
    }),
    head('JobTerminatedEvent', 5)
      + '    <a n="Cpus"><i>1</i></a>\n'
      + '    <a n="RequestCpus"><i>1</i></a>\n'
      + '    <a n="Memory"><i>2001</i></a>\n'
      + '    <a n="RequestMemory"><i>98</i></a>\n'
      + '    <a n="MemoryUsage"><r>5.000000000000000E-01</r></a>\n'
      + '    <a n="TerminatedNormally"><b v="t"/></a>\n'
      + '    <a n="ReturnValue"><i>0</i></a>\n'
      + '    <a n="RunLocalUsage"><s>Usr 0 00:00:00, Sys 0 00:00:00</s></a>\n'
      + '    <a n="RunRemoteUsage"><s>Usr 0 00:00:00, Sys 0 00:00:00</s></a>\n'
      + '    <a n="TotalLocalUsage"><s>Usr 0 00:00:00, Sys 0 00:00:00</s></a>\n'
      + '    <a n="TotalRemoteUsage"><s>Usr 0 00:01:01, Sys 0 00:00:00</s></a>\n'
      + '    <a n="SentBytes"><r>0.0</r></a>\n'
      + '    <a n="ReceivedBytes"><r>0.0</r></a>\n'
      + '    <a n="TotalSentBytes"><r>0.0</r></a>\n'
      + '    <a n="TotalReceivedBytes"><r>0.0</r></a>\n'
      + '</c>\n',
  );
});

t.test('held, released (MyType JobReleaseEvent), remote error, file transfer', async (t) => {
  t.equal(
    formatEventXml({ code: 12, ...id, reason: 'via condor_hold (by user alice)', reasonCode: 1, reasonSubCode: 0 }),
    head('JobHeldEvent', 12)
      + '    <a n="HoldReason"><s>via condor_hold (by user alice)</s></a>\n'
      + '    <a n="HoldReasonCode"><i>1</i></a>\n'
      + '    <a n="HoldReasonSubCode"><i>0</i></a>\n'
      + '</c>\n',
  );
  t.equal(
    formatEventXml({ code: 13, ...id, reason: 'via condor_release (by user alice)' }),
    `${head('JobReleaseEvent', 13)}    <a n="Reason"><s>via condor_release (by user alice)</s></a>\n</c>\n`,
  );
  t.equal(
    formatEventXml({ code: 21, ...id, daemon: 'starter', executeHost: 'slot1@node1', message: 'a\nb', holdReasonCode: 13, holdReasonSubCode: 2 }),
    head('RemoteErrorEvent', 21)
      + '    <a n="Daemon"><s>starter</s></a>\n'
      + '    <a n="ExecuteHost"><s>slot1@node1</s></a>\n'
      + '    <a n="ErrorMsg"><s>a\\nb</s></a>\n'
      + '    <a n="HoldReasonCode"><i>13</i></a>\n'
      + '    <a n="HoldReasonSubCode"><i>2</i></a>\n'
      + '</c>\n',
  );
  t.equal(
    formatEventXml({ code: 40, ...id, transferType: 6, queueingDelaySeconds: 2, host: '<10.0.0.5:9618>' }),
    head('FileTransferEvent', 40)
      + '    <a n="Type"><i>6</i></a>\n'
      + '    <a n="QueueingDelay"><i>2</i></a>\n'
      + '    <a n="Host"><s>&lt;10.0.0.5:9618&gt;</s></a>\n'
      + '</c>\n',
  );
  t.equal(formatEventXml({ code: 46, ...id }), `${head('DataflowJobSkippedEvent', 46)}</c>\n`);
});

t.test('job ad information: MyType reset, trigger attributes kept', async (t) => {
  t.equal(
    formatEventXml({ code: 28, ...id, triggerCode: 5, attrs: { ExitCode: 0, Owner: 'alice' } }),
    head('JobAdInformationEvent', 28)
      + '    <a n="TriggerEventTypeNumber"><i>5</i></a>\n'
      + '    <a n="TriggerEventTypeName"><s>ULOG_JOB_TERMINATED</s></a>\n'
      + '    <a n="ExitCode"><i>0</i></a>\n'
      + '    <a n="Owner"><s>alice</s></a>\n'
      + '</c>\n',
  );
});

t.test('string escaping follows the ClassAd XML unparser', async (t) => {
  t.equal(escapeXmlString('a&b<c>"d\'\t\\'), 'a&amp;b&lt;c&gt;"d\'\\t\\\\');
  t.equal(escapeXmlString('é'), '\\303\\251');
});

t.test('reals are %1.15E', async (t) => {
  t.equal(formatXmlReal(0), '0.0');
  t.equal(formatXmlReal(1234.5), '1.234500000000000E+03');
  t.equal(formatXmlReal(-0.001), '-1.000000000000000E-03');
});
