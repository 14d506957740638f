// Submit description text → statements (syntax only; values stay unexpanded). `include` lines are
// read in place and if/elif/else/endif choose the lines read, as HTCondor's Parse_macros does.
import type { EvalContext } from '../classad/index.js';
import { applyConditionalLine, conditionalLine, evaluateCondition, IfStack, type ConditionalLine } from './conditionals.js';
import { condorSubmitError, submitError, type SourcePos } from './errors.js';
import { MacroExpander, substituteSelfReference } from './macros.js';
import { includedText } from './include.js';
import { isQueueLine, opensMultiLineList, parseQueueStatement, type QueueStatement } from './queue.js';

export type Statement =
  | { kind: 'assign'; name: string; value: string; pos: SourcePos }
  | { kind: 'queue'; queue: QueueStatement; pos: SourcePos };

export interface ParsedSubmit {
  statements: Statement[];
}

/** What `include` and `if` need besides the text. */
export interface ParseSources {
  /** Relative include paths are taken from here, as condor_submit opens them from its directory. */
  submitDir: string;
  env: Record<string, string | undefined>;
  readFile(path: string): string;
  /** `include command : …`: the command's argv; its standard output and exit code. */
  runCommand(argv: string[]): { stdout: string; exitCode: number };
  /** What the ClassAd evaluations of the macro functions in `if` and `include` lines are given. */
  evalContext?: EvalContext;
  /** A `warning :` line's message, as condor_submit prints it. */
  warn?(message: string): void;
}

const COMMAND_NAME = /^\+?[A-Za-z_][A-Za-z0-9_.]*$/;

/** The definitions so far (raw values by lower-case name), for the macros in `if` and `include` lines. */
type SeenMacros = Map<string, string>;

/** Reads statements from text; `file` names it in error messages. */
export function parseStatements(text: string, file: string, sources?: ParseSources, seen: SeenMacros = new Map(), depth = 0): Statement[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const statements: Statement[] = [];
  const ifs = new IfStack();
  let index = 0;
  let lastPos: SourcePos = { file, line: 1 };
  while (index < lines.length) {
    const pos: SourcePos = { file, line: index + 1 };
    let logical = lines[index]!.trim();
    index++;
    if (logical === '' || logical.startsWith('#')) continue;
    lastPos = pos;
    while (logical.endsWith('\\') && index < lines.length) {
      logical = logical.slice(0, -1) + lines[index]!.trim();
      index++;
    }
    if (logical.endsWith('\\')) logical = logical.slice(0, -1).trimEnd();

    const conditional = conditionalLine(logical);
    if (conditional) {
      applyConditional(ifs, conditional, pos, seen, sources);
      continue;
    }
    if (!ifs.enabled()) continue;

    // Parse_macros' `error :` and `warning :` lines: the message, macro-expanded; an error ends the read.
    const message = /^@?(error|warning)(\s+[^:=]*)?:(.*)$/i.exec(logical);
    if (message) {
      const text = expanderOf(seen, sources).expand(message[3]!.trim(), pos);
      if (message[1]!.toLowerCase() === 'error') throw condorSubmitError(pos, `Error "${file}", Line ${pos.line}: ${text}`);
      sources?.warn?.(`Warning "${file}", Line ${pos.line}: ${text}`);
      continue;
    }

    const include = /^@?include(\s+[^:=]*)?:(.*)$/i.exec(logical);
    if (include) {
      statements.push(...readInclude((include[1] ?? '').trim(), include[2]!.trim(), pos, sources, seen, depth));
      continue;
    }

    if (isQueueLine(logical)) {
      let continuation: string[] | null = null;
      if (opensMultiLineList(logical)) {
        continuation = [];
        while (index < lines.length && !lines[index]!.trim().startsWith(')')) {
          continuation.push(lines[index]!);
          index++;
        }
        if (index >= lines.length) throw submitError(pos, 'queue statement has "(" without a closing ")" line');
        index++;
      }
      statements.push({ kind: 'queue', queue: parseQueueStatement(logical, continuation, pos), pos });
      continue;
    }

    const multiLine = /^([^=\s]+)\s*@=\s*(\S+)\s*$/.exec(logical);
    if (multiLine) {
      const terminator = `@${multiLine[2]}`;
      const body: string[] = [];
      while (index < lines.length && lines[index]!.trim() !== terminator) {
        body.push(lines[index]!);
        index++;
      }
      if (index >= lines.length) throw submitError(pos, `multi-line value has no closing "${terminator}" line`);
      index++;
      statements.push(assignment(checkName(multiLine[1]!, pos), body.join('\n'), pos, seen));
      continue;
    }

    const eq = logical.indexOf('=');
    if (eq < 0) {
      throw submitError(pos, `syntax error: expected "name = value" or a queue statement, got "${logical}"`);
    }
    const name = checkName(logical.slice(0, eq).trim(), pos);
    statements.push(assignment(name, logical.slice(eq + 1).trim(), pos, seen));
  }
  if (ifs.depth > 0) throw submitError(lastPos, 'endif(s) not found before end-of-file');
  return statements;
}

function assignment(name: string, value: string, pos: SourcePos, seen: SeenMacros): Statement {
  const key = name.startsWith('+') ? `my.${name.slice(1).toLowerCase()}` : name.toLowerCase();
  seen.set(key, substituteSelfReference(key, value, seen.get(key)));
  return { kind: 'assign', name, value, pos };
}

function expanderOf(seen: SeenMacros, sources: ParseSources | undefined): MacroExpander {
  return new MacroExpander({ lookup: (name) => seen.get(name), env: sources?.env ?? {}, cwd: sources?.submitDir ?? '/', evalContext: sources?.evalContext });
}

function applyConditional(ifs: IfStack, line: ConditionalLine, pos: SourcePos, seen: SeenMacros, sources: ParseSources | undefined): void {
  applyConditionalLine(
    ifs,
    line,
    (text) => expanderOf(seen, sources).expand(text, pos),
    (text, wasExpanded) => evaluateCondition(text, wasExpanded, (name) => (seen.get(name.toLowerCase()) ?? '') !== ''),
    (message) => submitError(pos, message),
  );
}

/** An include line: the statements of what it reads, in place. */
function readInclude(options: string, target: string, pos: SourcePos, sources: ParseSources | undefined, seen: SeenMacros, depth: number): Statement[] {
  if (!sources) throw submitError(pos, 'include statement is not allowed in this context');
  const included = includedText(options, expanderOf(seen, sources).expand(target, pos), sources.submitDir, sources, depth, (message) => submitError(pos, message));
  return included === undefined ? [] : parseStatements(included.text, included.name, sources, seen, depth + 1);
}

function checkName(name: string, pos: SourcePos): string {
  if (!COMMAND_NAME.test(name)) throw submitError(pos, `invalid command or macro name "${name}"`);
  return name;
}

/** What condor_submit's command line adds to the file. */
export interface CommandLineAdditions {
  /** -append lines: inserted just before the first queue statement. */
  appendLines?: readonly string[];
  /** `name=value` arguments: defined before the file is read, so the file may use and redefine them. */
  variables?: readonly (readonly [string, string])[];
  /** -queue: the queue statement's text (after `queue`), for a file that has none. */
  queueArgument?: string;
}

/** Parses a whole submit description with what the command line adds. */
export function parseSubmitText(text: string, file: string, additions: CommandLineAdditions = {}, sources?: ParseSources): ParsedSubmit {
  const seen: SeenMacros = new Map();
  const statements: Statement[] = (additions.variables ?? []).map(([name, value], index) =>
    assignment(checkName(name, { file: 'command line', line: index + 1 }), value, { file: 'command line', line: index + 1 }, seen),
  );
  statements.push(...parseStatements(text, file, sources, seen));
  const appendLines = additions.appendLines ?? [];
  if (appendLines.length > 0) {
    const appended = parseStatements(appendLines.join('\n'), '-append', sources, seen);
    const firstQueue = statements.findIndex((statement) => statement.kind === 'queue');
    statements.splice(firstQueue < 0 ? statements.length : firstQueue, 0, ...appended);
  }
  if (additions.queueArgument !== undefined) {
    const fileQueue = statements.find((statement) => statement.kind === 'queue');
    if (fileQueue) throw condorSubmitError(fileQueue.pos, '-queue argument conflicts with queue statement in submit file');
    const pos = { file: '-queue', line: 1 };
    statements.push({ kind: 'queue', queue: parseQueueStatement(`queue ${additions.queueArgument}`, null, pos), pos });
  }
  if (!statements.some((statement) => statement.kind === 'queue')) {
    const lastLine = Math.max(1, text.replace(/\n$/, '').split('\n').length);
    throw submitError({ file, line: lastLine }, 'no queue statement: nothing would be submitted');
  }
  return { statements };
}
