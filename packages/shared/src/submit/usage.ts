// Which submit lines and queue variables were used, for condor_submit's warning about those that were not.
import { isHTCondorCommand } from './htcondor-commands.js';
import type { Definition } from './proc-input.js';

/** Set by DAGMan or templates and only sometimes used: never warned about (SubmitHash::warn_unused). */
const NEVER_WARNED = new Set(
  ['DAG_STATUS', 'FAILED_COUNT', 'JOB', 'RETRY', 'SubmitWarnEmptyMatches', 'SubmitFailEmptyMatches', 'SubmitWarnDuplicateMatches', 'SubmitFailEmptyFields', 'SubmitWarnEmptyFields'].map(
    (name) => name.toLowerCase(),
  ),
);

/**
 * The request_* commands condor_submit takes for mistakes and sets nothing for (SetRequestCpus, SetRequestGpus,
 * and the tags its prunable_keywords table disallows), with its warning; `%s` is the name as written.
 */
const MISTAKEN_REQUESTS: Readonly<Record<string, string>> = {
  request_cpu: '%s is not a valid submit keyword, did you mean request_cpus?',
  request_gpu: '%s is not a valid submit keyword, did you mean request_gpus?',
  request_gpu_memory: 'request_gpu_memory is not a submit command, did you mean gpus_minimum_memory?',
  request_gpus_memory: 'request_gpu_memory is not a submit command, did you mean gpus_minimum_memory?',
};

/**
 * Commands condor_submit reads only under a condition (SetRequestGpus reads these only for a job requesting
 * GPUs), or never: left unread, they get HTCondor's unused-line warning.
 */
const READ_CONDITIONALLY = new Set([
  'require_gpus',
  'gpus_minimum_capability',
  'gpus_maximum_capability',
  'gpus_minimum_memory',
  'gpus_minimum_runtime',
  // SetGridParams reads it for an ec2 grid job only.
  'wantnametag',
  // Named in submit_utils.h (SUBMIT_KEY_*) but looked up by no code: always unused.
  'memory_usage',
  'exit_requirements',
  'want_ads',
]);

/** Whether condor_submit makes no resource request of this request_* command (see MISTAKEN_REQUESTS). */
export function isMistakenRequest(lowerName: string): boolean {
  return lowerName in MISTAKEN_REQUESTS;
}

/** The names (lower-case) that were looked up, as commands or in macro expansion, while the procs were built. */
export class MacroUsage {
  private readonly used = new Set<string>();
  private definitions: ReadonlyMap<string, Definition> = new Map();
  private readonly queueVars: string[] = [];
  /** What condor_submit warns of as it builds the procs (push_warning), each once. */
  private readonly notes = new Set<string>();

  mark(lowerName: string): void {
    this.used.add(lowerName);
  }

  /** condor_submit warns of this (without "WARNING: "), once. */
  note(warning: string): void {
    this.notes.add(warning);
  }

  /** The warnings noted while the procs were built. */
  noted(): string[] {
    return [...this.notes];
  }

  /** The definitions as they stand after the last statement. */
  setDefinitions(definitions: ReadonlyMap<string, Definition>): void {
    this.definitions = definitions;
  }

  addQueueVars(names: readonly string[]): void {
    this.queueVars.push(...names);
  }

  /** The lines nothing looked up, in key order, less those no one warns about (`+Attr`, `MY.Attr`, dotted names, DAGMan's). */
  private unusedLines(): Definition[] {
    return [...this.definitions.keys()]
      .sort()
      .filter((key) => !key.includes('.') && !NEVER_WARNED.has(key) && !this.used.has(key))
      .map((key) => this.definitions.get(key) as Definition)
      .filter((definition) => !definition.custom);
  }

  /**
   * The lines that set a command HTCondor acts on and tinycondor does not (nothing looked it up), without
   * "WARNING: ". Said whatever -unused says: such a command must not be accepted and ignored in silence.
   */
  unimplemented(): string[] {
    return this.unusedLines()
      .filter((definition) => isHTCondorCommand(definition.name.toLowerCase()) && !READ_CONDITIONALLY.has(definition.name.toLowerCase()))
      .map((definition) => {
        const mistake = MISTAKEN_REQUESTS[definition.name.toLowerCase()];
        if (mistake !== undefined) return mistake.replace('%s', definition.name);
        return `${definition.name} is not implemented by tinycondor: the line '${definition.name} = ${definition.value}' has no effect, where HTCondor acts on it`;
      });
  }

  /** condor_submit's unused-line warnings (other than unimplemented()'s), without their "WARNING: " prefix. */
  warnings(): string[] {
    const lines = this.unusedLines()
      .filter((definition) => !isHTCondorCommand(definition.name.toLowerCase()) || READ_CONDITIONALLY.has(definition.name.toLowerCase()))
      .map((definition) => `the line '${definition.name} = ${definition.value}' was unused by condor_submit. Is it a typo?`);
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
