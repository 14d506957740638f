// What parsing a user log yields, shared by the text and XML readers.

export type AdValue = string | number | boolean | null | AdValue[] | { [name: string]: AdValue };

export interface ParsedEvent {
  code: number;
  cluster: number;
  proc: number;
  subproc: number;
  time: Date;
  /**
   * Text form: the body, starting with the rest of the header line
   * ("Job submitted from host: …"), tabs kept, without the "..." line.
   * XML form: one "Attr = value" line per attribute of the record.
   */
  lines: string[];
  /** The event exactly as it appears in the log. */
  text: string;
  /** XML form only: the record's attributes. */
  attributes?: Record<string, AdValue>;
}

export interface ParseOptions {
  /** Year for legacy "MM/DD" dates, which carry none (HTCondor uses the current year). */
  legacyYear?: number;
}

export interface ParsedLog { events: ParsedEvent[]; incompleteTail: string }

export class EventLogParseError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`event log line ${line}: ${message}`);
    this.name = 'EventLogParseError';
    this.line = line;
  }
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
