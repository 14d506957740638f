// HTCondor's two argument syntaxes (condor_arglist.cpp):
//   V1 ("old"): not starting with a double quote; split on whitespace; \" is a literal quote.
//   V2 ("new"): the whole list in double quotes ("" is a literal quote); whitespace
//               separates arguments; single quotes group, '' inside them is a literal '.
// The job ad keeps V1 input as `Args` (V1 raw) and V2 input as `Arguments` (V2 raw).
import { SubmitError } from './errors.js';
/** A syntax problem in an argument or environment list, without a position. */
export class QuotingError extends Error {
}
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** True when the value uses the new (V2) syntax: its first non-blank character is `"`. */
export function isV2Quoted(value) {
    return value.trimStart().startsWith('"');
}
/** Removes the outer double quotes of a V2 value, turning `""` into `"`. */
export function v2QuotedToRaw(value) {
    const text = value.trimStart();
    let raw = '';
    let i = 1;
    for (;;) {
        if (i >= text.length)
            throw new QuotingError('Unterminated double-quote.');
        const ch = text[i];
        if (ch === '"') {
            if (text[i + 1] === '"') {
                raw += '"';
                i += 2;
                continue;
            }
            break;
        }
        raw += ch;
        i++;
    }
    const trailing = text.slice(i + 1);
    if (trailing.trim() !== '') {
        throw new QuotingError(`Unexpected characters following double-quote.  Did you forget to escape the double-quote by repeating it?  Here is the quote and trailing characters: ${text.slice(i)}`);
    }
    return raw;
}
/** Splits a V2 raw string into words (single-quote grouping, '' escapes). */
export function splitV2Raw(raw) {
    const words = [];
    let word = '';
    let inWord = false;
    let i = 0;
    while (i < raw.length) {
        const ch = raw[i];
        if (ch === "'") {
            const quoteStart = i;
            inWord = true;
            i++;
            for (;;) {
                if (i >= raw.length)
                    throw new QuotingError(`Unbalanced quote starting here: ${raw.slice(quoteStart)}`);
                if (raw[i] === "'") {
                    if (raw[i + 1] === "'") {
                        word += "'";
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                word += raw[i];
                i++;
            }
        }
        else if (WHITESPACE.has(ch)) {
            i++;
            if (inWord) {
                words.push(word);
                word = '';
                inWord = false;
            }
        }
        else {
            word += ch;
            inWord = true;
            i++;
        }
    }
    if (inWord)
        words.push(word);
    return words;
}
function v1WackedToRaw(value) {
    let raw = '';
    for (let i = 0; i < value.length; i++) {
        const ch = value[i];
        if (ch === '"')
            throw new QuotingError(`Found illegal unescaped double-quote: ${value.slice(i)}`);
        if (ch === '\\' && value[i + 1] === '"') {
            raw += '"';
            i++;
        }
        else {
            raw += ch;
        }
    }
    return raw;
}
function splitOnWhitespace(text) {
    return text.split(/[ \t\n\r]+/).filter((word) => word !== '');
}
/** Parses an `arguments` value and reports which syntax it used. Throws QuotingError. */
export function parseArgumentList(value) {
    if (isV2Quoted(value))
        return { args: splitV2Raw(v2QuotedToRaw(value)), syntax: 'v2' };
    return { args: splitOnWhitespace(v1WackedToRaw(value)), syntax: 'v1' };
}
export function parseArguments(value, line, file) {
    try {
        return parseArgumentList(value).args;
    }
    catch (err) {
        if (err instanceof QuotingError)
            throw new SubmitError(file, line, `failed to parse arguments: ${err.message}`);
        throw err;
    }
}
/** HTCondor's append_arg: quote whitespace and single quotes, merging adjacent quoted runs. */
function appendV2Word(word, result) {
    let out = result.length > 0 ? `${result} ` : result;
    if (word === '')
        return `${out}''`;
    for (const ch of word) {
        if (WHITESPACE.has(ch) || ch === "'") {
            out = out.endsWith("'") ? out.slice(0, -1) : `${out}'`;
            if (ch === "'")
                out += "'";
            out += `${ch}'`;
        }
        else {
            out += ch;
        }
    }
    return out;
}
/** Joins words into V2 raw form, exactly as HTCondor's join_args does. */
export function joinV2Raw(words) {
    return words.reduce((result, word) => appendV2Word(word, result), '');
}
/** Joins words into V1 raw form; V1 input never has words containing whitespace. */
export function joinV1Raw(words) {
    return words.join(' ');
}
//# sourceMappingURL=arguments.js.map