import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { poolPaths, startSchedd } from '@tinycondor/schedd';
import { detectTotals, splitIntoSlots, Startd } from '@tinycondor/startd';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import { fileLogger } from '../file-logger.js';
import { loadPoolConfig } from '../pool-config.js';
import { superviseStartd } from '../startd-supervisor.js';
import { TEST_CHECKPOINTING_USAGE, testCheckpointingCommand } from './test-checkpointing.js';
import { FAULT_USAGE, tinycondorFault } from './tinycondor-fault.js';

const USAGE = `Usage:
  tinycondor pool [--home DIR] [--startds N] [--port P] [--cpus C] [--memory MB] [--disk KB]
                  [--lease S] [--periodic S] [--checkpoint-interval S]
  tinycondor schedd [--home DIR] [--port P] [--host ADDR] [--lease S] [--periodic S]
  tinycondor startd [--name NAME] [--cpus C] [--memory MB] [--disk KB] [--execute DIR] [--checkpoint-interval S]
                    (finds the schedd through CONDOR_CONFIG)
${TEST_CHECKPOINTING_USAGE}
${FAULT_USAGE.replace(/^Usage:\n/, '')}`;

type Flags = Map<string, string>;

function parseFlags(args: string[], allowed: string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!match || !allowed.includes(match[1])) throw new CliError(`tinycondor: unknown argument '${args[i]}'\n${USAGE}`);
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new CliError(`tinycondor: --${match[1]} needs a value\n${USAGE}`);
    flags.set(match[1], value);
  }
  return flags;
}

function intFlag(flags: Flags, name: string, min: number): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CliError(`tinycondor: --${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

function slotsFor(flags: Flags, executeDir: string) {
  fs.mkdirSync(executeDir, { recursive: true });
  const detected = detectTotals(executeDir);
  return splitIntoSlots({
    cpus: intFlag(flags, 'cpus', 1) ?? detected.cpus,
    memoryMb: intFlag(flags, 'memory', 1) ?? detected.memoryMb,
    diskKb: intFlag(flags, 'disk', 1) ?? detected.diskKb,
  });
}

/** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function defaultHome(): string {
  return path.join(os.homedir(), '.tinycondor');
}

async function runPool(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['home', 'startds', 'port', 'cpus', 'memory', 'disk', 'lease', 'periodic', 'checkpoint-interval']);
  const home = path.resolve(io.cwd, flags.get('home') ?? defaultHome());
  const paths = poolPaths(home);
  const count = intFlag(flags, 'startds', 1) ?? 2;
  const schedd = await startSchedd({
    home,
    port: intFlag(flags, 'port', 0),
    leaseSeconds: intFlag(flags, 'lease', 1),
    periodicSeconds: intFlag(flags, 'periodic', 1),
  });
  const log = fileLogger(path.join(paths.logDir, 'MasterLog'));
  const startdArgs = ['cpus', 'memory', 'disk', 'checkpoint-interval'].flatMap((name) => (flags.has(name) ? [`--${name}`, flags.get(name) as string] : []));
  const env = { ...io.env, CONDOR_CONFIG: schedd.configFile };
  const startds = Array.from({ length: count }, (_, i) => superviseStartd(`startd${i + 1}`, startdArgs, env, log));
  await Promise.all(startds.map((s) => s.ready));
  const slots = schedd.schedd.registry.allSlotAds(new Date()).length;
  const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'node_modules', '.bin');
  io.stdout(
    `tinycondor pool ready: schedd ${schedd.url}, ${count} startd(s), ${slots} slot(s), home ${home}\n` +
      `export CONDOR_CONFIG=${schedd.configFile} PATH=${binDir}:$PATH\n` +
      `dashboard: ${schedd.dashboardLoginUrl()}\n`,
  );
  await untilSignalled();
  await Promise.all(startds.map((s) => s.stop()));
  await schedd.close();
  return 0;
}

async function runSchedd(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['home', 'port', 'host', 'lease', 'periodic']);
  const home = path.resolve(io.cwd, flags.get('home') ?? defaultHome());
  const schedd = await startSchedd({
    home,
    port: intFlag(flags, 'port', 0),
    host: flags.get('host'),
    leaseSeconds: intFlag(flags, 'lease', 1),
    periodicSeconds: intFlag(flags, 'periodic', 1),
  });
  io.stdout(`tinycondor schedd ready: ${schedd.url}\nexport CONDOR_CONFIG=${schedd.configFile}\ndashboard: ${schedd.dashboardLoginUrl()}\n`);
  await untilSignalled();
  await schedd.close();
  return 0;
}

async function runStartd(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['name', 'cpus', 'memory', 'disk', 'execute', 'checkpoint-interval']);
  const pool = loadPoolConfig(io.env);
  const scheddUrl = pool.value('SCHEDD_URL');
  const tokenFile = pool.value('TINYCONDOR_TOKEN_FILE');
  if (!scheddUrl || !tokenFile) throw new CliError(`tinycondor startd: ${pool.file} must define SCHEDD_URL and TINYCONDOR_TOKEN_FILE`);
  const name = flags.get('name') ?? os.hostname();
  const executeDir = path.resolve(io.cwd, flags.get('execute') ?? path.join(pool.value('EXECUTE') ?? path.join(defaultHome(), 'execute'), name));
  const logDir = pool.value('LOG') ?? path.dirname(executeDir);
  const startd = new Startd({
    name,
    scheddUrl,
    token: fs.readFileSync(tokenFile, 'utf8').trim(),
    executeDir,
    slots: slotsFor(flags, executeDir),
    checkpointIntervalSeconds: intFlag(flags, 'checkpoint-interval', 1),
    log: fileLogger(path.join(logDir, `StartLog.${name}`)),
  });
  await startd.start();
  io.stdout(`tinycondor startd ${name} ready: connected to ${scheddUrl}\n`);
  await untilSignalled();
  await startd.stop();
  return 0;
}

/** `tinycondor pool | schedd | startd`: run a whole local pool, or its parts as separate processes. */
export const tinycondor: Command = async (args, io) => {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'pool':
      return runPool(rest, io);
    case 'schedd':
      return runSchedd(rest, io);
    case 'startd':
      return runStartd(rest, io);
    case 'fault':
      return tinycondorFault(rest, io);
    case 'test-checkpointing':
      return testCheckpointingCommand(rest, io);
    default:
      throw new CliError(USAGE);
  }
};
