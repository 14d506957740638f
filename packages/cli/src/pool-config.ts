import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { configDirExclude, configDirFiles } from '@tinycondor/shared/config-dir';
import { configValue, paramBoolean, parseCondorConfig, type CondorConfig, type ConfigReadOptions } from '@tinycondor/shared/condor-config';
import { splitList } from '@tinycondor/shared/submit/queue';
import { CliError } from './cli-error.js';

export interface PoolConfig {
  file: string;
  config: CondorConfig;
  value(name: string): string | undefined;
  /** Every file and LOCAL_CONFIG_DIR directory read: the configuration is the same while none of them changes. */
  read: string[];
}

/** The `_CONDOR_<NAME>` variables of an environment, as HTCondor reads them (prefix in any case, value trimmed). */
export function environmentKnobs(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => /^_condor_./i.test(entry[0]) && entry[1] !== undefined)
    .map(([name, value]) => [name.slice('_condor_'.length).trim(), value.trim()]);
}

/** A knob set in the environment (`_CONDOR_<NAME>`), which overrides every configuration file. */
export function environmentKnob(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return environmentKnobs(env).find(([knob]) => knob.toUpperCase() === name.toUpperCase())?.[1];
}

/** How `include` lines read files and commands: as the calling user, from the working directory, as HTCondor's tools do. */
function configSources(env: NodeJS.ProcessEnv, warn: ((text: string) => void) | undefined, read: string[]): ConfigReadOptions {
  return {
    sources: {
      readFile: (file) => {
        read.push(file);
        return fs.readFileSync(file, 'utf8');
      },
      runCommand: (argv) => {
        const result = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 });
        if (result.error) throw result.error;
        return { stdout: result.stdout, exitCode: result.status ?? 128 + 9 };
      },
      env,
      cwd: process.cwd(),
    },
    warn: warn === undefined ? undefined : (message) => warn(`${message}\n`),
  };
}

function readConfigFile(file: string, config: CondorConfig, what: string, options: ConfigReadOptions): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`ERROR: cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    parseCondorConfig(text, file, config, options);
  } catch (err) {
    throw new CliError(`ERROR: ${(err as Error).message}`);
  }
}

/** The files of the LOCAL_CONFIG_DIR directories, each directory's in lexicographic order, less the excluded names. */
function localConfigFiles(config: CondorConfig, env: NodeJS.ProcessEnv, read: string[]): string[] {
  const dirs = splitList(configValue(config, 'LOCAL_CONFIG_DIR', env) ?? '');
  if (dirs.length === 0) return [];
  let exclude: RegExp;
  try {
    exclude = configDirExclude(config, env);
  } catch (err) {
    throw new CliError(`ERROR: ${(err as Error).message}`);
  }
  return dirs.flatMap((dir) => {
    read.push(dir);
    try {
      return configDirFiles(dir, exclude);
    } catch (err) {
      throw new CliError(`ERROR: cannot read LOCAL_CONFIG_DIR ${dir}: ${(err as Error).message}`);
    }
  });
}

/**
 * The pool's configuration, found like HTCondor's tools find theirs: CONDOR_CONFIG, then the files of
 * LOCAL_CONFIG_DIR,
 * then `_CONDOR_<NAME>` variables of the environment, each source overriding the ones before.
 */
export function loadPoolConfig(env: NodeJS.ProcessEnv, warn?: (text: string) => void): PoolConfig {
  const file = env.CONDOR_CONFIG;
  if (!file) {
    throw new CliError(
      'ERROR: CONDOR_CONFIG is not set. Start a pool with `npx tinycondor pool --home DIR` and\n' +
        'export CONDOR_CONFIG=DIR/condor_config (the pool prints the exact line when it is ready).',
    );
  }
  const config: CondorConfig = new Map();
  const read: string[] = [file];
  const options = configSources(env, warn, read);
  readConfigFile(file, config, 'CONDOR_CONFIG file', options);
  for (const local of localConfigFiles(config, env, read)) {
    read.push(local);
    readConfigFile(local, config, 'LOCAL_CONFIG_DIR file', options);
  }
  for (const [name, value] of environmentKnobs(env)) {
    // As a line of its own, so that `$(NAME)` in it extends what the files said, as HTCondor's insert_macro does.
    try {
      parseCondorConfig(`${name} = ${value.replace(/[\r\n]+/g, ' ')}`, `environment variable _CONDOR_${name}`, config);
    } catch (err) {
      throw new CliError(`ERROR: ${(err as Error).message}`);
    }
  }
  return { file, config, value: (name) => configValue(config, name, env), read };
}

function fileState(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * A daemon's view of the configuration: read once, and again when a file or LOCAL_CONFIG_DIR directory it read
 * changes (HTCondor's daemons read theirs at start and at condor_reconfig; here an edit needs no reconfig).
 * The output of an `include command` is read again only when a file changes, and an edit made while the
 * files are being read is seen at the next edit.
 */
export function watchedPoolConfig(load: () => PoolConfig): () => PoolConfig {
  let current: { pool: PoolConfig; states: string[] } | undefined;
  // The files are looked at once per turn of the event loop: a matchmaking pass reads knobs for each submitter,
  // and no edit can be seen in the middle of it anyway.
  let checkedThisTurn = false;
  return () => {
    if (current !== undefined && checkedThisTurn) return current.pool;
    checkedThisTurn = true;
    queueMicrotask(() => (checkedThisTurn = false));
    if (current === undefined || current.pool.read.some((file, index) => fileState(file) !== current!.states[index])) {
      const pool = load();
      current = { pool, states: pool.read.map(fileState) };
    }
    return current.pool;
  };
}

/**
 * CONDOR_Q_ONLY_MY_JOBS (queue.cpp, qedit.cpp): whether condor_q and condor_qedit ask for only the user's own
 * jobs unless their arguments say otherwise; an invalid value is said on `warn` and counts as true.
 */
export function onlyMyJobsByDefault(pool: PoolConfig, warn: (text: string) => void): boolean {
  const problems: string[] = [];
  const only = paramBoolean(pool.value('CONDOR_Q_ONLY_MY_JOBS'), 'CONDOR_Q_ONLY_MY_JOBS', true, problems);
  for (const problem of problems) warn(`${problem}\n`);
  return only;
}
