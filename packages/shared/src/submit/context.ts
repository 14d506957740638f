import type { EvalContext } from '../classad/index.js';
import type { ExtendedSubmitCommand } from './extended-commands.js';
/** What condor_submit knows about the submission besides the file itself. */
export interface SubmitContext {
  /** For messages; '<stdin>' when read from stdin. */
  fileName: string;
  /** Absolute; the default initialdir. */
  submitDir: string;
  /** For getenv and $ENV(X). */
  env: Record<string, string | undefined>;
  /** → Owner; User = owner@uidDomain. */
  owner: string;
  /** Default 'localhost'. */
  uidDomain?: string;
  /** condor_submit -append: inserted just before the first queue statement. */
  appendLines?: string[];
  /** condor_submit name=value arguments, defined before the file. */
  variables?: [string, string][];
  /** condor_submit -queue: the queue statement (after `queue`) for a file without one. */
  queueArgument?: string;
  /** -batch-name → JobBatchName (wins over batch_name in the file). */
  batchName?: string;
  /** QDate etc.; default: now. */
  now?: Date;
  /** For `queue … from <file>` and `include : <file>`; the path is already resolved against submitDir. */
  readFile(path: string): string;
  /** For `queue … matching`; the directory is absolute. */
  listDir(dir: string): { name: string; isDir: boolean }[];
  /** For `include command : …`: runs argv (no shell) and gives its standard output and exit code; throws when it cannot start. */
  runCommand(argv: string[]): { stdout: string; exitCode: number };
  /** For the check of a transferred executable and an input (absolute path): its size and first line, or strerror's text. */
  probeFile(path: string): FileProbe;
  /** condor_submit's effective uid, for the default X509 proxy file (/tmp/x509up_u<uid>). */
  euid?: number;
  /**
   * The schedd materializes a job factory's procs (HTCondor's make_job_ad with a clusterAd): condor_submit
   * checked the credential files when it built proc 0, and they are not read again.
   */
  materializing?: boolean;
  /** SIGN_S3_URLS (default true): s3:// and gs:// URLs need the keys to sign them with. */
  signS3Urls?: boolean;
  /** JOB_DEFAULT_LEASE_DURATION (an expression; default 2400): the JobLeaseDuration of a job that sets none. */
  defaultLeaseDuration?: string;
  /** JOB_DEFAULT_NOTIFICATION: the notification of a job that sets none (unset: Never). */
  defaultNotification?: string;
  /** SCHEDD_INTERVAL, the ScheddInterval of a deferred job (an expression; default 300). */
  scheddInterval?: string;
  /** SUBMIT_REQUEST_MISSING_UNITS, when set: a request_memory or request_disk size without a unit is refused ('error') or warned of. */
  requestMissingUnits?: string;
  /** ON_EVICT_CHECK_RequestMemory_REQUIREMENTS and ON_EVICT_CHECK_RequestDisk_REQUIREMENTS, when set: the built-in eviction checks' REQUIREMENTS. */
  onEvictRequirements?: Partial<Record<'RequestMemory' | 'RequestDisk', string>>;
  /** SUBMIT_SKIP_FILECHECKS = false: the input file must be readable at submit time. */
  fileChecks?: boolean;
  /** EXTENDED_SUBMIT_COMMANDS, by lower-case name. */
  extendedCommands?: ReadonlyMap<string, ExtendedSubmitCommand>;
  /**
   * What the ClassAd evaluations of $EVAL(), $STRING(), $INT() and $REAL() are given: userMap()'s maps, those of
   * SUBMIT_CLASSAD_USER_MAP_NAMES in condor_submit (its subsystem is SUBMIT), the schedd's for a job factory.
   */
  evalContext?: EvalContext;
  /** A `warning :` line's message (Parse_macros), printed as condor_submit prints it. */
  warn?(message: string): void;
}

/** `readError`: the file is there but cannot be read. */
export type FileProbe = { size: number; firstLine: string; readError?: string } | { error: string };
