// A proc's view of the submit description: its commands and custom attributes, macro-expanded.
import type { SubmitContext } from './context.js';
import type { SourcePos } from './errors.js';
import type { CommandValue, CustomAttribute, ProcInput } from './jobad.js';
import { MacroExpander } from './macros.js';
import type { MacroUsage } from './usage.js';

export interface Definition {
  /** As written, minus a leading `+` / `MY.` for custom attributes. */
  name: string;
  value: string;
  pos: SourcePos;
  custom: boolean;
}

/** What a queue statement's procs share: the definitions before it, and the macros that differ per proc. */
export interface QueueScope {
  /** By key: the lower-case name, `my.<name>` for custom attributes. */
  definitions: ReadonlyMap<string, Definition>;
  /** $(Process), $(Step), the loop variables…: lower-case. */
  perProcNames: ReadonlySet<string>;
  /** The queue statement's loop variables (lower-case): one named like a command is that command for its proc. */
  loopVars: ReadonlySet<string>;
  queuePos: SourcePos;
  clusterId: number;
  qdate: number;
  ctx: SubmitContext;
  /** Told each name looked up, when the caller wants condor_submit's unused-line warnings. */
  usage?: MacroUsage;
}

/** A proc's macro values by lower-case name. */
export interface MacroValues {
  get(name: string): string | undefined;
}

/** The macros every proc sets, besides the queue statement's loop variables. */
export const PROC_MACROS = ['process', 'procid', 'jobid', 'step', 'itemindex', 'row'] as const;

/**
 * HTCondor's SubmitMacroDefaults that are neither per proc nor per submission (lower-case): a definition in
 * the file overrides them, and they are never warned about as unused.
 */
const SUBMIT_DEFAULT_MACROS: ReadonlyMap<string, string> = new Map([
  ['islinux', process.platform === 'linux' ? '1' : '0'],
  ['iswindows', process.platform === 'win32' ? '1' : '0'],
]);

/** A macro's raw value from the file's definitions, else from HTCondor's submit defaults. */
export function definedValue(definitions: ReadonlyMap<string, Definition>, name: string): string | undefined {
  return definitions.get(name)?.value ?? SUBMIT_DEFAULT_MACROS.get(name);
}

/** Expanded values by definition key: those it has are not expanded again; it is told each value expanded. */
export interface ExpandedValues {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/**
 * The builder's input for one proc, expanding each value as the builder asks for it (custom attributes
 * at once, unless `withCustom` is false: then the builder must not read them).
 */
export function procInput(
  scope: QueueScope,
  live: MacroValues,
  procId: number,
  expanded?: ExpandedValues,
  withCustom = true,
): ProcInput {
  const { definitions, ctx, usage } = scope;
  const lookup = (name: string) => live.get(name) ?? definedValue(definitions, name);
  const expander = new MacroExpander({
    lookup: usage
      ? (name) => {
          usage.mark(name);
          return lookup(name);
        }
      : lookup,
    env: ctx.env,
    cwd: ctx.submitDir,
    evalContext: ctx.evalContext,
  });
  const valueOf = (key: string, definition: Definition): string => {
    let value = expanded?.get(key);
    if (value === undefined) {
      value = expander.expand(definition.value, definition.pos).trim();
      expanded?.set(key, value);
    }
    return value;
  };
  const command = (names: readonly string[]): CommandValue | undefined => {
    for (const name of names) {
      // As HTCondor's live submit variables: the loop variable wins over a definition of the same name.
      const item = scope.loopVars.has(name) ? live.get(name) : undefined;
      if (item !== undefined) {
        usage?.mark(name);
        return { value: expander.expand(item, scope.queuePos).trim(), pos: scope.queuePos };
      }
      const definition = definitions.get(name);
      if (definition && !definition.custom) {
        usage?.mark(name);
        return { value: valueOf(name, definition), pos: definition.pos };
      }
    }
    return undefined;
  };
  const commandNames = (prefix: string): string[] => {
    const names = new Map<string, string>();
    for (const [key, definition] of definitions) if (!definition.custom && key.startsWith(prefix)) names.set(key, definition.name);
    // A loop variable is known by its lower-case name only.
    for (const name of scope.loopVars) if (name.startsWith(prefix) && !names.has(name)) names.set(name, name);
    return [...names.values()];
  };
  const customAttributes: CustomAttribute[] = [];
  if (withCustom) {
    for (const [key, definition] of definitions) {
      if (definition.custom) customAttributes.push({ key, name: definition.name, value: valueOf(key, definition), pos: definition.pos });
    }
  }
  const warn = usage ? (warning: string) => usage.note(warning) : undefined;
  return { command, commandNames, customAttributes, clusterId: scope.clusterId, procId, qdate: scope.qdate, queuePos: scope.queuePos, ctx, ...(warn ? { warn } : {}) };
}
