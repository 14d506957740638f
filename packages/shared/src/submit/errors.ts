/** A problem in a submit description, located at the line that caused it. */
export class SubmitError extends Error {
  readonly file: string;
  readonly line: number;
  /** The problem without its location. */
  readonly problem: string;
  /** True when `problem` is condor_submit's own text, which condor_submit prints without a location. */
  readonly condorWords: boolean;

  constructor(file: string, line: number, problem: string, condorWords = false) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'SubmitError';
    this.file = file;
    this.line = line;
    this.problem = problem;
    this.condorWords = condorWords;
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

/** A refusal in condor_submit's words (scripts match them), still located for callers that want the line. */
export function condorSubmitError(pos: SourcePos, words: string): SubmitError {
  return new SubmitError(pos.file, pos.line, words, true);
}
