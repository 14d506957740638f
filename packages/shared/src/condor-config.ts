/**
 * HTCondor's configuration language, as config.cpp's Parse_macros and Parse_config_string read it:
 * `NAME = value` (also `NAME : value`, `NAME += value`, `NAME @=tag` … `@tag`), `#` comments, `\`
 * continuation, `use CATEGORY : name(args), …` templates, `include [ifexist] [command] : file-or-command`,
 * `if`/`elif`/`else`/`endif`, `warning :` and `error :`. Values keep their `$(NAME)` references until they
 * are looked up (a reference to the name being defined is expanded at once). Names are case-insensitive.
 */
import { boolOf, ClassAd, parseExpr, type Expr } from './classad/index.js';
import { METAKNOBS } from './config-metaknobs.js';
import { includedText, MAX_INCLUDE_DEPTH } from './submit/include.js';
import { applyConditionalLine, conditionalLine, evaluateCondition, IfStack, type ConditionalLine } from './submit/conditionals.js';
import { SubmitError } from './submit/errors.js';
import { MacroExpander, substituteSelfReference } from './submit/macros.js';

export class ConfigParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ConfigParseError';
  }
}

export interface ConfigEntry {
  /** The name in the case it was first written. */
  name: string;
  /** The raw value: `$(OTHER)` references stay until the value is looked up. */
  value: string;
  /** Where it was last set: `FILE, line N`, with `use CATEGORY:name` when a template set it. */
  source: string;
}

export type CondorConfig = Map<string, ConfigEntry>;

/** What `include` and `$ENV()` need; without it, `include` is refused. */
export interface ConfigSources {
  readFile(path: string): string;
  /** `include command : …`: the command's argv; its standard output and exit code. */
  runCommand(argv: string[]): { stdout: string; exitCode: number };
  env: Record<string, string | undefined>;
  /** Relative include paths are opened from here, as HTCondor's daemons open them from their working directory. */
  cwd: string;
}

export interface ConfigReadOptions {
  sources?: ConfigSources;
  /** `warning :` lines, in HTCondor's words (config_val prints them on stderr). */
  warn?: (message: string) => void;
}

const VALID_NAME = /^[A-Za-z0-9_.]+$/;

/** Parses configuration text into `config` (a new one by default): a later line overrides an earlier one. */
export function parseCondorConfig(text: string, file: string, config: CondorConfig = new Map(), options: ConfigReadOptions = {}): CondorConfig {
  new ConfigReader(config, options).read(text, { file, depth: 0, template: undefined });
  return config;
}

/** The value of NAME with its `$(OTHER)` references and macro functions expanded; undefined when NAME is not set. */
export function configValue(config: CondorConfig, name: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const entry = config.get(name.toUpperCase());
  if (entry === undefined) return undefined;
  return expandConfigText(config, entry.value, env, `while expanding ${name}`);
}

/** Text with the configuration's macros expanded (an undefined one is empty, as in HTCondor). */
export function expandConfigText(config: CondorConfig, text: string, env: Record<string, string | undefined>, what: string): string {
  const expander = new MacroExpander({ lookup: (lower) => config.get(lower.toUpperCase())?.value, env });
  try {
    return expander.expand(text, { file: 'configuration', line: 0 });
  } catch (err) {
    if (err instanceof SubmitError) throw new Error(`config macro expansion failed ${what}: ${err.message.replace(/^configuration:0: /, '')}`);
    throw err;
  }
}

/**
 * A knob's value as param_boolean reads it (string_is_boolean_param): true, false, 1 or 0 (case aside), else an
 * expression that evaluates to a boolean or a number; undefined when it is none of these (HTCondor's "is not
 * a valid boolean").
 */
export function configBoolean(text: string): boolean | undefined {
  const word = /^(true|1|false|0)\s*$/i.exec(text);
  if (word) return /^(true|1)$/i.test(word[1]!);
  let expr: Expr;
  try {
    expr = parseExpr(text);
  } catch {
    return undefined;
  }
  return boolOf(new ClassAd().evaluateExpr(expr));
}

/**
 * param_boolean: a knob's value (`text`, undefined when unset) as a boolean, `fallback` when unset or empty;
 * one that is no boolean gives `fallback`, and HTCondor's words for it in `problems`.
 */
export function paramBoolean(text: string | undefined, name: string, fallback: boolean, problems: string[]): boolean {
  if (text === undefined || text.trim() === '') return fallback;
  const value = configBoolean(text.trim());
  if (value === undefined) {
    problems.push(`${name} in the condor configuration  is not a valid boolean ("${text}").  Please set it to True or False (default is ${fallback ? 'True' : 'False'})`);
  }
  return value ?? fallback;
}

/** The text of `use CATEGORY : name`, or undefined when there is no such template. */
export function configTemplate(category: string, name: string): { category: string; name: string; text: string } | undefined {
  const table = METAKNOBS[category.toUpperCase()];
  if (!table) return undefined;
  const key = Object.keys(table).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : { category: category.toUpperCase(), name: key, text: table[key]! };
}

/** The names a template category offers, or undefined for an unknown category. */
export function configTemplateNames(category: string): string[] | undefined {
  const table = METAKNOBS[category.toUpperCase()];
  return table ? Object.keys(table) : undefined;
}

/**
 * `$(0)`, `$(1)`, `$(2?)`, `$(3+)`, `$(0#)`, `$(1:default)` in a template, against its comma-separated arguments
 * (expand_meta_args): a default may hold other macros (`$(2:$(NUM_CPUS))`, its parentheses balanced, as
 * next_config_macro reads them), and the text is read again until no argument macro is left.
 */
export function expandTemplateArguments(text: string, args: string): string {
  const items = args === '' ? [] : args.split(',');
  let result = text;
  for (;;) {
    const found = nextArgumentMacro(result);
    if (found === undefined) return result;
    const { start, end, index, suffix, fallback } = found;
    let value: string;
    if (index <= 0) value = suffix === '#' || suffix === '+' ? String(items.filter((item) => item.trim() !== '').length) : args;
    else if (suffix === '+' || suffix === '#') value = items.slice(index - 1).join(',');
    else value = items[index - 1] ?? '';
    if (value.trim() === '' && fallback !== undefined) value = fallback;
    value = value.trim();
    result = result.slice(0, start) + (suffix === '?' ? (value === '' ? '0' : '1') : value) + result.slice(end);
  }
}

/** The first `$(<digits>[?#+][:default])` of the text, its default's parentheses balanced. */
function nextArgumentMacro(text: string): { start: number; end: number; index: number; suffix: string; fallback?: string } | undefined {
  const head = /\$\((\d+)([?#+]?)(:|\))/g;
  for (let match = head.exec(text); match !== null; match = head.exec(text)) {
    const [whole, digits, suffix, after] = match;
    if (after === ')') return { start: match.index, end: match.index + whole.length, index: Number(digits), suffix };
    let depth = 1;
    let i = match.index + whole.length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    if (depth === 0) return { start: match.index, end: i, index: Number(digits), suffix, fallback: text.slice(match.index + whole.length, i - 1) };
  }
  return undefined;
}

/** `name(args), name2` after `use CATEGORY :` (MetaKnobAndArgs::init_from_string). */
export function templateUses(rhs: string): { name: string; args: string }[] {
  const uses: { name: string; args: string }[] = [];
  let i = 0;
  for (;;) {
    while (i < rhs.length && (/\s/.test(rhs[i]!) || rhs[i] === ',')) i++;
    const start = i;
    while (i < rhs.length && !/[\s,(]/.test(rhs[i]!)) i++;
    if (i === start) return uses;
    const name = rhs.slice(start, i);
    while (i < rhs.length && /\s/.test(rhs[i]!)) i++;
    let args = '';
    if (rhs[i] === '(') {
      let depth = 0;
      let close = -1;
      for (let j = i; j < rhs.length; j++) {
        if (rhs[j] === '(' || rhs[j] === '[') depth++;
        else if (rhs[j] === ')' || rhs[j] === ']') depth--;
        if (depth === 0) {
          close = j;
          break;
        }
      }
      if (close < 0) close = rhs.length;
      args = rhs.slice(i + 1, close);
      i = close + 1;
    }
    uses.push({ name, args });
  }
}

interface Place {
  file: string;
  depth: number;
  /** `CATEGORY:name` when reading a template's text. */
  template: string | undefined;
  /** The line of the file's `use` statement, for a template. */
  useLine?: number;
}

/** One reading of configuration text and what it includes, into one map. */
class ConfigReader {
  constructor(
    private readonly config: CondorConfig,
    private readonly options: ConfigReadOptions,
  ) {}

  read(text: string, place: Place): void {
    const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
    const ifs = new IfStack();
    let here: { name: string; tag: string; body: string[]; line: number } | undefined;
    let lastLine = 1;
    for (let index = 0; index < lines.length; ) {
      const lineNumber = index + 1;
      let line = lines[index++]!.trim();
      if (here) {
        if (line === `@${here.tag}`) {
          this.assign(here.name, here.body.join('\n'), place, here.line);
          here = undefined;
        } else if (line !== '' && !line.startsWith('#')) here.body.push(line);
        continue;
      }
      if (line === '' || line.startsWith('#')) continue;
      if (place.template === undefined) {
        while (line.endsWith('\\') && index < lines.length) line = line.slice(0, -1) + lines[index++]!.trim();
        if (line.endsWith('\\')) line = line.slice(0, -1).trimEnd();
      }
      lastLine = lineNumber;
      // A ':' before an if body's line hid it from parsers older than 8.1.5; it is read here.
      if (line.startsWith(':') && (ifs.depth > 0 || /^:if(\s|$)/i.test(line))) line = line.slice(1);

      const conditional = conditionalLine(line);
      if (conditional) {
        this.conditional(ifs, conditional, place, lineNumber);
        continue;
      }
      if (!ifs.enabled()) continue;

      const statement = /^([^\s=:]+)\s*(.*)$/.exec(line)!;
      const word = statement[1]!;
      const rest = statement[2]!;
      const op = /^(@=|\+([,;|&*])?(\2)?=|=|:)\s*(.*)$/.exec(rest);
      if (op) {
        const keyword = op[1] === ':' ? word.replace(/^@/, '').toLowerCase() : '';
        if (keyword === 'use') throw this.error(place, lineNumber, `Error: use needs a keyword before : ${op[4]}`);
        if (keyword === 'include') {
          this.include('', op[4]!, place, lineNumber);
          continue;
        }
        if (keyword === 'error' || keyword === 'warning') {
          this.message(keyword, op[4]!, place, lineNumber);
          continue;
        }
        const name = place.template === undefined ? this.expand(word, place, lineNumber) : word;
        if (!VALID_NAME.test(name)) throw this.error(place, lineNumber, `Illegal Identifier: <${name}>`);
        if (op[1] === '@=') {
          here = { name, tag: op[4]!.trim(), body: [], line: lineNumber };
          continue;
        }
        let value = op[4]!;
        if (op[1]!.startsWith('+')) value = this.appended(name, value, op[2], op[3] !== undefined);
        this.assign(name, value, place, lineNumber);
        continue;
      }
      // Words between the keyword and its ':' (`use ROLE : Personal`, `include ifexist : f`, `error 5 : text`).
      const keywordForm = /^([^:=]*?)\s*:\s*(.*)$/.exec(rest);
      const keyword = word.replace(/^@/, '').toLowerCase();
      if (keywordForm && keyword === 'use') {
        this.use(keywordForm[1]!, keywordForm[2]!, place, lineNumber);
        continue;
      }
      if (keywordForm && keyword === 'include' && place.template === undefined) {
        this.include(keywordForm[1]!, keywordForm[2]!, place, lineNumber);
        continue;
      }
      if (keywordForm && (keyword === 'error' || keyword === 'warning')) {
        this.message(keyword, keywordForm[2]!, place, lineNumber);
        continue;
      }
      // A Win32 .ini section header, as HTCondor allows.
      if (line.startsWith('[') && place.template === undefined) continue;
      throw this.error(place, lineNumber, `expected NAME = value, got '${line.slice(0, 80)}'`);
    }
    if (here) throw this.error(place, here.line, `Found end-of-file while scanning for '@${here.tag}' in ${place.file}`);
    if (ifs.depth > 0) throw this.error(place, lastLine, 'endif(s) not found before end-of-file');
  }

  private assign(name: string, value: string, place: Place, line: number): void {
    const key = name.toUpperCase();
    const previous = this.config.get(key);
    this.config.set(key, {
      name,
      value: substituteSelfReference(key, value, previous?.value),
      source: place.template === undefined ? `${place.file}, line ${line}` : `${place.file}, line ${place.useLine} (use ${place.template})`,
    });
  }

  /** `NAME +<sep>= rhs` is `NAME = $(NAME)<sep>rhs` when NAME has a value. */
  private appended(name: string, rhs: string, separator: string | undefined, doubled: boolean): string {
    const current = this.config.get(name.toUpperCase())?.value ?? '';
    if (current === '') return rhs;
    if (separator === undefined) return `${current} ${rhs}`;
    return doubled ? `${current} ${separator}${separator} ${rhs}` : `${current}${separator}${rhs}`;
  }

  private conditional(ifs: IfStack, line: ConditionalLine, place: Place, lineNumber: number): void {
    applyConditionalLine(
      ifs,
      line,
      (text) => this.expand(text, place, lineNumber),
      (text, wasExpanded) =>
        evaluateCondition(text, wasExpanded, (name) => (this.config.get(name.toUpperCase())?.value ?? '') !== '', {
          templateDefined: (spec) => {
            const [category, name] = spec.split(':', 2) as [string, string | undefined];
            return name === undefined || name === '' ? configTemplateNames(category) !== undefined : configTemplate(category, name) !== undefined;
          },
        }),
      (message) => this.error(place, lineNumber, message),
    );
  }

  private use(categoryWord: string, rhs: string, place: Place, lineNumber: number): void {
    const category = categoryWord.trim();
    if (category === '') throw this.error(place, lineNumber, `Error: use needs a keyword before : ${rhs}`);
    if (configTemplateNames(category) === undefined) throw this.error(place, lineNumber, `Error: at use ${category}:${rhs}`);
    for (const use of templateUses(rhs)) {
      const template = configTemplate(category, use.name);
      if (!template) throw this.error(place, lineNumber, `Error: use ${category}: does not recognise ${use.name}`);
      if (place.depth + 1 >= MAX_INCLUDE_DEPTH) throw this.error(place, lineNumber, `Error: use ${category}: ${use.name} nesting too deep`);
      const text = expandTemplateArguments(template.text, use.args)
        .split('\n')
        .map((line) => line.trim())
        .join('\n');
      this.read(text, {
        file: place.file,
        depth: place.depth + 1,
        template: `${template.category}:${template.name}`,
        useLine: place.useLine ?? lineNumber,
      });
    }
  }

  /** An include line: what it reads, in place. */
  private include(optionWords: string, target: string, place: Place, lineNumber: number): void {
    const sources = this.options.sources;
    if (!sources) throw this.error(place, lineNumber, 'include statement is not allowed in this context');
    const fail = (message: string) => this.error(place, lineNumber, message);
    const included = includedText(optionWords, this.expand(target, place, lineNumber), sources.cwd, sources, place.depth, fail);
    if (included !== undefined) this.read(included.text, { file: included.name, depth: place.depth + 1, template: undefined });
  }

  private message(keyword: 'error' | 'warning', text: string, place: Place, lineNumber: number): void {
    const message = this.expand(text, place, lineNumber);
    const kind = keyword === 'error' ? 'Error' : 'Warning';
    if (keyword === 'error') throw this.error(place, lineNumber, `${kind} : ${message}`);
    // Parse_config_string's push_error with an empty preface gives the leading space.
    this.options.warn?.(place.template === undefined ? `Config source ${kind} "${place.file}", Line ${lineNumber}: ${message}` : ` ${kind} : ${message}`);
  }

  private expand(text: string, place: Place, lineNumber: number): string {
    try {
      return expandConfigText(this.config, text, this.options.sources?.env ?? process.env, `at ${place.file}, line ${lineNumber}`);
    } catch (err) {
      throw this.error(place, lineNumber, (err as Error).message);
    }
  }

  private error(place: Place, lineNumber: number, message: string): ConfigParseError {
    if (place.template === undefined) return new ConfigParseError(place.file, lineNumber, message);
    return new ConfigParseError(place.file, place.useLine ?? lineNumber, `at use ${place.template}: ${message}`);
  }
}

export function formatCondorConfig(entries: ReadonlyArray<readonly [string, string]>, header: string): string {
  const lines = header.split('\n').map((l) => `# ${l}`);
  for (const [name, value] of entries) lines.push(`${name} = ${value}`);
  return lines.join('\n') + '\n';
}
