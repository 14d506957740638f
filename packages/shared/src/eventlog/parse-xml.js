// Reader for the XML form: a sequence of <c> records (classad XML,
// src/classad/xmlLexer.cpp tags), optionally after a <?xml?>/<!DOCTYPE>/<classads> prolog.
import { parseLogDate } from './dates.js';
import { formatOldClassAdValue } from './long-form.js';
import { EventLogParseError, lineAt } from './parsed-event.js';
/** The text ends inside a record: it is still being written. */
class Incomplete {
}
const TAG = /^<\s*(\/?)\s*([A-Za-z]+)((?:\s+[A-Za-z]+\s*=\s*"[^"]*")*)\s*(\/?)\s*>$/;
const TAG_ATTR = /([A-Za-z]+)\s*=\s*"([^"]*)"/g;
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref) => {
        if (ref.startsWith('#x'))
            return String.fromCodePoint(parseInt(ref.slice(2), 16));
        if (ref.startsWith('#'))
            return String.fromCodePoint(parseInt(ref.slice(1), 10));
        return ENTITIES[ref] ?? whole;
    });
}
const C_ESCAPES = {
    a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22, "'": 0x27,
};
/** Undoes ClassAdUnParser's string escapes; octal escapes are bytes of UTF-8. */
function decodeClassAdString(text) {
    if (!text.includes('\\'))
        return text;
    const bytes = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch !== '\\' || i + 1 >= text.length) {
            bytes.push(...encoder.encode(ch));
            continue;
        }
        const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
        if (octal) {
            bytes.push(parseInt(octal[0], 8) & 0xff);
            i += octal[0].length;
            continue;
        }
        const next = text[i + 1];
        const escaped = C_ESCAPES[next];
        bytes.push(...(escaped === undefined ? encoder.encode(next) : [escaped]));
        i++;
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
}
class RecordReader {
    text;
    pos;
    constructor(text, start) {
        this.text = text;
        this.pos = start;
    }
    fail(at, message) {
        throw new EventLogParseError(lineAt(this.text, at), message);
    }
    skipSpace() {
        while (this.pos < this.text.length && /\s/.test(this.text[this.pos]))
            this.pos++;
    }
    /** Raw text up to the next tag. */
    readText() {
        const end = this.text.indexOf('<', this.pos);
        if (end === -1)
            throw new Incomplete();
        const raw = this.text.slice(this.pos, end);
        this.pos = end;
        return raw;
    }
    readTag() {
        this.skipSpace();
        if (this.pos >= this.text.length)
            throw new Incomplete();
        const at = this.pos;
        if (this.text[at] !== '<')
            this.fail(at, `expected a tag, got ${JSON.stringify(this.text.slice(at, at + 20))}`);
        const end = this.text.indexOf('>', at);
        if (end === -1)
            throw new Incomplete();
        const raw = this.text.slice(at, end + 1);
        const match = TAG.exec(raw);
        if (!match)
            this.fail(at, `malformed tag ${JSON.stringify(raw.slice(0, 40))}`);
        this.pos = end + 1;
        const attrs = {};
        for (const [, name, value] of (match[3] ?? '').matchAll(TAG_ATTR))
            attrs[name] = decodeEntities(value);
        return { name: match[2], closing: match[1] === '/', empty: match[4] === '/', attrs, at };
    }
    expectClose(name) {
        const tag = this.readTag();
        if (!tag.closing || tag.name !== name)
            this.fail(tag.at, `expected </${name}>, got <${tag.closing ? '/' : ''}${tag.name}>`);
    }
    /** Attributes of a <c> record whose opening tag was just read. */
    readAd() {
        const ad = {};
        for (;;) {
            const tag = this.readTag();
            if (tag.closing && tag.name === 'c')
                return ad;
            if (tag.closing || tag.name !== 'a' || tag.empty || tag.attrs.n === undefined) {
                this.fail(tag.at, `expected <a n="…"> or </c>, got <${tag.closing ? '/' : ''}${tag.name}>`);
            }
            const value = this.readValue(this.readTag());
            this.expectClose('a');
            ad[decodeClassAdString(tag.attrs.n)] = value;
        }
    }
    readValue(tag) {
        if (tag.closing)
            this.fail(tag.at, `unexpected </${tag.name}>`);
        switch (tag.name) {
            case 'b':
                return tag.attrs.v === 't';
            case 'un':
            case 'er':
                return null;
            case 'c':
                return tag.empty ? {} : this.readAd();
            case 'l': {
                const list = [];
                if (tag.empty)
                    return list;
                for (let item = this.readTag(); !(item.closing && item.name === 'l'); item = this.readTag()) {
                    list.push(this.readValue(item));
                }
                return list;
            }
            case 's':
            case 'e':
            case 'at':
            case 'rt':
            case 'i':
            case 'r':
            case 'n': {
                if (tag.empty)
                    return tag.name === 's' ? '' : null;
                const raw = decodeEntities(this.readText());
                this.expectClose(tag.name);
                if (tag.name === 's')
                    return decodeClassAdString(raw);
                if (tag.name === 'i' || tag.name === 'r' || tag.name === 'n') {
                    const number = parseNumber(raw.trim());
                    return number ?? this.fail(tag.at, `bad number ${JSON.stringify(raw)}`);
                }
                return raw;
            }
            default:
                return this.fail(tag.at, `unknown value tag <${tag.name}>`);
        }
    }
}
/** Numbers as the XML unparser writes them, including its NaN / INF spellings. */
function parseNumber(text) {
    if (/^nan$/i.test(text))
        return NaN;
    if (/^[-+]?inf$/i.test(text))
        return text.startsWith('-') ? -Infinity : Infinity;
    const number = Number(text);
    return text === '' || Number.isNaN(number) ? null : number;
}
function unparseLongForm(value) {
    if (value === null)
        return 'undefined';
    if (Array.isArray(value))
        return `{ ${value.map(unparseLongForm).join(',')} }`;
    if (typeof value === 'object') {
        return `[ ${Object.entries(value).map(([k, v]) => `${k} = ${unparseLongForm(v)}`).join('; ')} ]`;
    }
    return formatOldClassAdValue(value);
}
function toEvent(text, start, end, ad, legacyYear) {
    const fail = (message) => {
        throw new EventLogParseError(lineAt(text, start), message);
    };
    const int = (name, fallback) => {
        const value = ad[name];
        if (value === undefined)
            return fallback;
        return typeof value === 'number' && Number.isInteger(value) ? value : fail(`${name} is not an integer`);
    };
    const code = int('EventTypeNumber', -1);
    if (code < 0)
        fail('event record has no EventTypeNumber');
    const eventTime = ad.EventTime;
    const date = typeof eventTime === 'string' ? parseLogDate(eventTime, legacyYear) : null;
    if (!date)
        fail(`event record has no valid EventTime (${JSON.stringify(eventTime)})`);
    return {
        code,
        cluster: int('Cluster', -1),
        proc: int('Proc', -1),
        subproc: int('Subproc', 0),
        time: date.time,
        lines: Object.entries(ad).map(([name, value]) => `${name} = ${unparseLongForm(value)}`),
        text: text.slice(start, end),
        attributes: ad,
    };
}
export function parseXmlLog(text, legacyYear) {
    const events = [];
    const reader = new RecordReader(text, 0);
    for (;;) {
        reader.skipSpace();
        const start = reader.pos;
        if (start >= text.length)
            return { events, incompleteTail: '' };
        try {
            if (text.startsWith('<?', start) || text.startsWith('<!', start)) {
                const end = text.indexOf('>', start);
                if (end === -1)
                    throw new Incomplete();
                reader.pos = end + 1;
                continue;
            }
            const tag = reader.readTag();
            if (tag.name === 'classads' && !tag.empty)
                continue;
            if (tag.name !== 'c' || tag.closing || tag.empty)
                reader.fail(tag.at, `expected <c>, got <${tag.closing ? '/' : ''}${tag.name}>`);
            const ad = reader.readAd();
            let end = reader.pos;
            if (text[end] === '\n')
                end++;
            else if (text.startsWith('\r\n', end))
                end += 2;
            reader.pos = end;
            events.push(toEvent(text, start, end, ad, legacyYear));
        }
        catch (error) {
            if (error instanceof Incomplete)
                return { events, incompleteTail: text.slice(start) };
            throw error;
        }
    }
}
//# sourceMappingURL=parse-xml.js.map