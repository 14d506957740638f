// Which submit lines and queue variables were used, for condor_submit's warning about those that were not.
import type { Definition } from './proc-input.js';

/** Set by DAGMan or templates and only sometimes used: never warned about (SubmitHash::warn_unused). */
const NEVER_WARNED = new Set(
  ['DAG_STATUS', 'FAILED_COUNT', 'JOB', 'RETRY', 'SubmitWarnEmptyMatches', 'SubmitFailEmptyMatches', 'SubmitWarnDuplicateMatches', 'SubmitFailEmptyFields', 'SubmitWarnEmptyFields'].map(
    (name) => name.toLowerCase(),
  ),
);

/** The names (lower-case) that were looked up, as commands or in macro expansion, while the procs were built. */
export class MacroUsage {
  private readonly used = new Set<string>();
  private definitions: ReadonlyMap<string, Definition> = new Map();
  private readonly queueVars: string[] = [];

  mark(lowerName: string): void {
    this.used.add(lowerName);
  }

  /** The definitions as they stand after the last statement. */
  setDefinitions(definitions: ReadonlyMap<string, Definition>): void {
    this.definitions = definitions;
  }

  addQueueVars(names: readonly string[]): void {
    this.queueVars.push(...names);
  }

  /**
   * condor_submit's warnings, without their "WARNING: " prefix. `+Attr`, `MY.Attr` and other dotted
   * names are not warned about: they go into the ad or belong to someone else.
   */
  warnings(): string[] {
    const lines: string[] = [];
    const keys = [...this.definitions.keys()].sort();
    for (const key of keys) {
      const definition = this.definitions.get(key) as Definition;
      if (definition.custom || key.includes('.') || NEVER_WARNED.has(key) || this.used.has(key)) continue;
      lines.push(`the line '${definition.name} = ${definition.value}' was unused by condor_submit. Is it a typo?`);
    }
    const seen = new Set<string>();
    for (const name of this.queueVars) {
      const key = name.toLowerCase();
      if (seen.has(key) || this.used.has(key)) continue;
      seen.add(key);
      lines.push(`the Queue variable '${name}' was unused by condor_submit. Is it a typo?`);
    }
    return lines;
  }
}
