import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { DEFAULT_RESERVED_DISK_MB } from '@tinycondor/shared/disk-reserve';
import { LogFile } from '@tinycondor/shared/log-file';
import { configValue, parseCondorConfig, type CondorConfig } from '@tinycondor/shared/condor-config';
import { JobUsers } from '@tinycondor/shared/job-user';
import { epochSettings } from '@tinycondor/shared/epoch-history';
import { DEFAULT_START_PACING, startPacingSettings } from '@tinycondor/shared/start-pacing';
import { historyFileSettings } from '@tinycondor/shared/job-history-file';
import { accountantSettings } from '@tinycondor/shared/accountant';
import { ClassAd } from '@tinycondor/shared/classad/index';
import type { NumberKnob } from '@tinycondor/shared/concurrency-limits';
import { buildApp } from './app.js';
import { CheckpointCleanup } from './checkpoint-cleanup.js';
import { configuredQueueAccess, defaultQueueAccess, POOL_UID_DOMAIN, scheddUser } from './caller.js';
import { derivedFromConfig } from './configured.js';
import { configuredJobAttrRules } from './job-edits.js';
import { JobTransforms } from './job-transforms.js';
import { SubmitRequirements } from './submit-requirements.js';
import { ConfiguredUserMaps } from './user-maps.js';
import { EventFeed } from './dashboard/event-feed.js';
import { DashboardPublisher } from './dashboard/publisher.js';
import { SessionStore } from './dashboard/sessions.js';
import { CheckpointSizes } from './dashboard/spool-files.js';
import { openDatabase, type Db } from './db.js';
import { writePoolConfigFiles } from './pool-config-files.js';
import { makePoolDirsPrivate } from './pool-permissions.js';
import { Schedd, type SpoolCommit } from './schedd.js';
import { SpoolStore } from './spool-store.js';
import { loadOrCreateToken } from './token.js';
import { UserTokens } from './user-tokens.js';

export interface ScheddOptions {
  /** Directory holding everything: queue database, SPOOL, token, condor_config, logs. */
  home: string;
  /** undefined: the port of the previous run if there was one, else any free port. */
  port?: number;
  host?: string;
  name?: string;
  leaseSeconds?: number;
  killGraceSeconds?: number;
  periodicSeconds?: number;
  /** RESERVED_DISK (MB): free space kept on the SPOOL filesystem; transfers into SPOOL are refused below it. */
  reservedDiskMb?: number;
  logger?: Logger;
  /** See Schedd.spoolCommitObserver. */
  onSpoolCommit?: (commit: SpoolCommit) => void;
  /**
   * The pool's knobs (condor_config, LOCAL_CONFIG_DIR, _CONDOR_*), read when needed; HTCondor's defaults
   * where it gives none.
   */
  knob?: (name: string) => string | undefined;
  /** The whole configuration, raw values included (the job transforms read JOB_TRANSFORM_* unexpanded; the submit requirements, SUBMIT_REQUIREMENT_*). */
  poolConfig?: () => CondorConfig | undefined;
  /** LIBEXEC: where the commands jobs run by path (condor_chirp) and the startd's plugins (curl_plugin) live, as the pool's condor_config names it. */
  libexecDir?: string;
  /** See AppOptions.compiledSchemaDir. */
  compiledSchemaDir?: string;
}

export interface RunningSchedd {
  url: string;
  configFile: string;
  tokenFile: string;
  spoolDir: string;
  schedd: Schedd;
  /** The dashboard's event stream publisher. */
  dashboard: DashboardPublisher;
  /** The dashboard's address with a new one-time login token (as `tinycondor pool` prints it). */
  dashboardLoginUrl(): string;
  close(): Promise<void>;
}

export function poolPaths(home: string) {
  const root = path.resolve(home);
  return {
    root,
    configFile: path.join(root, 'condor_config'),
    /** What only the schedd knows (its address, directories): written at each start, included by condor_config. */
    poolConfigFile: path.join(root, 'condor_config.pool'),
    tokenFile: path.join(root, 'pool.token'),
    /** Digests of the per-user tokens (see UserTokens). */
    userTokensFile: path.join(root, 'user-tokens.json'),
    /** Where a root schedd writes each user's token, owned by that user. */
    userTokenDir: path.join(root, 'tokens'),
    spoolDir: path.join(root, 'spool'),
    logDir: path.join(root, 'log'),
    executeDir: path.join(root, 'execute'),
    database: path.join(root, 'spool', 'job_queue.sqlite'),
  };
}

function previousPort(configFile: string): number | undefined {
  try {
    const url = configValue(parseCondorConfig(fs.readFileSync(configFile, 'utf8'), configFile), 'SCHEDD_URL');
    return url ? Number(new URL(url).port) || undefined : undefined;
  } catch {
    return undefined;
  }
}

function knobInteger(value: string | undefined, name: string, fallback: number, log: Logger): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value.trim());
  if (Number.isInteger(n) && n >= 0) return n;
  log.warn({ knob: name, value, using: fallback }, `${name} is not a whole number >= 0; using ${fallback}`);
  return fallback;
}

/**
 * The knobs read as numbers (param_double): a number or a ClassAd expression that evaluates to one; a value
 * that is neither is said once in the log and its default used.
 */
function numberKnob(knob: (name: string) => string | undefined, log: Logger): NumberKnob {
  const warned = new Set<string>();
  return (name) => {
    const value = knob(name)?.trim();
    if (value === undefined || value === '') return undefined;
    let n: number | undefined = Number(value);
    if (!Number.isFinite(n)) {
      try {
        n = new ClassAd().setExpr('Value', value).getNumber('Value');
      } catch {
        n = undefined;
      }
    }
    if (n !== undefined && Number.isFinite(n)) return n;
    if (!warned.has(`${name}=${value}`)) {
      warned.add(`${name}=${value}`);
      log.warn({ knob: name, value }, `Invalid expression for ${name} (${value}) in condor configuration; it must be a numeric expression: its default is used`);
    }
    return undefined;
  };
}

/** The clean-up of checkpoints kept at a checkpoint_destination, from its knobs (param_info.in's defaults). */
function checkpointCleanupFor(opts: ScheddOptions, localDir: string, spoolDir: string, log: Logger): CheckpointCleanup {
  const knob = opts.knob ?? (() => undefined);
  const jobUsers = new JobUsers();
  return new CheckpointCleanup({
    spoolDir,
    mapFile: () => knob('CHECKPOINT_DESTINATION_MAPFILE') ?? path.join(localDir, 'checkpoint-destination-mapfile'),
    config: () => opts.poolConfig?.(),
    libexecDir: opts.libexecDir,
    pluginTimeoutSeconds: () => knobInteger(knob('CHECKPOINT_CLEANUP_TIMEOUT'), 'CHECKPOINT_CLEANUP_TIMEOUT', 20, log),
    extraCheckpoints: () => knobInteger(knob('DEFAULT_NUM_EXTRA_CHECKPOINTS'), 'DEFAULT_NUM_EXTRA_CHECKPOINTS', 1, log),
    userOf: (owner) => (/^(false|no|0)$/i.test(knob('RUN_CLEANUP_PLUGINS_AS_OWNER')?.trim() ?? '') ? undefined : jobUsers.of(owner)),
    log: log.child({ component: 'checkpoint-cleanup' }),
  });
}

/** Starts a schedd on `home` and writes the pool's condor_config once it listens. */
export async function startSchedd(opts: ScheddOptions): Promise<RunningSchedd> {
  const paths = poolPaths(opts.home);
  makePoolDirsPrivate(paths);
  const logger = opts.logger ?? pino({ level: process.env.TINYCONDOR_LOG_LEVEL ?? 'info' }, new LogFile(path.join(paths.logDir, 'SchedLog')));
  const host = opts.host ?? '127.0.0.1';
  const name = opts.name ?? os.hostname();
  const token = loadOrCreateToken(paths.tokenFile);
  const reservedDiskMb = opts.reservedDiskMb ?? DEFAULT_RESERVED_DISK_MB;
  const spool = new SpoolStore(paths.spoolDir, reservedDiskMb);
  let db: Db | undefined;
  let app: FastifyInstance | undefined;
  try {
    db = openDatabase(paths.database);
    const port = opts.port ?? previousPort(paths.poolConfigFile) ?? previousPort(paths.configFile) ?? 0;
    // The address is known only after listen; the schedd reads it lazily for the submit events.
    const settings = {
      name,
      sinfulAddress: '',
      leaseSeconds: opts.leaseSeconds ?? 60,
      killGraceSeconds: opts.killGraceSeconds ?? 10,
      periodicSeconds: opts.periodicSeconds ?? 2,
      poolRoot: paths.root,
    };
    const dashboard = new DashboardPublisher(new EventFeed(), new CheckpointSizes((cluster, proc) => spool.jobDir(cluster, proc)));
    const schedd = new Schedd(db, spool, settings, logger, dashboard);
    schedd.spoolCommitObserver = opts.onSpoolCommit;
    schedd.checkpointCleanup = checkpointCleanupFor(opts, paths.root, spool.spoolDir, logger);
    if (opts.poolConfig) {
      const mapLog = logger.child({ component: 'user-maps' });
      const userMaps = new ConfiguredUserMaps('SCHEDD', opts.poolConfig, (line, isProblem) => (isProblem ? mapLog.warn(line) : mapLog.info(line)));
      schedd.evalContext = () => userMaps.context();
      schedd.jobTransforms = new JobTransforms(opts.poolConfig, logger.child({ component: 'job-transforms' }), schedd.evalContext);
      schedd.submitRequirements = new SubmitRequirements(opts.poolConfig, logger.child({ component: 'submit-requirements' }), schedd.evalContext);
      schedd.jobAttrRules = configuredJobAttrRules(opts.poolConfig, logger.child({ component: 'job-attrs' }));
      schedd.queueAccess = configuredQueueAccess(opts.poolConfig, logger.child({ component: 'queue-access' }));
      // Read when the settings are derived: the configuration's files exist only once the schedd listens.
      const uidDomain = (): string => schedd.queueAccess().uidDomain;
      schedd.accountantKnobs = derivedFromConfig(opts.poolConfig, (current) => accountantSettings((knob) => configValue(current, knob), uidDomain()), accountantSettings(() => undefined, defaultQueueAccess().uidDomain));
      const pacingLog = logger.child({ component: 'start-pacing' });
      schedd.startPacing = derivedFromConfig(
        opts.poolConfig,
        (current) => {
          const { settings, warnings } = startPacingSettings((knob) => configValue(current, knob));
          for (const warning of warnings) pacingLog.warn(warning);
          return settings;
        },
        DEFAULT_START_PACING,
      );
    }
    if (opts.knob) schedd.knob = opts.knob;
    if (opts.knob) schedd.limitsKnob = numberKnob(opts.knob, logger.child({ component: 'concurrency-limits' }));
    schedd.epochSettings = () => {
      const { settings, warnings } = epochSettings(opts.knob ?? (() => undefined), spool.spoolDir);
      for (const warning of warnings) logger.warn(warning);
      return settings;
    };
    schedd.historyFileSettings = () => {
      const { settings, warnings } = historyFileSettings(opts.knob ?? (() => undefined), spool.spoolDir);
      for (const warning of warnings) logger.warn(warning);
      return settings;
    };
    schedd.resumeFactories();
    const sessions = new SessionStore();
    const userTokens = new UserTokens(paths.userTokensFile, paths.userTokenDir);
    app = await buildApp({ schedd, dashboard, token, logger, sessions, userTokens, compiledSchemaDir: opts.compiledSchemaDir });
    await app.listen({ host, port });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error(`unexpected listen address ${String(address)}`);
    const url = `http://${host}:${address.port}`;
    settings.sinfulAddress = `<${host}:${address.port}?addrs=${host}-${address.port}>`;
    writePoolConfigFiles(
      paths.configFile,
      paths.poolConfigFile,
      [
        ['LOCAL_DIR', paths.root],
        ['SPOOL', '$(LOCAL_DIR)/spool'],
        ['LOG', '$(LOCAL_DIR)/log'],
        ['EXECUTE', '$(LOCAL_DIR)/execute'],
        // Not HTCondor's $(SPOOL)/local_univ_execute: SPOOL is the schedd's alone here (0700), and local
        // universe jobs run as their owners enter their scratch directories.
        ['LOCAL_UNIV_EXECUTE', '$(LOCAL_DIR)/local_univ_execute'],
        ['SCHEDD_NAME', name],
        ['SCHEDD_HOST', host],
        ['SCHEDD_URL', url],
        ['TINYCONDOR_TOKEN_FILE', '$(LOCAL_DIR)/pool.token'],
        // A user who may not read the pool token uses her own, from `tinycondor token create USER`.
        ['TINYCONDOR_USER_TOKEN_DIR', '$(LOCAL_DIR)/tokens'],
        ['UID_DOMAIN', POOL_UID_DOMAIN],
        ['RESERVED_DISK', String(reservedDiskMb)],
        // As in HTCondor: root and the user the schedd runs as (who is one whatever this says) may act on everyone's jobs.
        ['QUEUE_SUPER_USERS', [...new Set(['root', scheddUser()])].join(', ')],
        // param_info.in's default, which `use POLICY : OnlyRegisteredCheckpointDestinations` refers to.
        ['CHECKPOINT_DESTINATION_MAPFILE', '$(LOCAL_DIR)/checkpoint-destination-mapfile'],
        ...(opts.libexecDir === undefined ? [] : [['LIBEXEC', opts.libexecDir] as [string, string]]),
      ],
      logger,
    );
    fs.mkdirSync(path.join(paths.root, 'config.d'), { recursive: true, mode: 0o755 });
    schedd.start();
    logger.info({ url, home: paths.root }, 'schedd ready');
    const openDb = db;
    const openApp = app;
    return {
      url,
      configFile: paths.configFile,
      tokenFile: paths.tokenFile,
      spoolDir: paths.spoolDir,
      schedd,
      dashboard,
      dashboardLoginUrl: () => `${url}/login?token=${sessions.mintLoginToken()}`,
      close: async () => {
        schedd.stop();
        await openApp.close();
        openDb.close();
      },
    };
  } catch (err) {
    await app?.close();
    db?.close();
    throw err;
  }
}
