/** A problem in a submit description, located at the line that caused it. */
export class SubmitError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'SubmitError';
    this.file = file;
    this.line = line;
  }
}

/** Where a statement came from, for error messages. */
export interface SourcePos {
  file: string;
  line: number;
}

export function submitError(pos: SourcePos, problem: string): SubmitError {
  return new SubmitError(pos.file, pos.line, problem);
}
