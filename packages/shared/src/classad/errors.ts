/** A ClassAd text could not be parsed; `position` is the 0-based offset of the offending token. */
export class ClassAdParseError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'ClassAdParseError';
    this.position = position;
  }
}
