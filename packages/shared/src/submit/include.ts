// `include [ifexist] [command] : file-or-command [|]` in submit and configuration files (config.cpp's
// parse_include_options, fixup_pipe_source and Open_macro_source).
import { posix } from 'node:path';
import { parseArgumentList } from './arguments.js';

/** HTCondor's CONFIG_MAX_NESTING_DEPTH. */
export const MAX_INCLUDE_DEPTH = 20;

export interface IncludeSources {
  readFile(path: string): string;
  /** The command's argv; its standard output and exit code. Throws when it cannot start. */
  runCommand(argv: string[]): { stdout: string; exitCode: number };
}

/**
 * The text an include line reads and the name it is known by (`cmd |` for a command), or undefined for an
 * `ifexist` file that is not there. `target` is already macro-expanded; a relative file is taken from `dir`.
 * `fail` makes the caller's error of HTCondor's reason.
 */
export function includedText(
  optionWords: string,
  target: string,
  dir: string,
  sources: IncludeSources,
  depth: number,
  fail: (message: string) => Error,
): { text: string; name: string } | undefined {
  const words = optionWords.trim() === '' ? [] : optionWords.trim().toLowerCase().split(/\s+/);
  let ifExists = false;
  if (words[0] === 'ifexist' || words[0] === 'ifexists') {
    ifExists = true;
    words.shift();
  }
  let isCommand = false;
  if (words[0] === 'command' || words[0] === 'output') {
    isCommand = true;
    words.shift();
  }
  if (words[0] === 'into') throw fail("include ... into : is not supported by tinycondor (it caches a command's output in a file); use include command : instead");
  if (words.length > 0) throw fail(`unexpected keyword(s) '${optionWords.trim()}' after include`);
  const expanded = target.trim();
  if (expanded.endsWith('|')) isCommand = true;
  const name = isCommand ? expanded.replace(/[|\s]+$/, '') : expanded;
  const nested = (problem: string) => fail(`Include Depth ${depth + 1}: ${name}: ${problem}`);
  if (depth + 1 >= MAX_INCLUDE_DEPTH) throw nested('includes nested too deep');
  if (!isCommand) {
    try {
      return { text: sources.readFile(posix.resolve(dir, name)), name };
    } catch (err) {
      if (ifExists) return undefined;
      throw nested(`can't open file ${name}: ${(err as Error).message}`);
    }
  }
  // AppendArgsV1RawOrV2Quoted: V2 when the whole line is double-quoted, else split on white space.
  let argv: string[];
  try {
    argv = name.startsWith('"') ? parseArgumentList(name).args : name.split(/\s+/).filter((word) => word !== '');
  } catch (err) {
    throw nested(`Can't append args, ${(err as Error).message}`);
  }
  if (argv.length === 0) throw nested('not a valid command, | must be at the end');
  let result: { stdout: string; exitCode: number };
  try {
    result = sources.runCommand(argv);
  } catch (err) {
    throw nested(`not a valid command, ${(err as Error).message}`);
  }
  if (result.exitCode !== 0) throw nested(`command terminated with exit code ${result.exitCode}`);
  return { text: result.stdout, name: `${name} |` };
}
