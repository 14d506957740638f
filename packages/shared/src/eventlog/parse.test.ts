import t from 'tap';
import { formatEventText } from './format-text.js';
import { formatEventXml } from './format-xml.js';
import { EventLogParseError, parseEventLog } from './parse.js';
import type { JobEvent } from './events.js';

const time = new Date(2024, 0, 2, 3, 4, 5);
const later = new Date(2024, 0, 2, 3, 5, 0);

const sample: JobEvent[] = [
  { code: 0, cluster: 7, proc: 0, time, submitHost: '<127.0.0.1:9618?addrs=127.0.0.1-9618>', logNotes: 'DAG Node: A' },
  { code: 1, cluster: 7, proc: 0, time, executeHost: '<10.0.0.5:43051>', slotName: 'slot1@node1', props: { Cpus: 1 } },
  { code: 40, cluster: 7, proc: 0, time: later, transferType: 5, host: '<10.0.0.5:9618>' },
  { code: 12, cluster: 7, proc: 0, time: later, reason: 'via condor_hold (by user alice)', reasonCode: 1, reasonSubCode: 0 },
  { code: 46, cluster: 8, proc: 0, time: later },
  {
    code: 5, cluster: 1234, proc: 10, time: later, exit: { bySignal: false, returnValue: 0 },
    resources: { cpus: [null, 1, 1], memory: [0, 98, 2001] },
  },
];
const textLog = sample.map((e) => formatEventText(e)).join('');
const xmlLog = sample.map((e) => formatEventXml(e)).join('');

t.test('text round trip: ids, time, body lines, raw text', async (t) => {
  const { events, incompleteTail } = parseEventLog(textLog);
  t.equal(incompleteTail, '');
  t.same(events.map((e) => [e.code, e.cluster, e.proc, e.subproc, e.time.getTime()]), sample.map((e) => [e.code, e.cluster, e.proc, 0, e.time.getTime()]));
  t.same(events[0]?.lines, ['Job submitted from host: <127.0.0.1:9618?addrs=127.0.0.1-9618>', '    DAG Node: A']);
  t.same(events[1]?.lines, ['Job executing on host: <10.0.0.5:43051>', '\tSlotName: slot1@node1', '\tCpus = 1']);
  t.same(events[3]?.lines, ['Job was held.', '\tvia condor_hold (by user alice)', '\tCode 1 Subcode 0']);
  t.same(events[4]?.lines, ['Dataflow job was skipped.']);
  t.equal(events[5]?.lines.at(-1), '\t   Memory (MB)          :        0       98      2001 ');
  t.equal(events.map((e) => e.text).join(''), textLog);
});

t.test('a log written by HTCondor (CRLF tolerated, blank line between events tolerated)', async (t) => {
  const log = '000 (16091.000.000) 2024-03-01 12:09:19 Job submitted from host: <192.0.2.44:46062?addrs=192.0.2.44-46062>\r\n...\r\n'
    + '\n'
    + '013 (16091.000.000) 2024-03-01 12:10:00 Job was released.\n\tvia condor_release (by user bob)\n...\n';
  const { events, incompleteTail } = parseEventLog(log);
  t.equal(incompleteTail, '');
  t.equal(events.length, 2);
  t.equal(events[0]?.cluster, 16091);
  t.same(events[0]?.lines, ['Job submitted from host: <192.0.2.44:46062?addrs=192.0.2.44-46062>']);
  t.equal(events[1]?.time.getTime(), new Date(2024, 2, 1, 12, 10, 0).getTime());
});

t.test('dates: legacy MM/DD, sub-second, UTC, T separator', async (t) => {
  const parse = (date: string): Date => {
    const { events } = parseEventLog(`009 (001.000.000) ${date} Job was aborted.\n...\n`, { legacyYear: 2023 });
    return (events[0] as { time: Date }).time;
  };
  t.equal(parse('07/04 13:14:15').getTime(), new Date(2023, 6, 4, 13, 14, 15).getTime());
  t.equal(parse('07/04 13:14:15.250').getTime(), new Date(2023, 6, 4, 13, 14, 15, 250).getTime());
  t.equal(parse('2024-01-02 03:04:05.678Z').getTime(), Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  t.equal(parse('2024-01-02 03:04:05Z').getTime(), Date.UTC(2024, 0, 2, 3, 4, 5));
  t.equal(parse('2024-01-02T03:04:05').getTime(), new Date(2024, 0, 2, 3, 4, 5).getTime());
});

t.test('an event still being appended is left in incompleteTail', async (t) => {
  const complete = formatEventText(sample[0] as JobEvent);
  const next = formatEventText(sample[3] as JobEvent);
  for (const cut of [1, 5, 20, next.indexOf('\n') + 1, next.length - 4, next.length - 1]) {
    const partial = next.slice(0, cut);
    const { events, incompleteTail } = parseEventLog(complete + partial);
    t.equal(events.length, 1, `cut at ${cut}`);
    t.equal(incompleteTail, partial, `cut at ${cut}`);
  }
});

t.test('every prefix of a log parses into whole events plus the rest (text and XML)', async (t) => {
  for (const log of [textLog, xmlLog]) {
    let previous = 0;
    for (let cut = 0; cut <= log.length; cut++) {
      const prefix = log.slice(0, cut);
      const { events, incompleteTail } = parseEventLog(prefix);
      const consumed = events.map((e) => e.text).join('');
      if (consumed + incompleteTail !== prefix || events.length < previous) {
        t.fail(`prefix ${cut} split inconsistently`);
        return;
      }
      previous = events.length;
    }
    t.equal(previous, sample.length);
  }
});

t.test('XML round trip: ids, time, attributes, lines', async (t) => {
  const { events, incompleteTail } = parseEventLog(xmlLog);
  t.equal(incompleteTail, '');
  t.same(events.map((e) => [e.code, e.cluster, e.proc, e.subproc, e.time.getTime()]), sample.map((e) => [e.code, e.cluster, e.proc, 0, e.time.getTime()]));
  t.equal(events[0]?.attributes?.SubmitHost, '<127.0.0.1:9618?addrs=127.0.0.1-9618>');
  t.same(events[1]?.attributes?.ExecuteProps, { Cpus: 1 });
  t.equal(events[4]?.attributes?.MyType, 'DataflowJobSkippedEvent');
  t.equal(events[5]?.attributes?.TerminatedNormally, true);
  t.same(events[3]?.lines.slice(-3), ['HoldReason = "via condor_hold (by user alice)"', 'HoldReasonCode = 1', 'HoldReasonSubCode = 0']);
  t.equal(events.map((e) => e.text).join(''), xmlLog);
});

t.test('XML: prolog and <classads> wrapper skipped, escapes decoded', async (t) => {
  const log = '<?xml version="1.0"?>\n<!DOCTYPE classads SYSTEM "classads.dtd">\n<classads>\n'
    + '<c>\n    <a n="MyType"><s>JobAbortedEvent</s></a>\n    <a n="EventTypeNumber"><i>9</i></a>\n'
    + '    <a n="EventTime"><s>2024-01-02T03:04:05.500Z</s></a>\n    <a n="Cluster"><i>3</i></a>\n'
    + '    <a n="Proc"><i>1</i></a>\n    <a n="Reason"><s>a &amp; b\\n\\303\\251 &quot;q&quot;</s></a>\n'
    + '    <a n="Nothing"><un/></a>\n    <a n="List"><l><i>1</i><r>2.5</r></l></a>\n</c>\n</classads>\n';
  const { events, incompleteTail } = parseEventLog(log);
  t.equal(incompleteTail, '');
  t.equal(events.length, 1);
  t.equal(events[0]?.code, 9);
  t.equal(events[0]?.cluster, 3);
  t.equal(events[0]?.subproc, 0);
  t.equal(events[0]?.time.getTime(), Date.UTC(2024, 0, 2, 3, 4, 5, 500));
  t.equal(events[0]?.attributes?.Reason, 'a & b\né "q"');
  t.equal(events[0]?.attributes?.Nothing, null);
  t.same(events[0]?.attributes?.List, [1, 2.5]);
});

t.test('garbage throws EventLogParseError with the line number', async (t) => {
  const lineOf = (text: string): number | undefined => {
    try {
      parseEventLog(text);
    } catch (error) {
      if (error instanceof EventLogParseError) return error.line;
      throw error;
    }
    return undefined;
  };
  t.equal(lineOf('hello world\n'), 1);
  t.equal(lineOf('hello world'), 1, 'an unterminated line that can never become a header');
  t.equal(lineOf(`${formatEventText(sample[0] as JobEvent)}not an event\n`), 4);
  t.equal(lineOf('009 (001.000.000) 2024-13-45 99:00:00 Job was aborted.\n...\n'), 1, 'impossible date');
  t.equal(lineOf('009 (1.0.0) yesterday Job was aborted.\n...\n'), 1);
  t.equal(lineOf('9 (001.000.000) 2024-01-02 03:04:05 Job was aborted.\n...\n'), 1, 'event number is 3 digits');
  t.equal(lineOf(`${formatEventXml(sample[0] as JobEvent)}garbage\n`), 11);
  t.equal(lineOf('<c>\n    <a n="X"><q>1</q></a>\n</c>\n'), 2, 'unknown XML value tag');
  t.equal(lineOf('<c>\n    <a n="EventTypeNumber"><i>9</i></a>\n</c>\n'), 1, 'XML record without EventTime');
  t.equal(lineOf('<html><body></body></html>\n'), 1);
});

t.test('random bytes never crash or hang: either events or EventLogParseError', async (t) => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const alphabet = '0123456789 ().-:/\n\t<>/=ac"snir.Z';
  for (let round = 0; round < 2000; round++) {
    const pieces = [textLog, xmlLog, ''];
    let text = pieces[Math.floor(random() * pieces.length)] as string;
    text = text.slice(0, Math.floor(random() * text.length));
    for (let i = Math.floor(random() * 40); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
    try {
      parseEventLog(text);
    } catch (error) {
      if (!(error instanceof EventLogParseError)) {
        t.fail(`unexpected ${String(error)} for ${JSON.stringify(text.slice(-60))}`);
        return;
      }
    }
  }
  t.pass('2000 random inputs handled');
});
