// EXTENDED_SUBMIT_COMMANDS: submit commands an administrator adds (HTCondor's schedd sends them to
// condor_submit, SubmitHash::SetExtendedJobExprs applies them). Each is `name = example`; the example's type
// says how a submit file's value is stored in the job attribute of that name.
import { ClassAd, parseExpr, type Expr } from '../classad/index.js';

export type ExtendedCommandKind = 'ignore' | 'error' | 'bool' | 'int' | 'uint' | 'string' | 'list' | 'file' | 'expr';

export interface ExtendedSubmitCommand {
  /** The command, and the job attribute it sets. */
  name: string;
  kind: ExtendedCommandKind;
}

function kindOf(expr: Expr): ExtendedCommandKind {
  if (expr.kind !== 'literal') return 'expr';
  const value = expr.value;
  switch (value.type) {
    case 'undefined':
      // So that a later configuration can take back an earlier one's command.
      return 'ignore';
    case 'error':
      return 'error';
    case 'bool':
      return 'bool';
    case 'int':
      return value.value < 0 ? 'int' : 'uint';
    case 'string':
      return value.value.includes(',') ? 'list' : /^file/i.test(value.value) ? 'file' : 'string';
    default:
      return 'expr';
  }
}

/** The commands of an EXTENDED_SUBMIT_COMMANDS value: `name = example` lines, or one `[ … ]` ClassAd. */
export function parseExtendedSubmitCommands(text: string): Map<string, ExtendedSubmitCommand> {
  const commands = new Map<string, ExtendedSubmitCommand>();
  const trimmed = text.trim();
  if (trimmed === '') return commands;
  let entries: [string, Expr][];
  if (trimmed.startsWith('[')) {
    const record = parseExpr(trimmed);
    if (record.kind !== 'record') throw new RangeError('EXTENDED_SUBMIT_COMMANDS is not a ClassAd');
    entries = record.entries.map((entry) => [entry.name, entry.expr]);
  } else {
    const ad = ClassAd.parseText(trimmed);
    entries = ad.names().map((name) => [name, ad.get(name)!]);
  }
  for (const [name, expr] of entries) commands.set(name.toLowerCase(), { name, kind: kindOf(expr) });
  return commands;
}
