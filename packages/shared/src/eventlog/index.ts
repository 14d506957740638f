// HTCondor job event log (user log): formatting events as HTCondor writes them
// (text or XML) and parsing logs back.

export * from './events.js';
export { formatEventText, formatEventHeader, formatRusage, pad3, SYNC_DELIMITER } from './format-text.js';
export { formatEventXml, XML_LOG_PROLOGUE, escapeXmlString, formatXmlReal, type XmlAd, type XmlAdValue } from './format-xml.js';
export { formatHeaderDate, formatEventTime, parseLogDate, type TimeFormat } from './dates.js';
export {
  parseEventLog, EventLogParseError,
  type AdValue, type ParsedEvent, type ParsedLog, type ParseOptions,
} from './parse.js';
export { userlogToJobAds, eventAttributes, type UserlogAdsOptions } from './job-ads.js';
export { jobAdInformationEvent } from './job-ad-information.js';
