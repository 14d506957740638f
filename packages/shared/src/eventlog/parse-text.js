// Reader for the text form: "NNN (cluster.proc.subproc) date body…" lines up to a "..." line
// (ULogEvent::readEventNumber, readHeader and is_sync_line in condor_event.cpp).
import { parseLogDate } from './dates.js';
import { EventLogParseError } from './parsed-event.js';
const HEADER = /^(\d{3}) \((-?\d+)\.(-?\d+)\.(-?\d+)\) /;
/** Could this unterminated last line still grow into a valid header? */
const HEADER_PREFIX = new RegExp('^(?:\\d{0,3}|\\d{3} \\(?|\\d{3} \\(-?\\d*|\\d{3} \\(-?\\d+\\.-?\\d*|\\d{3} \\(-?\\d+\\.-?\\d+\\.-?\\d*'
    + '|\\d{3} \\(-?\\d+\\.-?\\d+\\.-?\\d+\\)(?: .*)?)$');
const chomp = (line) => (line.endsWith('\r') ? line.slice(0, -1) : line);
function parseHeader(line, lineNumber, legacyYear) {
    const match = HEADER.exec(line);
    if (!match) {
        throw new EventLogParseError(lineNumber, `expected an event header "NNN (cluster.proc.subproc) date", got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const afterId = line.slice(match[0].length);
    const date = parseLogDate(afterId, legacyYear);
    const afterDate = date ? afterId.slice(date.length) : '';
    if (!date || (afterDate !== '' && !afterDate.startsWith(' '))) {
        throw new EventLogParseError(lineNumber, `bad event date ${JSON.stringify(afterId.slice(0, 30))}`);
    }
    return {
        code: Number(match[1]),
        cluster: Number(match[2]),
        proc: Number(match[3]),
        subproc: Number(match[4]),
        time: date.time,
        rest: afterDate.slice(1),
    };
}
export function parseTextLog(text, legacyYear) {
    const events = [];
    let pos = 0;
    let lineNumber = 1;
    while (pos < text.length) {
        const eventStart = pos;
        const headerEnd = text.indexOf('\n', pos);
        if (headerEnd === -1) {
            const partial = chomp(text.slice(pos));
            if (!HEADER_PREFIX.test(partial))
                parseHeader(partial, lineNumber, legacyYear);
            return { events, incompleteTail: text.slice(eventStart) };
        }
        const headerLine = chomp(text.slice(pos, headerEnd));
        if (headerLine.trim() === '') {
            // Tolerate blank lines between events.
            pos = headerEnd + 1;
            lineNumber++;
            continue;
        }
        const header = parseHeader(headerLine, lineNumber, legacyYear);
        const lines = [header.rest];
        let cursor = headerEnd + 1;
        let bodyLines = 1;
        let complete = false;
        while (cursor < text.length) {
            const end = text.indexOf('\n', cursor);
            if (end === -1)
                break;
            const line = chomp(text.slice(cursor, end));
            cursor = end + 1;
            bodyLines++;
            if (line === '...') {
                complete = true;
                break;
            }
            lines.push(line);
        }
        if (!complete)
            return { events, incompleteTail: text.slice(eventStart) };
        const { code, cluster, proc, subproc, time } = header;
        events.push({ code, cluster, proc, subproc, time, lines, text: text.slice(eventStart, cursor) });
        pos = cursor;
        lineNumber += bodyLines;
    }
    return { events, incompleteTail: '' };
}
//# sourceMappingURL=parse-text.js.map