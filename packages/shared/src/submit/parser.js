// Submit description text → statements (syntax only; values stay unexpanded).
import { submitError } from './errors.js';
import { isQueueLine, opensMultiLineList, parseQueueStatement } from './queue.js';
const COMMAND_NAME = /^\+?[A-Za-z_][A-Za-z0-9_.]*$/;
/** Reads statements from text; `file` names it in error messages. */
export function parseStatements(text, file) {
    const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
    const statements = [];
    let index = 0;
    while (index < lines.length) {
        const pos = { file, line: index + 1 };
        let logical = lines[index].trim();
        index++;
        if (logical === '' || logical.startsWith('#'))
            continue;
        while (logical.endsWith('\\') && index < lines.length) {
            logical = logical.slice(0, -1) + lines[index].trim();
            index++;
        }
        if (logical.endsWith('\\'))
            logical = logical.slice(0, -1).trimEnd();
        if (isQueueLine(logical)) {
            let continuation = null;
            if (opensMultiLineList(logical)) {
                continuation = [];
                while (index < lines.length && !lines[index].trim().startsWith(')')) {
                    continuation.push(lines[index]);
                    index++;
                }
                if (index >= lines.length)
                    throw submitError(pos, 'queue statement has "(" without a closing ")" line');
                index++;
            }
            statements.push({ kind: 'queue', queue: parseQueueStatement(logical, continuation, pos), pos });
            continue;
        }
        const multiLine = /^([^=\s]+)\s*@=\s*(\S+)\s*$/.exec(logical);
        if (multiLine) {
            const terminator = `@${multiLine[2]}`;
            const body = [];
            while (index < lines.length && lines[index].trim() !== terminator) {
                body.push(lines[index]);
                index++;
            }
            if (index >= lines.length)
                throw submitError(pos, `multi-line value has no closing "${terminator}" line`);
            index++;
            statements.push({ kind: 'assign', name: checkName(multiLine[1], pos), value: body.join('\n'), pos });
            continue;
        }
        const eq = logical.indexOf('=');
        if (eq < 0) {
            throw submitError(pos, `syntax error: expected "name = value" or a queue statement, got "${logical}"`);
        }
        const name = checkName(logical.slice(0, eq).trim(), pos);
        statements.push({ kind: 'assign', name, value: logical.slice(eq + 1).trim(), pos });
    }
    return statements;
}
function checkName(name, pos) {
    if (!COMMAND_NAME.test(name))
        throw submitError(pos, `invalid command or macro name "${name}"`);
    return name;
}
/**
 * Parses a whole submit description. `appendLines` (condor_submit -append) are
 * inserted just before the first queue statement.
 */
export function parseSubmitText(text, file, appendLines = []) {
    const statements = parseStatements(text, file);
    if (appendLines.length > 0) {
        const appended = parseStatements(appendLines.join('\n'), '-append');
        const firstQueue = statements.findIndex((statement) => statement.kind === 'queue');
        statements.splice(firstQueue < 0 ? statements.length : firstQueue, 0, ...appended);
    }
    if (!statements.some((statement) => statement.kind === 'queue')) {
        const lastLine = Math.max(1, text.replace(/\n$/, '').split('\n').length);
        throw submitError({ file, line: lastLine }, 'no queue statement: nothing would be submitted');
    }
    return { statements };
}
//# sourceMappingURL=parser.js.map