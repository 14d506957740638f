/**
 * HTCondor configuration files: `NAME = value` lines, `#` comments, `\` continuation and `$(NAME)`
 * references. Names are case-insensitive, as in HTCondor.
 */
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

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=\s?(.*)$/;
const REFERENCE = /\$\(([A-Za-z_][A-Za-z0-9_.]*)(?::([^)]*))?\)/g;
const MAX_EXPANSION_DEPTH = 32;

export type CondorConfig = Map<string, { name: string; value: string }>;

/** Parses a configuration file into `config` (a new one by default): a later file's lines override an earlier one's. */
export function parseCondorConfig(text: string, file: string, config: CondorConfig = new Map()): CondorConfig {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(trimmed);
    if (!m) throw new ConfigParseError(file, lineNumber, `expected NAME = value, got '${trimmed.slice(0, 80)}'`);
    const key = m[1].toUpperCase();
    // `NAME = $(NAME) more` extends the earlier value, so a self-reference is expanded right here.
    const previous = config.get(key)?.value ?? '';
    const value = m[2].trim().replace(REFERENCE, (whole: string, ref: string) => (ref.toUpperCase() === key ? previous : whole));
    config.set(key, { name: m[1], value });
  }
  return config;
}

/** The value of NAME with `$(OTHER)` references expanded; undefined when NAME is not set. */
export function configValue(config: CondorConfig, name: string): string | undefined {
  const expand = (value: string, depth: number): string => {
    if (depth > MAX_EXPANSION_DEPTH) throw new Error(`config macro expansion too deep while expanding ${name}`);
    return value.replace(REFERENCE, (_, ref: string, fallback: string | undefined) =>
      expand(config.get(ref.toUpperCase())?.value ?? fallback ?? '', depth + 1),
    );
  };
  const entry = config.get(name.toUpperCase());
  return entry === undefined ? undefined : expand(entry.value, 0);
}

export function formatCondorConfig(entries: ReadonlyArray<readonly [string, string]>, header: string): string {
  const lines = header.split('\n').map((l) => `# ${l}`);
  for (const [name, value] of entries) lines.push(`${name} = ${value}`);
  return lines.join('\n') + '\n';
}
