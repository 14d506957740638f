/** A problem in a submit description, located at the line that caused it. */
export class SubmitError extends Error {
    file;
    line;
    constructor(file, line, problem) {
        super(`${file}:${line}: ${problem}`);
        this.name = 'SubmitError';
        this.file = file;
        this.line = line;
    }
}
export function submitError(pos, problem) {
    return new SubmitError(pos.file, pos.line, problem);
}
//# sourceMappingURL=errors.js.map