// Value checks for submit commands. Each returns the normalized value or throws
// RangeError with a message that the caller prefixes with the command's position.
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);
export function parseBoolean(value) {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word))
        return true;
    if (FALSE_WORDS.has(word))
        return false;
    throw new RangeError(`expected True or False, got "${value}"`);
}
export function isBooleanWord(value) {
    const word = value.trim().toLowerCase();
    return TRUE_WORDS.has(word) || FALSE_WORDS.has(word);
}
export function parseInteger(value) {
    const text = value.trim();
    if (!/^[+-]?\d+$/.test(text))
        throw new RangeError(`expected an integer, got "${value}"`);
    const number = Number(text);
    if (!Number.isSafeInteger(number))
        throw new RangeError(`integer "${value}" is out of range`);
    return number;
}
// Linux numbering, which is what the startd will deliver.
const SIGNALS = {
    SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
    SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
    SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22,
    SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
    SIGPWR: 30, SIGSYS: 31,
};
/** HTCondor's fixupKillSigName: a number or a name with or without SIG → "SIGNAME". */
export function normalizeSignal(value) {
    const text = value.trim();
    if (/^\d+$/.test(text)) {
        const name = Object.keys(SIGNALS).find((key) => SIGNALS[key] === Number(text));
        if (!name)
            throw new RangeError(`invalid signal ${text}`);
        return name;
    }
    const upper = text.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (SIGNALS[name] === undefined)
        throw new RangeError(`invalid signal ${text}`);
    return name;
}
export function signalNumber(name) {
    return SIGNALS[name.toUpperCase()];
}
/** A comma/whitespace separated file list, written the way HTCondor's StringList prints it. */
export function normalizeFileList(value) {
    return value
        .split(/[,\s]+/)
        .filter((item) => item !== '')
        .join(',');
}
/** `transfer_output_remaps`: optional outer double quotes; `name = newname` pairs separated by `;`. */
export function normalizeRemaps(value) {
    let text = value.trim();
    if (text.startsWith('"')) {
        if (text.length < 2 || !text.endsWith('"'))
            throw new RangeError(`unbalanced double quote in "${value}"`);
        text = text.slice(1, -1);
    }
    for (const pair of text.split(';')) {
        if (pair.trim() === '')
            continue;
        const sides = pair.split('=');
        if (sides.length !== 2 || sides[0].trim() === '' || sides[1].trim() === '') {
            throw new RangeError(`expected "name = newname" pairs separated by ";", got "${pair.trim()}"`);
        }
    }
    return text;
}
/** Upper-cases `value` when it is one of `allowed` (case-insensitive). */
export function oneOf(value, allowed) {
    const upper = value.trim().toUpperCase();
    if (!allowed.includes(upper)) {
        throw new RangeError(`expected one of ${allowed.join(', ')}, got "${value}"`);
    }
    return upper;
}
//# sourceMappingURL=values.js.map