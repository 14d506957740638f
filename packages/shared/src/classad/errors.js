/** A ClassAd text could not be parsed; `position` is the 0-based offset of the offending token. */
export class ClassAdParseError extends Error {
    position;
    constructor(message, position) {
        super(message);
        this.name = 'ClassAdParseError';
        this.position = position;
    }
}
//# sourceMappingURL=errors.js.map