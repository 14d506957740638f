// Event timestamps as HTCondor writes and reads them (ULogEvent::formatHeader,
// ULogEvent::readHeader, ULogEvent::toClassAd's EventTime).
function fieldsOf(time, utc) {
    return utc
        ? {
            year: time.getUTCFullYear(), month: time.getUTCMonth() + 1, day: time.getUTCDate(),
            hour: time.getUTCHours(), minute: time.getUTCMinutes(), second: time.getUTCSeconds(), ms: time.getUTCMilliseconds(),
        }
        : {
            year: time.getFullYear(), month: time.getMonth() + 1, day: time.getDate(),
            hour: time.getHours(), minute: time.getMinutes(), second: time.getSeconds(), ms: time.getMilliseconds(),
        };
}
const two = (n) => String(n).padStart(2, '0');
const three = (n) => String(n).padStart(3, '0');
/** Header date: "%04d-%02d-%02d %02d:%02d:%02d" (ISO_DATE, the default), local time. */
export function formatHeaderDate(time, format = {}) {
    const f = fieldsOf(time, format.utc === true);
    let out = `${String(f.year).padStart(4, '0')}-${two(f.month)}-${two(f.day)} ${two(f.hour)}:${two(f.minute)}:${two(f.second)}`;
    if (format.subSecond)
        out += `.${three(f.ms)}`;
    if (format.utc)
        out += 'Z';
    return out;
}
/** EventTime attribute: ISO 8601 extended, milliseconds only when non-zero (time_to_iso8601). */
export function formatEventTime(time, utc = false) {
    const f = fieldsOf(time, utc);
    let out = `${String(f.year).padStart(4, '0')}-${two(f.month)}-${two(f.day)}T${two(f.hour)}:${two(f.minute)}:${two(f.second)}`;
    if (f.ms !== 0)
        out += `.${three(f.ms)}`;
    if (utc)
        out += 'Z';
    return out;
}
const TIME_PART = String.raw `(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z)?`;
const ISO_DATE = new RegExp(String.raw `^(\d{4})-(\d{2})-(\d{2})[ T]${TIME_PART}`);
const LEGACY_DATE = new RegExp(String.raw `^(\d{2})/(\d{2}) ${TIME_PART}`);
/**
 * Reads a timestamp at the start of `text`: "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS"
 * or the legacy "MM/DD HH:MM:SS" (which has no year: HTCondor assumes the current one),
 * each optionally followed by ".fff" and "Z". Returns null when there is none or it is out of range.
 */
export function parseLogDate(text, legacyYear) {
    const iso = ISO_DATE.exec(text);
    const legacy = iso ? null : LEGACY_DATE.exec(text);
    const match = iso ?? legacy;
    if (!match)
        return null;
    const numbers = iso
        ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
        : [legacyYear, Number(match[1]), Number(match[2])];
    const offset = iso ? 4 : 3;
    const [year, month, day] = numbers;
    const hour = Number(match[offset]);
    const minute = Number(match[offset + 1]);
    const second = Number(match[offset + 2]);
    const fraction = match[offset + 3];
    const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
    const utc = match[offset + 4] === 'Z';
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
        return null;
    const time = utc
        ? new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms))
        : new Date(year, month - 1, day, hour, minute, second, ms);
    return { time, length: match[0].length };
}
//# sourceMappingURL=dates.js.map