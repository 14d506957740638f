import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { RunningSchedd, ScheddOptions } from '@tinycondor/schedd';
import type { DockerSettings, PluginSettings, detectDocker, queryPlugins } from '@tinycondor/startd';
import { formatCondorConfig } from '@tinycondor/shared/condor-config';
import { DEFAULT_RESERVED_DISK_MB } from '@tinycondor/shared/disk-reserve';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import { fileLogger } from '../file-logger.js';
import { environmentKnob, environmentKnobs, loadPoolConfig, watchedPoolConfig, type PoolConfig } from '../pool-config.js';
import type { CondorConfig } from '@tinycondor/shared/condor-config';
import { unreadKnobs } from '@tinycondor/shared/knob-registry';
import { codeCacheDir, ownCacheDir } from '../launch.cjs';
import { inventoryCommands, machineResourcesFromConfig, resourceEnvironmentSettings, type InventoryCommand, type MachineResource, type ResourceEnvironmentSettings } from '@tinycondor/shared/machine-resources';
import { requestModifiersFromConfig, type RequestModifiers } from '@tinycondor/shared/request-modifiers';
import { claimWorklifeOf } from '@tinycondor/shared/claim-worklife';
import { pslotRollupFromConfig } from '@tinycondor/shared/machine-ad';
import { startdHistorySettings, type HistoryFileSettings } from '@tinycondor/shared/job-history-file';
import { SCHEDD_READY_LINE, superviseStartd } from '../startd-supervisor.js';
import { TEST_CHECKPOINTING_USAGE, testCheckpointingCommand } from './test-checkpointing.js';
import { FAULT_USAGE, tinycondorFault } from './tinycondor-fault.js';
import { TOKEN_USAGE, tinycondorToken } from './tinycondor-token.js';

const USAGE = `Usage:
  tinycondor pool [--home DIR] [--startds N] [--port P] [--cpus C] [--memory MB] [--disk KB]
                  [--lease S] [--periodic S] [--checkpoint-interval S] [--reserved-disk MB] [--disk-check-interval S]
  tinycondor schedd [--home DIR] [--port P] [--host ADDR] [--lease S] [--periodic S] [--reserved-disk MB]
  tinycondor startd [--name NAME] [--cpus C] [--memory MB] [--disk KB] [--execute DIR] [--checkpoint-interval S]
                    [--reserved-disk MB] [--disk-check-interval S]
                    [--schedd URL] [--token-file FILE] [--parent-pid PID (stop when that process is gone)]
                    [--wait-for-schedd (read the configuration once stdin gives 'schedd ready')]
                    (without --schedd/--token-file: TINYCONDOR_SCHEDD_URL/TINYCONDOR_TOKEN_FILE, else CONDOR_CONFIG)
  tinycondor health [--schedd URL] [--token-file FILE] [--startd NAME]
  tinycondor client-config [--url URL] [--token-file FILE]
${TEST_CHECKPOINTING_USAGE}
${FAULT_USAGE.replace(/^Usage:\n/, '')}
${TOKEN_USAGE.replace(/^Usage:\n/, '')}`;

type Flags = Map<string, string>;

/** `--name VALUE` or `--name=VALUE` for each name in `allowed`; `--name` alone for each in `switches` (its value ''). */
function parseFlags(args: string[], allowed: string[], switches: string[] = []): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (match && match[2] === undefined && switches.includes(match[1])) {
      flags.set(match[1], '');
      continue;
    }
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

// The daemons' modules are loaded only by the subcommands that run them, so that `health` and
// `client-config` (run often, by container engines) start fast.
/**
 * The slots the configuration lays out (NUM_SLOTS, NUM_SLOTS_TYPE_<N>, SLOT_TYPE_<N>[_PARTITIONABLE]) on what
 * this machine offers (or the flags say); a layout HTCondor's startd would not start with stops this one.
 */
async function slotsFor(flags: Flags, executeDir: string, reservedDiskMb: number, resources: readonly MachineResource[], knob: (name: string) => string | undefined, where: string, log: Logger) {
  const { detectTotals, slotsFromConfig } = await import('@tinycondor/startd');
  fs.mkdirSync(executeDir, { recursive: true });
  const detected = detectTotals(executeDir, reservedDiskMb);
  const totals = {
    cpus: intFlag(flags, 'cpus', 1) ?? detected.cpus,
    memoryMb: intFlag(flags, 'memory', 1) ?? detected.memoryMb,
    diskKb: intFlag(flags, 'disk', 1) ?? detected.diskKb,
  };
  try {
    const { slots, notes } = slotsFromConfig(totals, resources, knob);
    for (const note of notes) log.info(note);
    log.info({ slots: slots.map((s) => `${s.name}${s.partitionable ? ' (partitionable)' : ''}: Cpus ${s.cpus}, Memory ${s.memoryMb}, Disk ${s.diskKb}`) }, 'slot layout');
    return slots;
  } catch (err) {
    throw new CliError(`tinycondor startd: ${where}: ${(err as Error).message}`);
  }
}

/**
 * MODIFY_REQUEST_EXPR_REQUESTCPUS, -DISK, -MEMORY and MUST_MODIFY_REQUEST_EXPRS, sent to the schedd, which sizes the
 * dynamic slots it carves from this startd's partitionable slots by them; what does not parse is said on stderr too.
 */
function requestModifiersFor(knob: (name: string) => string | undefined, log: Logger, io: CommandIo): RequestModifiers {
  const { modifiers, warnings } = requestModifiersFromConfig(knob);
  for (const warning of warnings) {
    log.warn(warning);
    io.stderr(`tinycondor startd: warning: ${warning}\n`);
  }
  log.info({ requestModifiers: modifiers }, 'dynamic slots are sized by these request modifiers');
  return modifiers;
}

/**
 * The custom resources the configuration declares (MACHINE_RESOURCE_<Tag>, and MACHINE_RESOURCE_INVENTORY_<Tag>,
 * whose scripts are run here) and what jobs are told of them; HTCondor's log lines go to the StartLog, what
 * tinycondor does not do to stderr as well.
 */
async function resourcesFor(
  knob: (name: string) => string | undefined,
  pool: PoolConfig | undefined,
  env: NodeJS.ProcessEnv,
  log: Logger,
  io: CommandIo,
  runInventories: (commands: readonly InventoryCommand[], log: Logger) => Promise<Map<string, string>>,
): Promise<{ resources: MachineResource[]; resourceEnvironment: ResourceEnvironmentSettings }> {
  const names = pool === undefined ? environmentKnobs(env).map(([name]) => name) : [...pool.config.values()].map((entry) => entry.name);
  const where = (name: string) => pool?.config.get(name.toUpperCase())?.source ?? `environment variable _CONDOR_${name}`;
  try {
    const inventories = await runInventories(inventoryCommands(names, knob), log);
    const { resources, notes, warnings } = machineResourcesFromConfig(names, knob, where, inventories);
    for (const note of notes) log.info(note);
    for (const warning of warnings) {
      log.warn(warning);
      io.stderr(`tinycondor startd: warning: ${warning}\n`);
    }
    return { resources, resourceEnvironment: resourceEnvironmentSettings(resources.map((r) => r.tag), knob) };
  } catch (err) {
    throw new CliError(`tinycondor startd: ${pool?.file ?? 'the environment'}: ${(err as Error).message}`);
  }
}

/**
 * Resolves when the process is asked to stop (SIGINT/SIGTERM). Called before a daemon prints its ready
 * line: whoever reads that line may ask it to stop before this process runs on, and node's default action
 * would then end the process at once, leaving a pool's startds running without their schedd.
 */
function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** Starts the schedd; a second one on the same home is the user's error, reported without a stack. */
async function startScheddFor(what: string, opts: ScheddOptions): Promise<RunningSchedd> {
  const { startSchedd, QueueInUse } = await import('@tinycondor/schedd');
  try {
    return await startSchedd(opts);
  } catch (err) {
    if (err instanceof QueueInUse) throw new CliError(`tinycondor ${what}: ${err.message}`);
    throw err;
  }
}

/** How often a startd started by a pool checks that the pool is still its parent. */
const PARENT_CHECK_MS = 1000;

/**
 * Resolves once `parentPid` is no longer this process's parent: it died and the process was handed to
 * another. HTCondor's daemons likewise shut down when their condor_master goes away, so a pool killed
 * with SIGKILL does not leave its startds (and their jobs) running.
 */
function untilParentGone(parentPid: number): Promise<'parent gone'> {
  return new Promise((resolve) => {
    const check = () => {
      if (process.ppid === parentPid) return;
      clearInterval(timer);
      resolve('parent gone');
    };
    const timer = setInterval(check, PARENT_CHECK_MS);
    timer.unref();
    check();
  });
}

/** The commands a job runs by path (condor_chirp) and the default plugins (curl_plugin): the pool's LIBEXEC, packages/cli/libexec, next to dist. */
const LIBEXEC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'libexec');

/**
 * The schedd's configuration (condor_config, the condor_config.pool it includes, LOCAL_CONFIG_DIR, _CONDOR_*),
 * read again when one of its files changes: a configuration that does not parse is said on stderr, and
 * HTCondor's defaults are used until it is mended.
 */
function scheddConfig(home: string, io: CommandIo): Required<Pick<ScheddOptions, 'knob' | 'poolConfig'>> {
  const current = watchedPoolConfig(() => loadPoolConfig({ ...io.env, CONDOR_CONFIG: path.join(home, 'condor_config') }, io.stderr));
  const config = (what: string) => {
    try {
      return current();
    } catch (err) {
      io.stderr(`tinycondor: ${what} not read (using its default): ${(err as Error).message}\n`);
      return undefined;
    }
  };
  return { knob: (name) => config(name)?.value(name), poolConfig: () => config('the configuration')?.config };
}

/**
 * Says on stderr, once at start, which values of the pool's configuration set no knob the pool reads: HTCondor
 * would act on some of them (START, MAX_JOBS_RUNNING, …), this pool does not.
 */
function warnUnreadKnobs(config: CondorConfig | undefined, io: CommandIo): void {
  // A configuration that does not parse is said by scheddConfig already.
  if (config === undefined) return;
  for (const { name, source } of unreadKnobs(config)) {
    io.stderr(`tinycondor: warning: ${name} (${source}) is not a knob tinycondor reads: it has no effect in this pool\n`);
  }
}

/** The schedd's options from `tinycondor pool`'s or `tinycondor schedd`'s flags (a pool's has no --host). */
function scheddOptions(home: string, flags: Flags, io: CommandIo, configuration: ReturnType<typeof scheddConfig>): ScheddOptions {
  return {
    home,
    port: intFlag(flags, 'port', 0),
    host: flags.get('host'),
    leaseSeconds: intFlag(flags, 'lease', 1),
    periodicSeconds: intFlag(flags, 'periodic', 1),
    reservedDiskMb: intFlag(flags, 'reserved-disk', 0),
    libexecDir: LIBEXEC_DIR,
    compiledSchemaDir: compiledSchemaDir(io.env),
    ...configuration,
  };
}

/** The user's code cache directory (launch.cts), where the schedd keeps its compiled schemas; none where it is not safe to run code from. */
function compiledSchemaDir(env: NodeJS.ProcessEnv): string | undefined {
  const dir = codeCacheDir(os.tmpdir(), env, process.getuid?.());
  return dir !== undefined && ownCacheDir(dir) ? dir : undefined;
}

function defaultHome(): string {
  return path.join(os.homedir(), '.tinycondor');
}

async function runPool(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['home', 'startds', 'port', 'cpus', 'memory', 'disk', 'lease', 'periodic', 'checkpoint-interval', 'reserved-disk', 'disk-check-interval']);
  const home = path.resolve(io.cwd, flags.get('home') ?? defaultHome());
  const { poolPaths } = await import('@tinycondor/schedd');
  const paths = poolPaths(home);
  const count = intFlag(flags, 'startds', 1) ?? 2;
  const configuration = scheddConfig(home, io);
  const log = fileLogger(path.join(paths.logDir, 'MasterLog'));
  const startdArgs = ['cpus', 'memory', 'disk', 'checkpoint-interval', 'disk-check-interval'].flatMap((name) => (flags.has(name) ? [`--${name}`, flags.get(name) as string] : []));
  const startds = Array.from({ length: count }, (_, i) => superviseStartd(`startd${i + 1}`, startdArgs, { ...io.env, CONDOR_CONFIG: paths.configFile }, log));
  let schedd: RunningSchedd;
  try {
    schedd = await startScheddFor('pool', scheddOptions(home, flags, io, configuration));
  } catch (err) {
    await Promise.all(startds.map((s) => s.stop()));
    throw err;
  }
  warnUnreadKnobs(configuration.poolConfig(), io);
  for (const startd of startds) startd.scheddReady();
  await Promise.all(startds.map((s) => s.ready));
  const slots = schedd.schedd.registry.allSlotAds(new Date()).length;
  const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'node_modules', '.bin');
  const stopRequested = untilSignalled();
  io.stdout(
    `tinycondor pool ready: schedd ${schedd.url}, ${count} startd(s), ${slots} slot(s), home ${home}\n` +
      `export CONDOR_CONFIG=${schedd.configFile} PATH=${binDir}:$PATH\n` +
      `dashboard: ${schedd.dashboardLoginUrl()}\n`,
  );
  await stopRequested;
  await Promise.all(startds.map((s) => s.stop()));
  await schedd.close();
  return 0;
}

async function runSchedd(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['home', 'port', 'host', 'lease', 'periodic', 'reserved-disk']);
  const home = path.resolve(io.cwd, flags.get('home') ?? defaultHome());
  const configuration = scheddConfig(home, io);
  const schedd = await startScheddFor('schedd', scheddOptions(home, flags, io, configuration));
  warnUnreadKnobs(configuration.poolConfig(), io);
  const stopRequested = untilSignalled();
  io.stdout(`tinycondor schedd ready: ${schedd.url}\nexport CONDOR_CONFIG=${schedd.configFile}\ndashboard: ${schedd.dashboardLoginUrl()}\n`);
  await stopRequested;
  await schedd.close();
  return 0;
}

/**
 * Where a startd or a probe finds the schedd and the pool token: flags, then TINYCONDOR_SCHEDD_URL and
 * TINYCONDOR_TOKEN_FILE, then CONDOR_CONFIG, so that a startd on another host needs no condor_config.
 */
function scheddAccess(flags: Flags, io: CommandIo, what: string): { scheddUrl: string; tokenFile: string; pool: PoolConfig | undefined } {
  let scheddUrl = flags.get('schedd') ?? io.env.TINYCONDOR_SCHEDD_URL;
  let tokenFile = flags.get('token-file') ?? io.env.TINYCONDOR_TOKEN_FILE;
  if (tokenFile !== undefined) tokenFile = path.resolve(io.cwd, tokenFile);
  const pool = scheddUrl !== undefined && tokenFile !== undefined ? undefined : loadPoolConfig(io.env, io.stderr);
  scheddUrl ??= pool?.value('SCHEDD_URL');
  const configured = pool?.value('TINYCONDOR_TOKEN_FILE');
  // As for the condor_* commands, a relative token file in a condor_config is next to that file.
  if (tokenFile === undefined && pool !== undefined && configured !== undefined) tokenFile = path.resolve(path.dirname(pool.file), configured);
  if (!scheddUrl || !tokenFile) throw new CliError(`tinycondor ${what}: ${pool?.file ?? 'CONDOR_CONFIG'} must define SCHEDD_URL and TINYCONDOR_TOKEN_FILE (or pass --schedd and --token-file)`);
  if (!/^https?:\/\/[^/]+\/?$/.test(scheddUrl)) throw new CliError(`tinycondor ${what}: the schedd URL must look like http://HOST:PORT, got '${scheddUrl}'`);
  return { scheddUrl: scheddUrl.replace(/\/+$/, ''), tokenFile, pool };
}

/** RESERVED_DISK (MB): the flag, else the pool's condor_config (the schedd writes it there), else the default. */
function reservedDiskFor(flags: Flags, pool: PoolConfig | undefined): number {
  const flag = intFlag(flags, 'reserved-disk', 0);
  if (flag !== undefined) return flag;
  const configured = pool?.value('RESERVED_DISK');
  if (configured === undefined) return DEFAULT_RESERVED_DISK_MB;
  const mb = Number(configured);
  if (!Number.isInteger(mb) || mb < 0) throw new CliError(`tinycondor startd: RESERVED_DISK in ${pool?.file} must be an integer >= 0 (MB), got '${configured}'`);
  return mb;
}

function readToken(tokenFile: string, what: string): string {
  try {
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    if (token === '') throw new Error('the file is empty');
    return token;
  } catch (err) {
    throw new CliError(`tinycondor ${what}: cannot read the pool token ${tokenFile}: ${(err as Error).message}`);
  }
}

async function runStartd(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['name', 'cpus', 'memory', 'disk', 'execute', 'checkpoint-interval', 'schedd', 'token-file', 'parent-pid', 'reserved-disk', 'disk-check-interval'], ['wait-for-schedd']);
  const parentPid = intFlag(flags, 'parent-pid', 1);
  if (parentPid !== undefined && process.ppid !== parentPid) throw new CliError(`tinycondor startd: --parent-pid ${parentPid} is not this process's parent (${process.ppid})`);
  // Loaded while a pool's schedd starts (startd-supervisor.ts).
  const startdModule = import('@tinycondor/startd');
  if (flags.has('wait-for-schedd') && !(await scheddReadyLine(process.stdin))) return 0;
  const { scheddUrl, tokenFile, pool } = scheddAccess(flags, io, 'startd');
  const name = flags.get('name') ?? os.hostname();
  const executeDir = path.resolve(io.cwd, flags.get('execute') ?? path.join(pool?.value('EXECUTE') ?? path.join(defaultHome(), 'execute'), name));
  const logDir = pool?.value('LOG') ?? path.dirname(executeDir);
  const { Startd, chirpSettings, detectDocker, queryPlugins, removeStaleContainers, runInventories, scratchMountSettings } = await startdModule;
  const log = fileLogger(path.join(logDir, `StartLog.${name}`));
  const knob = (knobName: string) => (pool === undefined ? environmentKnob(io.env, knobName) : pool.value(knobName));
  // Both ask other programs (the engine, each plugin's -classad): at once, so the startd is ready sooner.
  const [docker, transferPlugins] = await Promise.all([dockerFor(knob, pool?.file, log, detectDocker), transferPluginsFor(knob, pool?.file, log, queryPlugins)]);
  if (docker !== undefined) await removeStaleContainers(docker, name, log);
  let chirp;
  let scratchMounts;
  try {
    chirp = chirpSettings(knob);
    scratchMounts = scratchMountSettings(knob);
  } catch (err) {
    throw new CliError(`tinycondor startd: ${(err as Error).message}`);
  }
  const { resources, resourceEnvironment } = await resourcesFor(knob, pool, io.env, log, io, runInventories);
  const requestModifiers = requestModifiersFor(knob, log, io);
  const { rollup: pslotRollup, warnings: rollupWarnings } = pslotRollupFromConfig(knob);
  for (const warning of rollupWarnings) {
    log.warn(warning);
    io.stderr(`tinycondor startd: warning: ${warning}\n`);
  }
  const startd = new Startd({
    name,
    scheddUrl,
    token: readToken(tokenFile, 'startd'),
    executeDir,
    slots: await slotsFor(flags, executeDir, reservedDiskFor(flags, pool), resources, knob, pool?.file ?? 'the environment', log),
    checkpointIntervalSeconds: intFlag(flags, 'checkpoint-interval', 1),
    diskCheckSeconds: intFlag(flags, 'disk-check-interval', 1),
    killable: true,
    docker,
    transferPlugins,
    chirp,
    scratchMounts,
    resources,
    resourceEnvironment,
    requestModifiers,
    pslotRollup,
    reactivation: reactivationFor(knob, pool?.file ?? 'the environment'),
    history: startdHistoryFor(knob, logDir, log),
    log,
  });
  const stopRequested = Promise.race([untilSignalled(), ...(parentPid === undefined ? [] : [untilParentGone(parentPid)])]);
  const first = await Promise.race([startd.start().then(() => 'connected' as const), stopRequested]);
  if (first === 'connected') io.stdout(`tinycondor startd ${name} ready: connected to ${scheddUrl}\n`);
  const stopCause = await stopRequested;
  if (stopCause === 'parent gone') log.warn({ parentPid }, 'the pool that started this startd went away; shutting down fast');
  await startd.stop();
  return 0;
}

/**
 * Whether `input` gives SCHEDD_READY_LINE before it ends (it ends when the pool that started this startd stops).
 * It is then destroyed: an open stdin would keep this process from exiting once the startd stops.
 */
function scheddReadyLine(input: NodeJS.ReadStream): Promise<boolean> {
  return new Promise((resolve) => {
    let text = '';
    const done = (ready: boolean) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onEnd);
      input.destroy();
      resolve(ready);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes(SCHEDD_READY_LINE)) done(true);
    };
    const onEnd = () => done(false);
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onEnd);
  });
}

/**
 * The file-transfer plugins this startd runs (FILETRANSFER_PLUGINS, each asked -classad at start), unless
 * ENABLE_URL_TRANSFERS is false. The default list is HTCondor's as far as tinycondor has its plugins:
 * `$(LIBEXEC)/curl_plugin`.
 */
/** STARTD_HISTORY ($(LOG)/startd_history unless set; empty: none) and the HISTORY rotation knobs. */
function startdHistoryFor(knob: (name: string) => string | undefined, logDir: string, log: Logger): HistoryFileSettings {
  const { settings, warnings } = startdHistorySettings(knob, logDir);
  for (const warning of warnings) log.warn(warning);
  return settings;
}

async function transferPluginsFor(knob: (name: string) => string | undefined, configFile: string | undefined, log: Logger, query: typeof queryPlugins): Promise<PluginSettings | undefined> {
  const where = configFile ?? 'the environment';
  const enabled = knob('ENABLE_URL_TRANSFERS');
  if (enabled !== undefined && !isTrueKnob(enabled, 'ENABLE_URL_TRANSFERS', where)) {
    log.info('ENABLE_URL_TRANSFERS is false: no file-transfer plugins (HasFileTransferPluginMethods is not advertised)');
    return undefined;
  }
  const listed = knob('FILETRANSFER_PLUGINS') ?? path.join(knob('LIBEXEC') ?? LIBEXEC_DIR, 'curl_plugin');
  const paths = listed.split(/[\s,]+/).filter((p) => p !== '');
  const classadTimeout = secondsKnob(knob('FILETRANSFER_PLUGIN_CLASSAD_TIMEOUT'), 'FILETRANSFER_PLUGIN_CLASSAD_TIMEOUT', 20, where);
  const lifetimeSeconds = secondsKnob(knob('MAX_FILE_TRANSFER_PLUGIN_LIFETIME'), 'MAX_FILE_TRANSFER_PLUGIN_LIFETIME', 72000, where);
  return { table: await query(paths, classadTimeout, log), lifetimeSeconds };
}

/** CLAIM_WORKLIFE (claimWorklifeOf: an expression giving whole seconds, empty or negative: no limit; default 1200) and CHECK_REACTIVATE_AFTER_CHECKPOINT (default true). */
function reactivationFor(knob: (name: string) => string | undefined, where: string): { claimWorklifeSeconds: number; checkAfterCheckpoint: boolean } {
  const claimWorklifeSeconds = claimWorklifeOf(knob('CLAIM_WORKLIFE'));
  if (claimWorklifeSeconds === undefined) throw new CliError(`tinycondor startd: ${where}: CLAIM_WORKLIFE must be a ClassAd expression giving a whole number of seconds, without slot attributes (empty or negative: no limit), got '${knob('CLAIM_WORKLIFE')?.trim()}'`);
  const check = knob('CHECK_REACTIVATE_AFTER_CHECKPOINT')?.trim();
  return { claimWorklifeSeconds, checkAfterCheckpoint: check === undefined || check === '' ? true : isTrueKnob(check, 'CHECK_REACTIVATE_AFTER_CHECKPOINT', where) };
}

function isTrueKnob(value: string, name: string, where: string): boolean {
  if (/^(true|yes|1)$/i.test(value.trim())) return true;
  if (/^(false|no|0)$/i.test(value.trim())) return false;
  throw new CliError(`tinycondor startd: ${where}: ${name} must be true or false, got '${value}'`);
}

function secondsKnob(value: string | undefined, name: string, fallback: number, where: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const seconds = Number(value.trim());
  if (!Number.isInteger(seconds) || seconds <= 0) throw new CliError(`tinycondor startd: ${where}: ${name} must be a whole number of seconds > 0, got '${value}'`);
  return seconds;
}

/** The Docker engine this startd offers container jobs, from the pool's DOCKER* knobs; undefined (and why, in StartLog) when none answers. */
async function dockerFor(knob: (name: string) => string | undefined, configFile: string | undefined, log: Logger, detect: typeof detectDocker): Promise<DockerSettings | undefined> {
  let found;
  try {
    found = await detect(knob);
  } catch (err) {
    throw new CliError(`tinycondor startd: ${configFile ?? 'the environment'}: ${(err as Error).message}`);
  }
  for (const warning of found.warnings) log.warn(warning);
  if ('offline' in found) {
    log.info({ reason: found.offline }, 'no Docker engine: this startd runs no container jobs (HasDocker is not advertised)');
    return undefined;
  }
  log.info({ docker: found.settings.cli, version: found.settings.version }, 'container jobs run with Docker (HasDocker, HasContainer, HasDockerURL advertised)');
  return found.settings;
}

/** How long a health check waits for the schedd's answer. */
const HEALTH_TIMEOUT_MS = 5000;

/** A health check (for container engines): the schedd answers, and with --startd, that startd's slots are there. */
async function runHealth(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['schedd', 'token-file', 'startd']);
  const { scheddUrl, tokenFile } = scheddAccess(flags, io, 'health');
  const startd = flags.get('startd');
  const { scheddClient } = await import('../schedd-connection.js');
  const { ScheddRefused, ScheddUnreachable } = await import('@tinycondor/client/errors');
  const schedd = scheddClient(scheddUrl, readToken(tokenFile, 'health'), HEALTH_TIMEOUT_MS);
  const { ads } = await schedd.status().catch((err: unknown) => {
    if (err instanceof ScheddUnreachable) throw new CliError(`tinycondor health: the schedd at ${scheddUrl} does not answer: ${err.message}`);
    if (err instanceof ScheddRefused) throw new CliError(`tinycondor health: the schedd at ${scheddUrl} answered ${err.status}`);
    throw err;
  });
  if (startd !== undefined && !ads.some((ad) => ad.StartdName === JSON.stringify(startd))) {
    throw new CliError(`tinycondor health: startd ${startd} has no slots at ${scheddUrl}`);
  }
  io.stdout(`ok: ${ads.length} slot(s)\n`);
  return 0;
}

/**
 * Prints a condor_config for a host whose commands reach this pool's schedd from outside (a published
 * container port): its URL, the token file (relative to that condor_config), and the remote knob, since
 * such a schedd does not see the host's files.
 */
async function runClientConfig(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, ['url', 'token-file']);
  const url = flags.get('url') ?? io.env.TINYCONDOR_PUBLISHED_URL;
  if (url === undefined || !/^https?:\/\/[^/]+\/?$/.test(url)) throw new CliError('tinycondor client-config: --url http://HOST:PORT (the address the host reaches the schedd at) is required');
  io.stdout(
    formatCondorConfig(
      [
        ['SCHEDD_URL', url.replace(/\/+$/, '')],
        ['TINYCONDOR_TOKEN_FILE', flags.get('token-file') ?? 'pool.token'],
        ['TINYCONDOR_REMOTE_SCHEDD', 'True'],
      ],
      'tinycondor client configuration for a schedd that does not share this host\'s filesystem:\ncondor_submit spools inputs, condor_wait and condor_transfer_data bring results back.',
    ),
  );
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
    case 'health':
      return runHealth(rest, io);
    case 'client-config':
      return runClientConfig(rest, io);
    case 'token':
      return tinycondorToken(rest, io);
    default:
      throw new CliError(USAGE);
  }
};
