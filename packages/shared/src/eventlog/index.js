// HTCondor job event log (user log): formatting events as HTCondor writes them
// (text or XML) and parsing logs back.
export * from './events.js';
export { formatEventText, formatEventHeader, formatRusage, pad3, SYNC_DELIMITER } from './format-text.js';
export { formatEventXml, XML_LOG_PROLOGUE, escapeXmlString } from './format-xml.js';
export { formatHeaderDate, formatEventTime, parseLogDate } from './dates.js';
export { parseEventLog, EventLogParseError, } from './parse.js';
//# sourceMappingURL=index.js.map