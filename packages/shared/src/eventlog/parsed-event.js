// What parsing a user log yields, shared by the text and XML readers.
export class EventLogParseError extends Error {
    line;
    constructor(line, message) {
        super(`event log line ${line}: ${message}`);
        this.name = 'EventLogParseError';
        this.line = line;
    }
}
/** 1-based line number of a character offset. */
export function lineAt(text, offset) {
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1))
        line++;
    return line;
}
//# sourceMappingURL=parsed-event.js.map