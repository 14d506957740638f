// Reading a user log back, in either of the forms HTCondor writes (text or XML),
// while a writer may still be appending to it.
import { parseTextLog } from './parse-text.js';
import { parseXmlLog } from './parse-xml.js';
export { EventLogParseError } from './parsed-event.js';
/**
 * Parses every complete event. A trailing event still being appended (no "..."
 * line, or no closing </c>, yet) is returned untouched in `incompleteTail`.
 * Throws EventLogParseError on anything that is not an event log.
 */
export function parseEventLog(text, options = {}) {
    const legacyYear = options.legacyYear ?? new Date().getFullYear();
    const first = text.search(/\S/);
    if (first === -1)
        return { events: [], incompleteTail: text };
    return text[first] === '<' ? parseXmlLog(text, legacyYear) : parseTextLog(text, legacyYear);
}
//# sourceMappingURL=parse.js.map