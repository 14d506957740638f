// Submit commands → one proc's job ClassAd (HTCondor's SubmitHash::Set* functions).
import { posix } from 'node:path';
import { ClassAd, ClassAdParseError, childExprs, ownReferences, parseOldExpr, quoteString, unparse, type Expr } from '../classad/index.js';
import { concurrencyLimitsAttribute } from '../concurrency-limits.js';
import { JOB_UNIVERSE_LOCAL, JOB_UNIVERSE_SCHEDULER } from '../local-universe.js';
import { usesFileTransfer } from '../transfer-files.js';
import { neededPluginMethods } from '../url-transfer.js';
import { aliasesOf } from './aliases.js';
import { isMistakenRequest } from './usage.js';
import { QuotingError, isV2Quoted, joinV1Raw, joinV2Raw, parseArgumentList } from './arguments.js';
import type { SubmitContext } from './context.js';
import {
  ENV_V1_DELIMITER,
  formatEnvironmentV1Raw,
  formatEnvironmentV2Raw,
  isSafeV1Value,
  parseEnvironmentList,
  selectImportedEnv,
} from './environment.js';
import { apptainerImageRefusal, containerImageType, containerRequirements, isValidContainerImage, type ContainerKind } from './container-job.js';
import { condorSubmitError, submitError, type SourcePos } from './errors.js';
import { splitList } from './queue.js';
import { parseSize } from './size.js';
import { builtInEvictCheck, EvictCheckError, parseInt64Bytes, TRANSFORM_LINE_SEPARATOR, type EvictCheck } from './evict-checks.js';
import { atoi } from '../c-numbers.js';
import {
  isBooleanWord,
  normalizeFileList,
  normalizeRemaps,
  normalizeSignal,
  shouldTransferFilesValue,
  stripEnclosingQuotes,
  whenToTransferOutputValue,
  parseBoolean,
  parseInteger,
} from './values.js';

export const JOB_UNIVERSE_VANILLA = 5;
/** JOB_DEFAULT_LEASE_DURATION's default (param_info.in): 40 minutes. */
export const DEFAULT_JOB_LEASE_DURATION = '2400';
export const JOB_STATUS_IDLE = 1;
export const JOB_STATUS_HELD = 5;
export const HOLD_CODE_SUBMITTED_ON_HOLD = 15;
/** HTCondor's DEFAULT_JOB_MAX_RETRIES, used when retry knobs come without max_retries. */
export const DEFAULT_JOB_MAX_RETRIES = 2;
export const DEFAULT_REQUEST_MEMORY_MB = 128;
/** HTCondor derives the default from executable + input sizes; that needs I/O, so a constant. */
export const DEFAULT_REQUEST_DISK_KB = 1024;
const NULL_FILE = '/dev/null';

/** The universes this pool runs: vanilla with its container toppings, and the two the schedd runs on its own host. */
const SUPPORTED_UNIVERSES = ['vanilla', 'docker', 'container', 'local', 'scheduler'];
const KNOWN_UNIVERSES = ['standard', 'vanilla', 'scheduler', 'local', 'grid', 'java', 'vm', 'parallel', 'docker', 'container'];
const NOTIFICATIONS: Record<string, number> = { never: 0, always: 1, complete: 2, error: 3, start: 4 };
/** SetCronTab's commands (SimpleSubmitKeyword f_as_string), in NeedsJobDeferral's order of their attributes. */
const CRON_COMMANDS = [
  ['cron_minute', 'CronMinute'],
  ['cron_hour', 'CronHour'],
  ['cron_day_of_month', 'CronDayOfMonth'],
  ['cron_month', 'CronMonth'],
  ['cron_day_of_week', 'CronDayOfWeek'],
] as const;
/** submit_utils.h: JOB_DEFERRAL_PREP_TIME_DEFAULT, JOB_DEFERRAL_WINDOW_DEFAULT, SCHEDD_INTERVAL_DEFAULT (seconds). */
export const DEFERRAL_PREP_TIME_DEFAULT = 300;
export const DEFERRAL_WINDOW_DEFAULT = 0;
export const SCHEDD_INTERVAL_DEFAULT = 300;
/** SetRequirements' clause for a deferred job: matched from its prep time before the next schedd interval, never after its window. */
const DEFERRAL_REQUIREMENT = '((time() + ScheddInterval) >= (DeferralTime - DeferralPrepTime)) && (time() < (DeferralTime + DeferralWindow))';

export interface CommandValue {
  /** Macro-expanded and trimmed; may be empty. */
  value: string;
  pos: SourcePos;
}

export interface CustomAttribute {
  /** The definition's name, `my.<name>` lower-case. */
  key: string;
  name: string;
  value: string;
  pos: SourcePos;
}

export interface ProcInput {
  /** The value of the first of `names` (lower-case command names) that is set. */
  command(names: readonly string[]): CommandValue | undefined;
  /** The names, as written, of the commands set whose lower-case name starts with `prefix` (request_<tag>…). */
  commandNames(prefix: string): string[];
  customAttributes: readonly CustomAttribute[];
  clusterId: number;
  procId: number;
  /** The queue statement that made this proc (for errors about missing commands). */
  queuePos: SourcePos;
  qdate: number;
  ctx: SubmitContext;
  /** condor_submit warns of this (push_warning); dropped where no one reads the warnings. */
  warn?(warning: string): void;
}

/**
 * What one section of the build read and wrote. A section reads only commands (its `reads`, lower-case
 * names, and PROC_ID_READ for the proc id) and its own attributes, so for a proc whose commands have the
 * values another proc's have, the section writes the same attributes: procs are rebuilt only in the
 * sections that read a per-proc value (see ProcTemplate).
 */
export interface SectionOutput {
  reads: string[];
  /** The attributes the section set, in the order it first set them. */
  ad: ClassAd;
}

/** The read a section makes of the proc id. */
export const PROC_ID_READ = '(procid)';

/** NICE_USER_ACCOUNTING_GROUP_NAME's default (param_info.in): the accounting group of nice_user jobs. */
const NICE_USER_GROUP = 'nice-user';

/** Builds one proc's ad; every problem is a SubmitError at the offending line. */
export function buildJobAd(input: ProcInput): ClassAd {
  return composeSections(buildJobAdSections(input));
}

/** The sections of a proc's ad, in order; with `only`, just those (by index), the others undefined. */
export function buildJobAdSections(input: ProcInput, only?: readonly number[]): (SectionOutput | undefined)[] {
  return new JobAdBuilder(input).build(only);
}

/** The whole ad from its sections: attributes in the order first set, with the last value set. */
export function composeSections(sections: readonly (SectionOutput | undefined)[]): ClassAd {
  const ad = new ClassAd();
  for (const section of sections) if (section) ad.update(section.ad);
  return ad;
}

class JobAdBuilder {
  private ad = new ClassAd();
  private reads: string[] = [];

  constructor(private readonly input: ProcInput) {}

  /** In HTCondor's order (SubmitHash::Set*); the custom attributes last, so that they override. */
  private static readonly SECTIONS: readonly ((b: JobAdBuilder) => void)[] = [
    (b) => b.ad.set('MyType', 'Job').set('TargetType', 'Machine').set('ClusterId', b.input.clusterId),
    (b) => {
      b.reads.push(PROC_ID_READ);
      b.ad.set('ProcId', b.input.procId);
    },
    (b) => {
      const { input } = b;
      b.ad.set('QDate', input.qdate).set('EnteredCurrentStatus', input.qdate).set('CompletionDate', 0);
      b.ad.set('Owner', input.ctx.owner).set('User', `${input.ctx.owner}@${input.ctx.uidDomain ?? 'localhost'}`);
    },
    (b) => b.setUniverse(),
    (b) => {
      for (const name of ['NumJobStarts', 'NumShadowStarts', 'NumJobCompletions', 'NumRestarts', 'NumCkpts', 'CommittedTime']) {
        b.ad.set(name, 0);
      }
      b.setImageSize();
    },
    (b) => b.ad.set('Iwd', b.iwd()),
    (b) => b.setExecutable(),
    (b) => b.setContainer(),
    (b) => b.setArguments(),
    (b) => b.setJavaVMArgs(),
    (b) => b.setEnvironment(),
    (b) => b.refuseToolDaemon(),
    // Apart, as output = out.$(Process) and the like make them differ per proc.
    (b) => b.setStdin(),
    (b) => b.setStdFile('output', 'Out', 'transfer_output', 'TransferOut', 'stream_output', 'StreamOut'),
    (b) => b.setStdFile('error', 'Err', 'transfer_error', 'TransferErr', 'stream_error', 'StreamErr'),
    (b) => b.setCredentials(),
    (b) => b.setUserLog(),
    (b) => b.setStreaming(),
    (b) => b.setTransfer(),
    (b) => b.setRemoteIoFiles(),
    (b) => b.setResources(),
    (b) => b.setDeferral(),
    (b) => b.setPolicy(),
    (b) => b.setStatus(),
    (b) => b.setMisc(),
    (b) => b.setSimpleCommands(),
    (b) => b.setExtendedCommands(),
    (b) => b.setCustomAttributes(),
  ];

  build(only: readonly number[] | undefined): (SectionOutput | undefined)[] {
    const sections = JobAdBuilder.SECTIONS;
    const outputs: (SectionOutput | undefined)[] = new Array(sections.length).fill(undefined);
    for (const index of only ?? sections.keys()) {
      this.ad = new ClassAd();
      this.reads = [];
      sections[index](this);
      outputs[index] = { reads: this.reads, ad: this.ad };
    }
    return outputs;
  }

  private command(names: readonly string[]): CommandValue | undefined {
    this.reads.push(...names);
    const found = this.input.command(names);
    if (found) return found;
    const aliases = aliasesOf(names);
    if (aliases.length === 0) return undefined;
    this.reads.push(...aliases);
    return this.input.command(aliases);
  }

  private get(names: string | readonly string[]): CommandValue | undefined {
    const found = this.command(typeof names === 'string' ? [names] : names);
    return found && found.value !== '' ? found : undefined;
  }

  /** Runs a value check, turning its RangeError into a SubmitError naming the command. */
  private check<T>(command: string, found: CommandValue, parse: (value: string) => T): T {
    try {
      return parse(found.value);
    } catch (err) {
      if (err instanceof RangeError) throw submitError(found.pos, `${command}: ${err.message}`);
      throw err;
    }
  }

  /** A command's expression as SubmitHash::AssignJobExpr reads it (ParseClassAdRvalExpr: old ClassAd syntax, `"C:\dir"` keeps its backslash). */
  private validateExpr(command: string, found: CommandValue): void {
    try {
      parseOldExpr(found.value);
    } catch (err) {
      if (err instanceof ClassAdParseError) {
        throw submitError(found.pos, `${command}: invalid ClassAd expression "${found.value}" (${err.message})`);
      }
      throw err;
    }
  }

  private setExpr(attribute: string, command: string, found: CommandValue): void {
    this.validateExpr(command, found);
    this.ad.setOldExpr(attribute, found.value);
  }

  private exprOrDefault(command: string, attribute: string, fallback: string): void {
    const found = this.get(command);
    if (found) this.setExpr(attribute, command, found);
    else this.ad.setExpr(attribute, fallback);
  }

  private optionalExpr(command: string, attribute: string): void {
    const found = this.get(command);
    if (found) this.setExpr(attribute, command, found);
  }

  private optionalBool(command: string, attribute: string, fallback?: boolean): void {
    const found = this.get(command);
    if (found) this.ad.set(attribute, this.check(command, found, parseBoolean));
    else if (fallback !== undefined) this.ad.set(attribute, fallback);
  }

  private optionalString(command: string, attribute: string): void {
    const found = this.get(command);
    if (found) this.ad.set(attribute, found.value);
  }

  /** A SimpleSubmitKeyword f_as_bool, with do_simple_commands' refusal. */
  private simpleBool(command: string, attribute: string): void {
    const found = this.get(command);
    if (found) this.ad.set(attribute, submitBool(command, found));
  }

  private setUniverse(): void {
    const found = this.get('universe');
    const universe = found?.value.toLowerCase();
    if (found && !SUPPORTED_UNIVERSES.includes(universe as string)) {
      const known = KNOWN_UNIVERSES.includes(universe as string);
      throw submitError(found.pos, known ? `universe ${found.value} is not supported (only vanilla, docker, container, local and scheduler)` : `unknown universe "${found.value}"`);
    }
    if (universe === 'scheduler') {
      // SetUniverse checks no image for the scheduler universe: the schedd runs the job itself, in no container.
      this.ad.set('JobUniverse', JOB_UNIVERSE_SCHEDULER);
      return;
    }
    if (universe === 'local') {
      // A local universe job in a container (SetUniverse's topping on local) is not run here.
      if (this.containerKind() !== undefined) {
        throw submitError(this.input.queuePos, 'a local universe job in a container (docker_image, container_image) is not supported');
      }
      this.ad.set('JobUniverse', JOB_UNIVERSE_LOCAL);
      return;
    }
    this.ad.set('JobUniverse', JOB_UNIVERSE_VANILLA);
    // The docker and container universes are toppings on vanilla, marked as SetUniverse marks them.
    const kind = this.containerKind();
    if (kind === 'docker') this.ad.set('WantDocker', true);
    if (kind === 'container') {
      this.ad.set('WantContainer', true);
      if (this.get('docker_image')) this.ad.set('WantDockerImage', true);
    }
  }

  /**
   * Whether the job runs in a container, as SetUniverse decides it, with its refusals: a docker-universe
   * job names a docker_image and no container_image; any other names at most one of the two, and either
   * makes it a container job (a vanilla job naming an image runs in it).
   */
  private containerKind(): ContainerKind {
    const universe = this.get('universe')?.value.toLowerCase();
    const dockerImage = this.get('docker_image');
    const containerImage = this.get('container_image');
    // Only vanilla and local take an image as a topping (SetUniverse); the scheduler universe runs in none.
    if (universe === 'scheduler') return undefined;
    if (universe === 'docker') {
      if (containerImage) throw condorSubmitError(containerImage.pos, 'docker universe does not allow use of container_image.');
      if (!dockerImage) throw condorSubmitError(this.input.queuePos, 'docker jobs require a docker_image');
      return 'docker';
    }
    if (dockerImage && containerImage) throw condorSubmitError(containerImage.pos, 'cannot declare both docker_image and container_image');
    if (universe === 'container' && !dockerImage && !containerImage) {
      throw condorSubmitError(this.input.queuePos, 'container jobs require a container_image or docker_image');
    }
    return universe === 'container' || dockerImage || containerImage ? 'container' : undefined;
  }

  /** SetExecutable's image checks, SetContainerSpecial's services, and the docker keywords kept verbatim. */
  private setContainer(): void {
    const kind = this.containerKind();
    const dockerImage = this.get('docker_image');
    const containerImage = this.get('container_image');
    if (dockerImage) {
      const image = stripEnclosingQuotes(dockerImage.value.trim()).trim();
      if (image === '') throw condorSubmitError(dockerImage.pos, `'${dockerImage.value}' is not a valid docker_image${kind === 'container' ? ' for container universe' : ''}`);
      this.ad.set('DockerImage', image);
    }
    // Set for every job (SetSimpleJobExprs); false makes process_container_input_files call the image local.
    this.optionalBool('transfer_container', 'TransferContainer');
    if (containerImage) {
      const image = stripEnclosingQuotes(containerImage.value.trim()).trim();
      if (!isValidContainerImage(image)) throw condorSubmitError(containerImage.pos, `'${containerImage.value}' is not a valid container image`);
      const type = containerImageType(image);
      const refusal = apptainerImageRefusal(image, type);
      if (refusal !== undefined) throw submitError(containerImage.pos, refusal);
      this.ad.set('ContainerImage', image).set('WantDockerImage', true);
      if (this.ad.getBool('TransferContainer') === false) this.ad.set('ContainerImageSource', 'local');
      else if (image.startsWith('docker://')) this.ad.set('ContainerImageSource', 'docker');
    }
    // SetSimpleJobExprs sets these in every universe; only a container job's starter acts on them.
    this.optionalString('docker_network_type', 'DockerNetworkType');
    this.optionalString('docker_pull_policy', 'DockerPullPolicy');
    this.simpleBool('docker_override_entrypoint', 'DockerOverrideEntrypoint');
    this.simpleBool('docker_send_credentials', 'DockerSendCredentials');
    if (this.ad.getBool('DockerSendCredentials') === true) this.checkDockerCredentials();
    const targetDir = this.get('container_target_dir');
    if (targetDir) this.ad.set('ContainerTargetDir', stripEnclosingQuotes(targetDir.value));
    // Only a .sif image or a sandbox directory is transferred (or not, when common): tinycondor refuses both.
    this.simpleBool('container_is_common', 'ContainerIsCommon');
    if (kind !== undefined) this.setContainerServices();
  }

  /** SetTransferFiles: the submitter's docker credentials, which HTCondor's shadow sends, must be there. */
  private checkDockerCredentials(): void {
    const pos = this.get('docker_send_credentials')?.pos ?? this.input.queuePos;
    const home = this.input.ctx.env.HOME;
    // push_error's words begin with "ERROR: ", and condor_submit prints another before them.
    if (home === undefined) throw condorSubmitError(pos, 'ERROR: DOCKER_CONFIG directory is not defined');
    const file = `${home}/.docker/config.json`;
    const probe = this.input.ctx.probeFile(file);
    if ('error' in probe) throw condorSubmitError(pos, `ERROR: Cannot locate docker credentials file ${file}: ${probe.error}`);
  }

  /** container_service_names: each service needs `<service>_container_port`, a port number (SetContainerSpecial). */
  private setContainerServices(): void {
    const services = this.get('container_service_names');
    if (!services) return;
    this.ad.set('ContainerServiceNames', services.value);
    for (const service of splitList(services.value)) {
      const port = this.get(`${service}_container_port`.toLowerCase());
      const portNo = port && /^\d+$/.test(port.value) ? Number(port.value) : -1;
      if (portNo < 0 || portNo > 65535) {
        throw condorSubmitError(port?.pos ?? services.pos, `Requested container service '${service}' was not assigned a port, or the assigned port was not valid.`);
      }
      this.ad.set(`${service}_ContainerPort`, portNo);
    }
  }

  /** Read again by each section that needs it, so that it counts among that section's reads. */
  private iwd(): string {
    const found = this.get(['initialdir', 'iwd', 'initial_dir', 'job_iwd']);
    return posix.resolve(this.input.ctx.submitDir, found?.value ?? '.');
  }

  private setExecutable(): void {
    // Read for every job, as make_job_ad reads it before any check: a bad value is refused whatever the job.
    const skipChecks = this.skipFileChecks();
    // SetExecutable: a shell command line runs under /bin/sh on the execute machine; executable is not read.
    if (this.get('shell')) {
      this.ad.set('Cmd', '/bin/sh').set('TransferExecutable', false);
      return;
    }
    // submit_param reads an empty value as no value: `executable =` is no executable.
    const found = this.get('executable');
    if (!found && this.containerKind() !== undefined) {
      // A container job may run its image's own command: no executable, nothing transferred.
      this.ad.set('TransferExecutable', false).set('Cmd', '');
      return;
    }
    if (!found) throw condorSubmitError(this.input.queuePos, "No 'executable' parameter was provided");
    // SetExecutable reads it for every job and swaps it in only for condor_submit -interactive, which
    // tinycondor's condor_submit does not take: read, without effect, as for HTCondor's batch submits.
    this.get('interactive_executable');
    this.optionalBool('transfer_executable', 'TransferExecutable');
    const transferred = this.ad.getBool('TransferExecutable') !== false;
    // A container job's executable that is not transferred lives in its image: kept as written.
    if (!transferred && this.containerKind() !== undefined) {
      this.ad.set('Cmd', found.value);
      return;
    }
    // Unlike input and output files, the executable is relative to where condor_submit runs, not to initialdir.
    const cmd = posix.resolve(this.input.ctx.submitDir, found.value);
    this.ad.set('Cmd', cmd);
    if (transferred && !found.value.includes('$$')) this.checkExecutable(found, cmd, skipChecks === 'warn');
  }

  /**
   * The skip_filechecks command (make_job_ad, before any check): `warn` makes the executable's checks
   * warnings (FileChecksAreWarnings), a true boolean skips check_open's checks of the other files.
   */
  private skipFileChecks(): 'warn' | boolean {
    const found = this.get('skip_filechecks');
    if (!found) return false;
    if (found.value.toLowerCase() === 'warn') return 'warn';
    if (!isBooleanWord(found.value)) throw condorSubmitError(found.pos, `SUBMIT_CMD_skip_filechecks=${found.value} is invalid, must be 'warn' or a boolean`);
    return parseBoolean(found.value);
  }

  /** condor_submit's check_sub_file for a transferred executable; the message names it as written. */
  private checkExecutable(found: CommandValue, path: string, asWarnings: boolean): void {
    const fail = (error: string, warning = error) => {
      if (!asWarnings) throw condorSubmitError(found.pos, error);
      this.input.warn?.(warning);
    };
    const probe = this.input.ctx.probeFile(path);
    if ('error' in probe) return fail(`Can't access executable file ${found.value}: ${probe.error}`);
    // check_sub_file's warning has two blanks before "has".
    if (probe.size === 0) return fail(`Executable file ${found.value} has zero length`, `Executable file ${found.value}  has zero length`);
    if (probe.firstLine.startsWith('#!') && probe.firstLine.endsWith('\r\n')) {
      return fail(
        `Executable file ${found.value} is a script with CRLF (DOS/Windows) line endings.\n` +
          `This generally doesn't work, and you should probably run 'dos2unix ${found.value}' -- or a similar tool -- before you resubmit.`,
        `Executable file ${found.value} is a script with CRLF (DOS/Windows) line endings.`,
      );
    }
  }

  /**
   * SetArguments: arguments2 (V2 quoted only) wins over arguments; both together need allow_arguments_v1 = true,
   * which is read for every job, as the other two are.
   */
  private setArguments(): void {
    const args1 = this.get(['arguments', 'args']);
    const args2 = this.get('arguments2');
    const allowV1 = this.get('allow_arguments_v1');
    const allowed = allowV1 ? submitBool('allow_arguments_v1', allowV1) : false;
    // shell's command line is sh's -c argument, and arguments is not used.
    const shell = this.get('shell');
    if (shell) {
      this.ad.set('Arguments', joinV2Raw(['-c', shell.value]));
      return;
    }
    // As interactive_executable: used by condor_submit -interactive only.
    this.get('interactive_args');
    if (args1 && args2 && !allowed) {
      throw condorSubmitError(
        args2.pos,
        "If you wish to specify both 'arguments' and\n'arguments2' for maximal compatibility with different\nversions of Condor, then you must also specify\nallow_arguments_v1=true.",
      );
    }
    if (args2 && !isV2Quoted(args2.value)) {
      throw condorSubmitError(args2.pos, `Expecting double-quoted input string (V2 format).\nThe full arguments you specified were: ${args2.value}`);
    }
    const found = args2 ?? args1;
    if (!found) {
      this.ad.set('Arguments', '');
      return;
    }
    try {
      const { args, syntax } = parseArgumentList(found.value);
      if (syntax === 'v1') this.ad.set('Args', joinV1Raw(args));
      else this.ad.set('Arguments', joinV2Raw(args));
    } catch (err) {
      if (err instanceof QuotingError) throw submitError(found.pos, `failed to parse arguments: ${err.message}`);
      throw err;
    }
  }

  /**
   * SetJavaVMArgs, run for every universe: JavaVMArgs (V1 raw) or JavaVMArguments (V2 raw). Only a java
   * universe job's starter passes them to the JVM; a job of another universe just carries them.
   */
  private setJavaVMArgs(): void {
    const args1Old = this.get('java_vm_args');
    const args1Ext = this.get('java_vm_arguments');
    const args2 = this.get('java_vm_arguments2');
    if (args1Old && args1Ext) throw condorSubmitError(args1Ext.pos, 'you specified a value for both java_vm_args and java_vm_arguments.');
    const args1 = args1Ext ?? args1Old;
    // submit_param_bool reads it whatever the java commands, refusing a value that is not a boolean.
    const allow = this.get('allow_arguments_v1');
    const allowV1 = allow !== undefined && submitBool('allow_arguments_v1', allow);
    if (args2 && args1) {
      if (!allowV1) {
        throw condorSubmitError(
          args2.pos,
          "If you wish to specify both 'java_vm_arguments' and\n'java_vm_arguments2' for maximal compatibility with different\nversions of Condor, then you must also specify\nallow_arguments_v1=true.",
        );
      }
    }
    const found = args2 ?? args1;
    if (!found) return;
    try {
      if (args2 && !isV2Quoted(args2.value)) throw new QuotingError('Expecting double-quoted input string (V2 format).');
      const { args, syntax } = parseArgumentList(found.value);
      if (syntax === 'v1') {
        if (joinV1Raw(args) !== '') this.ad.set('JavaVMArgs', joinV1Raw(args));
      } else if (joinV2Raw(args) !== '') {
        this.ad.set('JavaVMArguments', joinV2Raw(args));
      }
    } catch (err) {
      if (err instanceof QuotingError) throw condorSubmitError(found.pos, `failed to parse java VM arguments: ${err.message}\nThe full arguments you specified were ${found.value}`);
      throw err;
    }
  }

  /**
   * SetTDP: HTCondor's starter runs tool_daemon_cmd beside the job of any universe (a tool daemon, which may
   * have the job stopped at exec); tinycondor's startd runs the job alone, so such a job is refused. The other
   * tool_daemon_* commands are read only with it (unused lines otherwise, as on HTCondor).
   */
  private refuseToolDaemon(): void {
    const cmd = this.get('tool_daemon_cmd');
    if (cmd) {
      throw submitError(cmd.pos, "tool_daemon_cmd is not supported by tinycondor: HTCondor's starter would run it as a tool daemon beside the job, which tinycondor's startd cannot");
    }
  }

  /**
   * SetGSICredentials: use_x509userproxy finds the proxy where GSI puts it, delegate_job_gsi_credentials_lifetime
   * is an integer, and use_scitokens/scitokens_file name a token file (the job's ScitokensFile, which only the
   * gridmanager reads).
   */
  private setCredentials(): void {
    const proxy = this.get('x509userproxy');
    const useProxy = this.get('use_x509userproxy');
    if (!proxy && useProxy && submitBool('use_x509userproxy', useProxy)) this.useDefaultProxy(useProxy);
    const lifetime = this.get('delegate_job_gsi_credentials_lifetime');
    if (lifetime) {
      // strtol up to the end: a sign and digits after leading blanks.
      if (!/^\s*[+-]?\d+$/.test(lifetime.value)) throw condorSubmitError(lifetime.pos, `invalid integer setting delegate_job_gsi_credentials_lifetime = ${lifetime.value}`);
      this.ad.set('DelegateJobGSICredentialsLifetime', Number(lifetime.value));
    }
    const useTokens = this.get(['use_scitokens', 'use_scitoken']);
    const tokenFile = this.get('scitokens_file');
    let wanted = tokenFile !== undefined;
    if (useTokens) {
      if (useTokens.value.toLowerCase() === 'auto') wanted = tokenFile !== undefined || !!this.input.ctx.env.BEARER_TOKEN_FILE;
      else if (isBooleanWord(useTokens.value)) wanted = parseBoolean(useTokens.value);
      else throw condorSubmitError(useTokens.pos, 'use_scitokens error. Value should be true, false, or auto.');
    }
    if (!wanted) return;
    const file = tokenFile?.value ?? this.input.ctx.env.BEARER_TOKEN_FILE;
    if (file === undefined) {
      throw condorSubmitError(useTokens?.pos ?? this.input.queuePos, 'No Scitokens filename specified. Expected either scitokens_file command or the BEARER_TOKEN_FILE environment variable to be set.');
    }
    this.ad.set('ScitokensFile', posix.resolve(this.iwd(), file));
  }

  /**
   * use_x509userproxy without x509userproxy: X509_USER_PROXY or /tmp/x509up_u<euid> (get_x509_proxy_filename),
   * which condor_submit reads (x509_proxy_read) and refuses when it holds no certificate; a factory's procs
   * get the name condor_submit checked.
   */
  private useDefaultProxy(useProxy: CommandValue): void {
    const { env, euid, probeFile, materializing } = this.input.ctx;
    const file = env.X509_USER_PROXY ?? (euid === undefined ? undefined : `/tmp/x509up_u${euid}`);
    if (file === undefined) throw condorSubmitError(useProxy.pos, "Can't determine proxy filename\nX509 user proxy is required for this job.");
    const full = posix.resolve(this.iwd(), file);
    if (!materializing) {
      const probe = probeFile(full);
      if ('error' in probe || probe.readError !== undefined || !probe.firstLine.startsWith('-----BEGIN')) throw condorSubmitError(useProxy.pos, 'unable to read proxy file');
    }
    this.ad.set('x509userproxy', full);
  }

  /**
   * SetEnvironment: environment2 (V2 quoted only) wins over environment/env; both together need
   * allow_environment_v1 = true, read for every job.
   */
  private setEnvironment(): void {
    const environment = this.get('environment');
    const envKeyword = this.get('env');
    const env1 = environment ?? envKeyword;
    const env2 = this.get('environment2');
    const allowV1 = this.get('allow_environment_v1');
    const allowed = allowV1 ? submitBool('allow_environment_v1', allowV1) : false;
    if (env1 && env2 && !allowed) {
      throw condorSubmitError(
        env2.pos,
        "If you wish to specify both 'environment' and\n'environment2' for maximal compatibility with different\nversions of Condor, then you must also specify\nallow_environment_v1=true.",
      );
    }
    if (env2 && !isV2Quoted(env2.value)) {
      throw condorSubmitError(env2.pos, `Expecting a double-quoted environment string (V2 format).\nThe environment you specified was: '${env2.value}'`);
    }
    const found = env2 ?? env1;
    // Since HTCondor 9.13 the V2 form is written unless the user chose the `env` keyword with V1 text.
    const preferV1 = !env2 && !environment && envKeyword !== undefined && !isV2Quoted(envKeyword.value);
    let env: Record<string, string> = {};
    if (found) {
      try {
        env = parseEnvironmentList(found.value);
      } catch (err) {
        if (err instanceof QuotingError) throw submitError(found.pos, `failed to parse environment: ${err.message}`);
        throw err;
      }
    }
    const getenv = this.get(['getenv', 'get_env']);
    if (getenv) {
      const importAll = isBooleanWord(getenv.value);
      if (!importAll || parseBoolean(getenv.value)) {
        const imported = selectImportedEnv(importAll ? [] : splitList(getenv.value), this.input.ctx.env);
        for (const [name, value] of Object.entries(imported)) {
          if (name in env || (preferV1 && !isSafeV1Value(value))) continue;
          env[name] = value;
        }
      }
    }
    if (preferV1) {
      const v1 = formatEnvironmentV1Raw(env);
      if (v1 === null) throw submitError(found!.pos, 'environment value cannot be written in the old (V1) syntax');
      this.ad.set('Env', v1).set('EnvDelim', ENV_V1_DELIMITER);
    } else {
      this.ad.set('Environment', formatEnvironmentV2Raw(env));
    }
  }

  /**
   * SetStdin: the file, and StreamIn for one transferred, else TransferIn = false; with SUBMIT_SKIP_FILECHECKS
   * = false condor_submit's check_open of the input it will transfer: not of one transfer_input = false names.
   */
  private setStdin(): void {
    const found = this.get('input');
    const skipChecks = this.skipFileChecks();
    this.ad.set('In', found?.value ?? NULL_FILE);
    const transfers = this.transfersStdFile(found, 'transfer_input');
    // Read whatever the input: the startd streams the file named (openStdinStream).
    const stream = this.get('stream_input');
    const streamed = stream ? submitBool('stream_input', stream) : false;
    if (!transfers) {
      this.ad.set('TransferIn', false);
      return;
    }
    this.ad.set('StreamIn', streamed);
    if (!this.input.ctx.fileChecks || found.value.includes('$$(') || skipChecks === true) return;
    const path = posix.resolve(this.iwd(), found.value);
    const probe = this.input.ctx.probeFile(path);
    const error = 'error' in probe ? probe.error : probe.readError;
    // open(O_RDONLY) of a directory succeeds, so condor_submit lets it pass.
    if (error !== undefined && error !== 'Is a directory') throw condorSubmitError(found.pos, `Can't open "${path}"  with flags 00 (${error})`);
  }

  /**
   * Whether condor_submit takes the standard file `found` for one to transfer (CheckStdFile): not when it is
   * none or the null file, nor when the job's transfer_input/output/error is false. Only the grid universe
   * acts on TransferIn/Out/Err; for other jobs it is a mark in the ad (and no check_open of the input).
   */
  private transfersStdFile(found: CommandValue | undefined, transferCommand: string): found is CommandValue {
    const transfer = this.get(transferCommand);
    if (transfer && !isBooleanWord(transfer.value)) throw condorSubmitError(transfer.pos, `${transferCommand}=${transfer.value} is invalid, must eval to a boolean.`);
    const wanted = transfer ? parseBoolean(transfer.value) : true;
    return wanted && found !== undefined && found.value !== NULL_FILE;
  }

  /** SetStdout and SetStderr: the file, and StreamOut/StreamErr for one transferred, else TransferOut/TransferErr = false. */
  private setStdFile(command: string, attribute: string, transferCommand: string, transferAttribute: string, streamCommand: string, streamAttribute: string): void {
    const found = this.get(command);
    this.ad.set(attribute, found?.value ?? NULL_FILE);
    const stream = this.get(streamCommand);
    const streamed = stream ? this.check(streamCommand, stream, parseBoolean) : false;
    if (this.transfersStdFile(found, transferCommand)) this.ad.set(streamAttribute, streamed);
    else this.ad.set(transferAttribute, false);
  }

  private setUserLog(): void {
    const log = this.get('log');
    if (log) this.ad.set('UserLog', posix.resolve(this.iwd(), log.value));
  }

  private setStreaming(): void {
    this.optionalBool('log_xml', 'ULogUseXML');
  }

  private setTransfer(): void {
    const inputFiles = this.fileList('transfer_input_files');
    const outputFiles = this.fileList('transfer_output_files');
    const checkpoint = this.get('transfer_checkpoint_files');
    const checkpointFiles = checkpoint && normalizeFileList(checkpoint.value);
    const { should, when } = this.transferModes(inputFiles !== undefined && inputFiles !== '', outputFiles !== undefined);
    this.ad.set('ShouldTransferFiles', should);
    if (should !== 'NO') this.ad.set('WhenToTransferOutput', when);
    if (inputFiles) this.ad.set('TransferInput', inputFiles);
    // Read only for a job that may transfer files (SetTransferFiles); sent as inputs (listedInputFiles).
    const publicInputs = should !== 'NO' ? this.fileList('public_input_files') : undefined;
    if (publicInputs) this.ad.set('PublicInputFiles', publicInputs);
    const common = this.commonInputFiles();
    if (common) this.ad.set('CommonInputFiles', common);
    // `transfer_output_files = ""` is an empty list (TransferOutput = ""): nothing is transferred back.
    if (outputFiles !== undefined) this.ad.set('TransferOutput', outputFiles);
    if (checkpointFiles) this.ad.set('TransferCheckpoint', checkpointFiles);
    const remaps = this.get('transfer_output_remaps');
    if (remaps) this.ad.set('TransferOutputRemaps', this.check('transfer_output_remaps', remaps, normalizeRemaps));
    this.optionalBool('preserve_relative_paths', 'PreserveRelativePaths');
    this.setPerFileEncryption();
    // As SimpleSubmitKeyword f_as_expr; the schedd acts on them as the shadow does (maxTransferBytes).
    this.optionalExpr('max_transfer_input_mb', 'MaxTransferInputMB');
    this.optionalExpr('max_transfer_output_mb', 'MaxTransferOutputMB');
    this.optionalBool('manifest', 'JobManifestDesired');
    // The starter's limits of the job's core dumps (f_as_int) and stack (f_as_expr): startd job-limits.ts.
    const coreSize = this.get('core_size');
    if (coreSize) {
      if (!/^[+-]?\d+$/.test(coreSize.value.trim())) throw condorSubmitError(coreSize.pos, `core_size=${coreSize.value} is invalid, must eval to an integer.`);
      this.ad.set('CoreSize', Number(coreSize.value.trim()));
    }
    this.optionalExpr('stack_size', 'StackSize');
    this.optionalString('manifest_dir', 'JobManifestDir');
    // Read by the starter as it opens stdout and stderr (appendsStdStreams).
    this.optionalBool('erase_output_and_error_on_restart', 'DontAppend');
    this.optionalString('checkpoint_destination', 'CheckpointDestination');
    this.optionalString('transfer_plugins', 'TransferPlugins');
    this.optionalString('output_destination', 'OutputDestination');
    const outputDirectory = this.get('output_directory');
    if (outputDirectory) {
      if (this.ad.has('OutputDestination')) throw condorSubmitError(outputDirectory.pos, 'You cannot use both output_destination and output_directory in the same submit file');
      // f_genfile: full_path, against the job's initialdir.
      this.ad.set('OutputDirectory', posix.resolve(this.iwd(), outputDirectory.value));
    }
    const checkpointCode = this.get('checkpoint_exit_code');
    if (checkpointCode) {
      this.ad.set('SuccessCheckpointExitCode', this.check('checkpoint_exit_code', checkpointCode, parseInteger));
      this.ad.set('WantFTOnCheckpoint', true);
    }
  }

  /**
   * SetSimpleJobExprs' standard-universe file options ("formerly SetFileOptions", SetFetchFiles, …): set as
   * written, strings with their quotes. Only the shadow's remote system calls read them (pseudo_ops.cpp), which a
   * vanilla job makes through the I/O proxy's Chirp open and lookup (chirp/file-info.ts).
   */
  private setRemoteIoFiles(): void {
    for (const [command, attribute] of [
      ['file_remaps', 'FileRemaps'],
      ['buffer_files', 'BufferFiles'],
      ['buffer_size', 'BufferSize'],
      ['buffer_block_size', 'BufferBlockSize'],
    ] as const) {
      this.optionalExpr(command, attribute);
    }
    for (const [command, attribute] of [
      ['fetch_files', 'FetchFiles'],
      ['compress_files', 'CompressFiles'],
      ['append_files', 'AppendFiles'],
      ['local_files', 'LocalFiles'],
    ] as const) {
      this.optionalString(command, attribute);
    }
  }

  /**
   * SetPerFileEncryption's lists. The startds send and receive files over plain HTTP: a file that must be
   * encrypted on the wire cannot be, where HTCondor's FileTransfer fails the transfer of a file it cannot
   * encrypt (set_crypto_mode); one that must not be is never encrypted here.
   */
  private setPerFileEncryption(): void {
    for (const command of ['encrypt_input_files', 'encrypt_output_files']) {
      const found = this.get(command);
      if (found) throw submitError(found.pos, `${command} is not supported: tinycondor's schedd and startds transfer files unencrypted (plain HTTP), where HTCondor encrypts the files it names on the wire`);
    }
    this.optionalString('dont_encrypt_input_files', 'DontEncryptInputFiles');
    this.optionalString('dont_encrypt_output_files', 'DontEncryptOutputFiles');
  }

  /** transfer_common_input without its quotes, its comma-separated items trimmed (SetTransferFiles' StringTokenIterator). */
  private commonInputFiles(): string | undefined {
    const found = this.get('transfer_common_input');
    return found && stripEnclosingQuotes(found.value.trim()).split(',').map((item) => item.trim()).filter((item) => item !== '').join(',');
  }

  /** A file list command without its enclosing quotes, as SetTransferFiles reads it; undefined when not set. */
  private fileList(command: string): string | undefined {
    const found = this.get(command);
    return found && normalizeFileList(stripEnclosingQuotes(found.value));
  }

  /**
   * should_transfer_files and when_to_transfer_output with HTCondor's defaults and its refusals of
   * contradictions (SubmitHash::SetTransferFiles, "FILE TRANSFER VALIDATION").
   */
  private transferModes(inputsGiven: boolean, outputsGiven: boolean): { should: string; when: string } {
    const stf = this.get('should_transfer_files');
    let should: string = 'IF_NEEDED';
    let shouldWritten = 'IF_NEEDED';
    if (stf) {
      const value = shouldTransferFilesValue(stf.value);
      if (value === undefined) {
        throw condorSubmitError(stf.pos, `invalid value (${stf.value}) for ShouldTransferFiles.  Please either specify YES, NO, or IF_NEEDED and try again.`);
      }
      should = value;
      shouldWritten = stf.value;
    }
    if (should === 'NO' && (inputsGiven || outputsGiven)) {
      const commands = inputsGiven ? (outputsGiven ? 'transfer_input_files" and "transfer_output_files' : 'transfer_input_files') : 'transfer_output_files';
      throw condorSubmitError(stf!.pos, `you specified files you want Condor to transfer via "${commands}", but you disabled should_transfer_files.`);
    }
    const wtto = this.get('when_to_transfer_output');
    let when: string = should === 'NO' && stf ? 'NONE' : 'ON_EXIT';
    let whenWritten = when === 'NONE' ? 'NEVER' : 'ON_EXIT';
    if (wtto) {
      const value = whenToTransferOutputValue(wtto.value);
      if (value === undefined) {
        throw condorSubmitError(wtto.pos, `invalid value (${wtto.value}) for WhenToTransferOutput.  Please either specify ON_EXIT, or ON_EXIT_OR_EVICT and try again.`);
      }
      when = value;
      whenWritten = wtto.value;
    }
    const at = (wtto ?? stf)!;
    if ((should === 'NO') !== (when === 'NONE')) {
      throw condorSubmitError(
        at.pos,
        `WhenToTransferOutput specified as ${whenWritten} yet ShouldTransferFiles defined as ${shouldWritten}.  Please remove this contradiction from your submit file and try again.`,
      );
    }
    // Only ON_EXIT_OR_EVICT given: the default IF_NEEDED becomes YES rather than a refusal.
    if (!stf && when === 'ON_EXIT_OR_EVICT') should = 'YES';
    if (when === 'ON_EXIT_OR_EVICT' && should === 'IF_NEEDED') {
      throw condorSubmitError(
        at.pos,
        '"when_to_transfer_output = ON_EXIT_OR_EVICT" and "should_transfer_files = IF_NEEDED" are incompatible.  ' +
          'The behavior of these two settings together would produce incorrect file access in some cases.  ' +
          'Please decide which one of those two settings you\'re more interested in. If you really want "IF_NEEDED", ' +
          'set "when_to_transfer_output = ON_EXIT".  If you really want "ON_EXIT_OR_EVICT", please set ' +
          '"should_transfer_files = YES".  After you have corrected this incompatibility, please try running condor_submit again.',
      );
    }
    const transferExecutable = this.get('transfer_executable');
    if (should === 'NO' && transferExecutable && this.check('transfer_executable', transferExecutable, parseBoolean)) {
      throw condorSubmitError(
        transferExecutable.pos,
        'You explicitly requested that the executable be transfered, but for this to work, you must enable ' +
          'Condor\'s file transfer functionality.  You need to define either: "when_to_transfer_output = ON_EXIT" ' +
          'or "when_to_transfer_output = ON_EXIT_OR_EVICT".  Optionally, you can define "should_transfer_files = ' +
          'IF_NEEDED" if you do not want any files to be transfered if the job executes on a machine in the same ' +
          'FileSystemDomain.  See the Condor manual for more details.',
      );
    }
    return { should, when };
  }

  /**
   * A request's value as SetRequestCpus, SetRequestMem and SetRequestDisk take one that is no size: a ClassAd
   * expression (`2 * 1024`, `MY.DiskUsage`), or nothing for "undefined"; absent, the default.
   */
  private setRequest(command: string, attribute: string, fallback: number): void {
    const found = this.get(command);
    if (!found) this.ad.set(attribute, fallback);
    else if (found.value.trim().toLowerCase() !== 'undefined') this.setExpr(attribute, command, found);
  }

  /**
   * SetRequestMem and SetRequestDisk: a size (with a unit, MB or KB without) may be followed by the larger sizes
   * (and last an expression) the request takes each time the job is evicted for going over it; otherwise, for a
   * size, retry_request_memory (or retry_request_memory_max and retry_request_memory_increase) and
   * retry_request_disk give them (SetBuiltInOnEvictCheck). They are read only for a size: an expression as
   * request, or request_disk's default (JOB_DEFAULT_REQUESTDISK is an expression), leaves them unused.
   */
  private setSizeRequest(command: 'request_memory' | 'request_disk', attribute: 'RequestMemory' | 'RequestDisk', fallback: number, unit: 'K' | 'M'): void {
    const found = this.get(command);
    const first = found && parseInt64Bytes(found.value, unit === 'M' ? 1024 * 1024 : 1024, ',');
    // The default request_memory is JOB_DEFAULT_REQUESTMEMORY's 128, a size without a unit too.
    const size = found ? (first ? found.value : undefined) : attribute === 'RequestMemory' ? String(fallback) : undefined;
    if (size !== undefined && (!found || first!.unit === '')) this.missingUnit(command, size, found?.pos ?? this.input.queuePos);
    if (found && first && found.value[first.end] === ',') {
      this.ad.set(attribute, first.value);
      const rest = found.value.slice(first.end + 1);
      if (rest !== '') {
        this.setBuiltInEvictCheck(attribute, command, { value: rest, pos: found.pos });
        return;
      }
    } else if (found && first) {
      this.ad.set(attribute, first.value);
    } else {
      this.setRequest(command, attribute, fallback);
      const isSize = !found && attribute === 'RequestMemory';
      if (!isSize) return;
    }
    if (attribute === 'RequestMemory') this.setRetryRequestMemory();
    else this.setBuiltInEvictCheck(attribute, 'request_disk', this.get('retry_request_disk'));
  }

  /** SetRequestMem and SetRequestDisk with SUBMIT_REQUEST_MISSING_UNITS set: a size without a unit is refused or warned of. */
  private missingUnit(command: 'request_memory' | 'request_disk', size: string, pos: SourcePos): void {
    const setting = this.input.ctx.requestMissingUnits;
    if (setting === undefined) return;
    const must = setting.toLowerCase() === 'error';
    const message =
      command === 'request_memory'
        ? `request_memory=${size} defaults to megabytes, but ${must ? 'must' : 'should'} contain a units suffix (i.e K, M, G or T)`
        : `request_disk=${size} defaults to kilobytes, ${must ? 'must' : 'should'} contain a units suffix (i.e K, M, or B)`;
    if (must) throw condorSubmitError(pos, message);
    this.input.warn?.(message);
  }

  /** retry_request_memory, else retry_request_memory_max with retry_request_memory_increase. */
  private setRetryRequestMemory(): void {
    const values = this.get('retry_request_memory');
    const max = this.get('retry_request_memory_max');
    const increment = this.get('retry_request_memory_increase');
    if (values) {
      if (increment) this.input.warn?.('retry_request_memory_increase will be ignored because retry_request_memory was used');
      this.setBuiltInEvictCheck('RequestMemory', 'retry_request_memory', values);
    } else if (max || increment) {
      this.setBuiltInEvictCheck('RequestMemory', 'retry_request_memory_max', max, increment);
    }
  }

  /** SetBuiltInOnEvictCheck: the request's retry attributes, TransformBody_<attr>, and <attr> in TransformOnEvict. */
  private setBuiltInEvictCheck(attribute: 'RequestMemory' | 'RequestDisk', command: string, values: CommandValue | undefined, increment?: CommandValue): void {
    let check: EvictCheck | undefined;
    try {
      check = builtInEvictCheck({
        attribute,
        command,
        line: values?.value,
        ...(increment ? { increment: increment.value } : {}),
        current: this.ad.getInt(attribute) ?? 0,
        ...(this.input.ctx.requestMissingUnits === undefined ? {} : { missingUnits: this.input.ctx.requestMissingUnits }),
        ...(this.input.ctx.onEvictRequirements?.[attribute] === undefined ? {} : { requirements: this.input.ctx.onEvictRequirements[attribute] }),
      });
    } catch (err) {
      if (err instanceof EvictCheckError) throw condorSubmitError((values ?? increment)!.pos, err.message);
      throw err;
    }
    if (!check) return;
    for (const warning of check.warnings) this.input.warn?.(warning);
    for (const [name, expr] of check.attributes) this.ad.setExpr(name, expr);
    this.ad.set(`TransformBody_${attribute}`, check.body);
    const list = this.ad.getString('TransformOnEvict') ?? '';
    if (!splitList(list).some((name) => name.toLowerCase() === attribute.toLowerCase())) this.ad.set('TransformOnEvict', list === '' ? attribute : `${list} ${attribute}`);
  }

  /**
   * SetOnEvictExpressions: on_evict_checks (or TransformOnEvict) names transforms, each given by
   * transform_body_<name> (or TransformBody_<name>); the named ones with a body are the job's TransformOnEvict, each
   * body in TransformBody_<name>, its lines (not blank, not comments) separated by 0x1e.
   */
  private setOnEvictChecks(): void {
    const names = this.get('on_evict_checks');
    if (!names) return;
    const found: string[] = [];
    for (const tag of splitList(names.value)) {
      const body = this.get([`transform_body_${tag.toLowerCase()}`, `transformbody_${tag.toLowerCase()}`]);
      if (!body) continue;
      found.push(tag);
      const lines = body.value.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
      this.ad.set(`TransformBody_${tag}`, lines.join(TRANSFORM_LINE_SEPARATOR));
    }
    this.ad.set('TransformOnEvict', found.join(' '));
  }

  private setResources(): void {
    this.setRequest('request_cpus', 'RequestCpus', 1);
    // SetOnEvictExpressions comes first: the built-in checks of request_memory and request_disk join its list.
    this.setOnEvictChecks();
    this.setSizeRequest('request_memory', 'RequestMemory', DEFAULT_REQUEST_MEMORY_MB, 'M');
    this.setSizeRequest('request_disk', 'RequestDisk', DEFAULT_REQUEST_DISK_KB, 'K');
    this.setCustomRequests();
    this.setRequirements();
    const rank = this.get('rank');
    if (rank) this.setExpr('Rank', 'rank', rank);
    else this.ad.setReal('Rank', 0);
  }

  /**
   * SetRequestGpus and SetRequestResources: request_gpus (or RequestGPUs) → RequestGPUs, unless `undefined`;
   * every other request_<tag> command → Request<tag>, the tag as written (two characters at least, not
   * starting with `_`). The mistakes condor_submit warns of (request_gpu, request_gpus_memory…) set nothing.
   */
  private setCustomRequests(): void {
    const gpus = this.get('request_gpus');
    if (gpus && gpus.value.toLowerCase() !== 'undefined') this.setExpr('RequestGPUs', 'request_gpus', gpus);
    if (this.ad.has('RequestGPUs')) this.setGpuConstraints();
    const handled = new Set(['request_cpus', 'request_memory', 'request_disk', 'request_gpus']);
    for (const name of this.input.commandNames('request_').sort((a, b) => compareLower(a, b))) {
      const lower = name.toLowerCase();
      const tag = name.slice('request_'.length);
      if (handled.has(lower) || isMistakenRequest(lower) || tag.length < 2 || tag.startsWith('_')) continue;
      const found = this.get(lower);
      if (found) this.setExpr(`Request${tag}`, name, found);
    }
  }

  /**
   * SetRequestGpus for a job requesting GPUs: require_gpus → RequireGPUs; gpus_minimum_capability and
   * gpus_maximum_capability → GPUsMinCapability, GPUsMaxCapability; gpus_minimum_memory → GPUsMinMemory (MB
   * unless it has a unit); gpus_minimum_runtime → GPUsMinRuntime (`12.1` is 12010, major × 1000 + minor × 10).
   * Then SetResourceRequirements: each of those the RequireGPUs does not already constrain (its own Capability,
   * GlobalMemoryMb or MaxSupportedVersion) becomes a clause ANDed to it.
   */
  private setGpuConstraints(): void {
    const require = this.get('require_gpus');
    if (require) this.setExpr('RequireGPUs', 'require_gpus', require);
    for (const [command, attribute] of [
      ['gpus_minimum_capability', 'GPUsMinCapability'],
      ['gpus_maximum_capability', 'GPUsMaxCapability'],
    ] as const) {
      const found = this.get(command);
      if (found) this.setExpr(attribute, command, found);
    }
    const memory = this.get('gpus_minimum_memory');
    if (memory) {
      let mb: number | undefined;
      try {
        mb = parseSize(memory.value, 'M');
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
      }
      if (mb === undefined) this.setExpr('GPUsMinMemory', 'gpus_minimum_memory', memory);
      else this.ad.set('GPUsMinMemory', mb);
    }
    const runtime = this.get('gpus_minimum_runtime');
    if (runtime) {
      const version = /^(\d+)(?:\.(\d+))?$/.exec(runtime.value.trim());
      const major = Number(version?.[1]);
      const minor = version?.[2] === undefined ? -1 : Number(version[2]);
      if (version && minor < 100 && Number.isSafeInteger(major)) this.ad.set('GPUsMinRuntime', minor === -1 && major > 1000 ? major : major * 1000 + Math.max(minor, 0) * 10);
      else this.setExpr('GPUsMinRuntime', 'gpus_minimum_runtime', runtime);
    }
    const requireExpr = this.ad.get('RequireGPUs');
    const constrained = requireExpr === undefined ? new Set<string>() : ownReferences(requireExpr);
    const clauses: string[] = [];
    if (this.ad.has('GPUsMinCapability') && !constrained.has('capability')) clauses.push('Capability >= GPUsMinCapability');
    if (this.ad.has('GPUsMaxCapability') && !constrained.has('capability')) clauses.push('Capability <= GPUsMaxCapability');
    if (this.ad.has('GPUsMinMemory') && !constrained.has('globalmemorymb')) clauses.push('GlobalMemoryMb >= GPUsMinMemory');
    if (this.ad.has('GPUsMinRuntime') && !constrained.has('maxsupportedversion')) clauses.push('MaxSupportedVersion >= GPUsMinRuntime');
    if (clauses.length === 0) return;
    const joined = clauses.join(' && ');
    this.ad.setExpr('RequireGPUs', requireExpr === undefined ? joined : `${wrappedForAnd(requireExpr)} && ${joined}`);
  }

  /**
   * SetRequirements' clauses for the custom resources the job requests (each Request<tag> but RequestCpus,
   * RequestDisk and RequestMemory), unless the user's requirements refer to the machine's <tag> already:
   * `(TARGET.<tag> >= Request<tag>)` for a number above 0 or an expression (with a Require<tag>,
   * `(countMatches(MY.Require<tag>,TARGET.Available<tag>) >= Request<tag>)`), `regexp(Request<tag>, TARGET.<tag>)`
   * for a non-empty string.
   */
  private customResourceClauses(requirements: CommandValue | undefined): string[] {
    const machineRefs = requirements ? machineReferences(parseOldExpr(requirements.value)) : new Set<string>();
    const standard = new Set(['requestcpus', 'requestdisk', 'requestmemory']);
    const clauses: string[] = [];
    for (const attribute of this.ad.names().sort((a, b) => compareLower(a, b))) {
      if (!/^request[^_]./i.test(attribute) || standard.has(attribute.toLowerCase())) continue;
      const tag = attribute.slice('Request'.length);
      if (machineRefs.has(tag.toLowerCase())) continue;
      const value = this.ad.evaluate(attribute);
      if (value.type === 'int' || value.type === 'real' || value.type === 'undefined') {
        if (value.type !== 'undefined' && value.value <= 0) continue;
        // A Require<tag> (RequireGPUs) is counted in the machine's Available<tag> (the countMatches magic function).
        const require = `Require${tag}`;
        clauses.push(this.ad.has(require) ? `(countMatches(MY.${require},TARGET.Available${tag}) >= ${attribute})` : `(TARGET.${tag} >= ${attribute})`);
      } else if (value.type === 'string' && value.value !== '') {
        clauses.push(`regexp(${attribute}, TARGET.${tag})`);
      }
    }
    return clauses;
  }

  /**
   * The user's requirements, and what SetRequirements appends to them: for a container job its container
   * clauses; a clause for each custom resource the job requests; for URL transfers a method the execute
   * machine's plugins must handle, unless the user's requirements already name HasFileTransferPluginMethods.
   */
  private setRequirements(): void {
    const found = this.get('requirements');
    if (found) this.validateExpr('requirements', found);
    const kind = this.containerKind();
    const clauses = kind === undefined ? [] : [containerRequirements(kind, this.get('docker_network_type')?.value)];
    clauses.push(...this.customResourceClauses(found));
    // encrypt_execute_directory: only a machine that can encrypt the sandbox (LVM and cryptsetup) advertises
    // HasEncryptExecuteDirectory, which no tinycondor startd does; the job waits for one, as on HTCondor.
    const encrypt = this.get('encrypt_execute_directory');
    if (encrypt && this.check('encrypt_execute_directory', encrypt, parseBoolean)) {
      this.ad.set('EncryptExecuteDirectory', true);
      const machineRefs = found ? machineReferences(parseOldExpr(found.value)) : new Set<string>();
      if (!machineRefs.has('encryptexecutedirectory')) clauses.push('TARGET.HasEncryptExecuteDirectory');
    } else if (encrypt) {
      this.ad.set('EncryptExecuteDirectory', false);
    }
    if (!/\bHasFileTransferPluginMethods\b/i.test(found?.value ?? '')) {
      const methods = this.neededPluginMethods();
      for (const method of methods) clauses.push(`stringListIMember(${quoteString(method)},TARGET.HasFileTransferPluginMethods)`);
      this.checkS3Keys(methods);
    }
    // Job deferral: a slot whose starter can hold the job until its time (the local universe's is the schedd's).
    if (this.deferralAttribute() !== undefined) {
      if (this.get('universe')?.value.toLowerCase() !== 'local') clauses.push('TARGET.HasJobDeferral');
      clauses.push(`(${DEFERRAL_REQUIREMENT})`);
    }
    const cudaVersion = this.cudaVersion();
    if (cudaVersion !== undefined) {
      this.ad.set('CUDAVersion', cudaVersion);
      clauses.push('CUDAVersion <= TARGET.CUDAMaxSupportedVersion');
    }
    if (clauses.length === 0) this.ad.setOldExpr('Requirements', found?.value ?? 'true');
    else this.ad.setOldExpr('Requirements', [...(found ? [`(${found.value})`] : []), ...clauses].join(' && '));
  }

  /**
   * SetRequirements: with SIGN_S3_URLS (the default), an s3:// or gs:// URL needs the keys condor_submit's
   * side signs it with (the aws_, s3_ or gs_ key files, or their attribute names).
   */
  private checkS3Keys(methods: readonly string[]): void {
    if (this.input.ctx.signS3Urls === false || !methods.some((method) => ['s3', 'gs'].includes(method.toLowerCase()))) return;
    // The job's attribute: set by a key file command or, as SetForcedAttributes runs first, by +Attr.
    const has = (kind: string, attribute: string): boolean => {
      if (['aws', 's3', 'gs'].some((prefix) => this.get(`${prefix}_${kind}_file`) !== undefined)) return true;
      this.reads.push(`my.${attribute}`);
      return this.input.customAttributes.some((custom) => custom.key === `my.${attribute}`);
    };
    const missing: string[] = [];
    if (!has('access_key_id', 'ec2accesskeyid')) missing.push('[s3|gs]:// URLs require [s3|aws|gs]_access_key_id_file to be set.');
    if (!has('secret_access_key', 'ec2secretaccesskey')) missing.push('[s3|gs]:// URLS require [s3|aws|gs]_secret_access_key_file to be set.');
    if (missing.length > 0) throw condorSubmitError(this.input.queuePos, missing.join('\nERROR: '));
  }

  /**
   * SetRequirements' cuda_version: `x.y` is x × 1000 + y % 100 (11.2 is 11002), `x` is x × 1000 below 1000
   * and x from there on, anything else refused.
   */
  private cudaVersion(): number | undefined {
    const found = this.get('cuda_version');
    if (!found) return undefined;
    const dotted = /^(\d+)\.(\d+)$/.exec(found.value);
    if (dotted) return Number(dotted[1]) * 1000 + (Number(dotted[2]) % 100);
    if (/^\d+$/.test(found.value)) return Number(found.value) < 1000 ? Number(found.value) * 1000 : Number(found.value);
    throw condorSubmitError(found.pos, "cuda_version must be of the form 'x' or 'x.y', where x and y are positive integers.");
  }

  /** The URL methods the job's transfers need of the machine (this section reads the commands, not the transfer section's ad). */
  private neededPluginMethods(): string[] {
    const transfers = new ClassAd();
    const should = this.get('should_transfer_files');
    if (should) transfers.set('ShouldTransferFiles', stripEnclosingQuotes(should.value));
    if (!usesFileTransfer(transfers)) return [];
    const inputs = this.fileList('transfer_input_files');
    if (inputs) transfers.set('TransferInput', inputs);
    const publicInputs = this.fileList('public_input_files');
    if (publicInputs) transfers.set('PublicInputFiles', publicInputs);
    const common = this.commonInputFiles();
    if (common) transfers.set('CommonInputFiles', common);
    for (const [command, attribute] of [
      ['output_destination', 'OutputDestination'],
      ['transfer_output_remaps', 'TransferOutputRemaps'],
      ['transfer_plugins', 'TransferPlugins'],
    ]) {
      const found = this.get(command);
      if (found) transfers.set(attribute, stripEnclosingQuotes(found.value));
    }
    return neededPluginMethods(transfers);
  }

  /**
   * The attribute that makes the job a deferred one (SubmitHash::NeedsJobDeferral): the first cron attribute
   * set, else DeferralTime; undefined for a job that runs as soon as it matches.
   */
  private deferralAttribute(): string | undefined {
    for (const [command, attribute] of CRON_COMMANDS) if (this.get(command)) return attribute;
    return this.get('deferral_time') ? 'DeferralTime' : undefined;
  }

  /**
   * SetCronTab and SetJobDeferral: the cron schedule as written (the schedd computes DeferralTime from it),
   * deferral_time, and for a deferred job its window (cron_window over deferral_window, default 0), its prep
   * time (cron_prep_time over deferral_prep_time, default 300) and the ScheddInterval its requirements use.
   */
  private setDeferral(): void {
    for (const [command, attribute] of CRON_COMMANDS) this.optionalString(command, attribute);
    const time = this.get('deferral_time');
    if (time) this.setDeferralSeconds('deferral_time', 'DeferralTime', time);
    const attribute = this.deferralAttribute();
    if (attribute === undefined) return;
    this.refuseDeferralUniverse(attribute, time);
    const window = this.get('cron_window') ?? this.get('deferral_window');
    if (window) this.setDeferralSeconds('deferral_window', 'DeferralWindow', window);
    else this.ad.set('DeferralWindow', DEFERRAL_WINDOW_DEFAULT);
    const prepTime = this.get('cron_prep_time') ?? this.get('deferral_prep_time');
    if (prepTime) this.setDeferralSeconds('deferral_prep_time', 'DeferralPrepTime', prepTime);
    else this.ad.set('DeferralPrepTime', DEFERRAL_PREP_TIME_DEFAULT);
    const interval = this.input.ctx.scheddInterval?.trim();
    if (interval) this.ad.setExpr('ScheddInterval', interval);
    else this.ad.set('ScheddInterval', SCHEDD_INTERVAL_DEFAULT);
  }

  /** A deferral value: any expression, but a literal must be a non-negative integer (named by its deferral_* command, as HTCondor names it). */
  private setDeferralSeconds(command: string, attribute: string, found: CommandValue): void {
    const invalid = () => condorSubmitError(found.pos, `${command} = ${found.value} is invalid, must eval to a non-negative integer.`);
    let expr: Expr;
    try {
      expr = parseOldExpr(found.value);
    } catch (err) {
      if (err instanceof ClassAdParseError) throw invalid();
      throw err;
    }
    while (expr.kind === 'paren') expr = expr.inner;
    if (expr.kind === 'literal' && !(expr.value.type === 'int' && expr.value.value >= 0)) throw invalid();
    this.ad.setOldExpr(attribute, found.value);
  }

  /**
   * The scheduler universe has no starter to defer a job (condor_submit refuses a DeferralTime there); its cron
   * schedule, which condor_submit takes, is refused here: tinycondor's schedd starts scheduler universe jobs
   * without evaluating their requirements. The local universe's starter defers the job (local-runs.ts).
   */
  private refuseDeferralUniverse(attribute: string, time: CommandValue | undefined): void {
    const universe = this.get('universe')?.value.toLowerCase();
    if (universe === 'scheduler' && time) {
      throw condorSubmitError(time.pos, `${attribute} does not work for scheduler universe jobs.\nConsider submitting this job using the local universe, instead`);
    }
    if (universe === 'scheduler') {
      const command = CRON_COMMANDS.find(([, name]) => name === attribute)?.[0] ?? 'deferral_time';
      const found = this.get(command);
      throw submitError(found?.pos ?? this.input.queuePos, `${command} is not implemented by tinycondor for ${universe} universe jobs: the schedd starts them without waiting for a deferral time`);
    }
  }

  private setPolicy(): void {
    this.setExitRemove();
    this.exprOrDefault('on_exit_hold', 'OnExitHold', 'false');
    this.optionalExpr('on_exit_hold_reason', 'OnExitHoldReason');
    this.optionalExpr('on_exit_hold_subcode', 'OnExitHoldSubCode');
    this.exprOrDefault('periodic_hold', 'PeriodicHold', 'false');
    this.optionalExpr('periodic_hold_reason', 'PeriodicHoldReason');
    this.optionalExpr('periodic_hold_subcode', 'PeriodicHoldSubCode');
    this.exprOrDefault('periodic_release', 'PeriodicRelease', 'false');
    this.exprOrDefault('periodic_remove', 'PeriodicRemove', 'false');
    this.optionalExpr('allowed_execute_duration', 'AllowedExecuteDuration');
    this.optionalExpr('allowed_job_duration', 'AllowedJobDuration');
    this.optionalExpr('job_max_vacate_time', 'JobMaxVacateTime');
    this.exprOrDefault('leave_in_queue', 'LeaveJobInQueue', 'false');
  }

  /** SetJobRetries: max_retries / success_exit_code / retry_until fold into OnExitRemove. */
  private setExitRemove(): void {
    const onExitRemove = this.get('on_exit_remove');
    if (onExitRemove) this.setExpr('OnExitRemove', 'on_exit_remove', onExitRemove);
    const maxRetries = this.get('max_retries');
    const successCode = this.get('success_exit_code');
    const retryUntil = this.get('retry_until');
    if (!maxRetries && !successCode && !retryUntil) {
      if (!onExitRemove) this.ad.setExpr('OnExitRemove', 'true');
      return;
    }
    const retries = maxRetries ? this.check('max_retries', maxRetries, parseInteger) : DEFAULT_JOB_MAX_RETRIES;
    this.ad.set('JobMaxRetries', retries);
    let expr = 'NumJobCompletions > JobMaxRetries || ';
    if (successCode) {
      this.ad.set('JobSuccessExitCode', this.check('success_exit_code', successCode, parseInteger));
      expr += 'ExitCode =?= JobSuccessExitCode';
    } else {
      expr += 'ExitCode =?= 0';
    }
    if (retryUntil) {
      if (/^[+-]?\d+$/.test(retryUntil.value)) {
        expr += ` || ExitCode =?= ${parseInteger(retryUntil.value)}`;
      } else {
        this.validateExpr('retry_until', retryUntil);
        expr += ` || (${retryUntil.value})`;
      }
    }
    if (onExitRemove) expr += ` || (${onExitRemove.value})`;
    this.ad.setOldExpr('OnExitRemove', expr);
  }

  private setStatus(): void {
    const hold = this.get('hold');
    if (hold && this.check('hold', hold, parseBoolean)) {
      this.ad.set('JobStatus', JOB_STATUS_HELD);
      this.ad.set('HoldReason', "submitted on hold at user's request");
      this.ad.set('HoldReasonCode', HOLD_CODE_SUBMITTED_ON_HOLD);
    } else {
      this.ad.set('JobStatus', JOB_STATUS_IDLE);
    }
  }

  private setMisc(): void {
    const { ad, input } = this;
    this.refuseOAuthServices();
    const priority = this.get('priority');
    ad.set('JobPrio', priority ? this.check('priority', priority, parseInteger) : 0);
    // As SetNotification: without the command, JOB_DEFAULT_NOTIFICATION; neither is Never.
    const given = this.get('notification');
    const fallback = this.input.ctx.defaultNotification;
    const notification = given ?? (fallback === undefined ? undefined : { value: fallback, pos: this.input.queuePos });
    let notify = 0;
    if (notification) {
      notify = this.check(given ? 'notification' : 'JOB_DEFAULT_NOTIFICATION', notification, (v) => {
        const code = Object.hasOwn(NOTIFICATIONS, v.toLowerCase()) ? NOTIFICATIONS[v.toLowerCase()] : undefined;
        if (code === undefined) throw new RangeError(`expected Never, Always, Complete, Start or Error, got "${v}"`);
        return code;
      });
    }
    ad.set('JobNotification', notify);
    // The job's condor_chirp may use the I/O proxy: its attributes, its log and the submit side's files (docs/chirp.md).
    this.optionalBool('want_io_proxy', 'WantIOProxy');
    this.optionalString('notify_user', 'NotifyUser');
    const proxy = this.get('x509userproxy');
    if (proxy) ad.set('x509userproxy', posix.resolve(this.iwd(), proxy.value));
    const mountUnderScratch = this.get('mount_under_scratch');
    if (mountUnderScratch) ad.set('MountUnderScratch', stripEnclosingQuotes(mountUnderScratch.value));
    // As SubmitHash's SimpleSubmitKeyword (f_as_expr): the factory's limit on procs not running (see submit/factory.ts).
    const maxIdle = this.get(['max_idle', 'materialize_max_idle']);
    if (maxIdle) this.setExpr('JobMaterializeMaxIdle', 'max_idle', maxIdle);
    const batchName = input.ctx.batchName ?? this.get('batch_name')?.value;
    if (batchName) ad.set('JobBatchName', batchName);
    for (const [command, attribute] of [
      ['kill_sig', 'KillSig'],
      ['remove_kill_sig', 'RemoveKillSig'],
      ['hold_kill_sig', 'HoldKillSig'],
    ] as const) {
      const found = this.get(command);
      if (found) ad.set(attribute, this.check(command, found, normalizeSignal));
    }
    // SimpleSubmitKeyword f_as_string: the values as written, quotes kept.
    this.optionalString('remote_initialdir', 'RemoteIwd');
    this.optionalString('submit_event_notes', 'SubmitEventNotes');
    this.optionalString('submit_event_user_notes', 'SubmitEventUserNotes');
    this.optionalString('submit_event_notes_attrs', 'SubmitEventNotesAttrs');
    const matchListLength = this.get('match_list_length');
    if (matchListLength) {
      if (!/^[+-]?\d+$/.test(matchListLength.value)) throw condorSubmitError(matchListLength.pos, `match_list_length=${matchListLength.value} is invalid, must eval to an integer.`);
      ad.set('LastMatchListLength', Number(matchListLength.value));
    }
    this.setConcurrencyLimits();
    this.setAccountingGroup();
  }

  /**
   * use_oauth_services: condor_submit's process_job_credentials asks the credd for the services' tokens before
   * any job is made, and bails out when it finds no credd; a tinycondor pool has none.
   */
  private refuseOAuthServices(): void {
    const services = this.get(['use_oauth_services', 'useoauthservices']);
    if (services) throw condorSubmitError(services.pos, "Failed to process job credential requests: 'Can't find address of credd '; BAILING OUT.");
  }

  /**
   * SetAccountingGroup: accounting_group and accounting_group_user (the owner by default) make the submitter
   * AccountingGroup = group.user, or the user alone without a group; nice_user is accounting_group =
   * nice-user (NICE_USER_ACCOUNTING_GROUP_NAME's default), a preemptible job (MaxJobRetirementTime 0).
   */
  private setAccountingGroup(): void {
    const { ad, input } = this;
    const groupValue = this.get('accounting_group');
    let group = groupValue?.value;
    const nice = this.get('nice_user');
    if (nice && this.check('nice_user', nice, parseBoolean)) {
      if (group === undefined) group = NICE_USER_GROUP;
      else if (group !== NICE_USER_GROUP) input.warn?.('nice_user conflicts with accounting_group. nice_user will be ignored');
      ad.set('MaxJobRetirementTime', 0);
    }
    const groupUser = this.get('accounting_group_user');
    if (group === undefined && groupUser === undefined) return;
    const user = groupUser?.value ?? input.ctx.owner;
    if (group !== undefined && /\s/.test(group)) throw condorSubmitError(groupValue?.pos ?? nice?.pos ?? input.queuePos, `Invalid accounting_group: ${group}`);
    if (/\s/.test(user)) throw condorSubmitError(groupUser?.pos ?? input.queuePos, `Invalid accounting_group_user: ${user}`);
    ad.set('AcctGroupUser', user);
    if (group !== undefined) ad.set('AcctGroup', group).set('AccountingGroup', `${group}.${user}`);
    else ad.set('AccountingGroup', user);
  }

  /** SetConcurrencyLimits: concurrency_limits, checked and normalised, or concurrency_limits_expr as it is (see concurrency-limits.ts). */
  private setConcurrencyLimits(): void {
    const list = this.get('concurrency_limits');
    const expr = this.get('concurrency_limits_expr');
    if (list && expr) throw condorSubmitError(expr.pos, "concurrency_limits and concurrency_limits_expr can't be used together");
    if (list) {
      const limits = concurrencyLimitsAttribute(list.value);
      if ('invalid' in limits) throw condorSubmitError(list.pos, `Invalid concurrency limit '${limits.invalid}'`);
      if (limits.value !== undefined) this.ad.set('ConcurrencyLimits', limits.value);
    } else if (expr) this.setExpr('ConcurrencyLimits', 'concurrency_limits_expr', expr);
  }

  /**
   * SetImageSize and SetTransferFiles' disk_usage: image_size and disk_usage are sizes in KiB unless they
   * name a unit (parse_int64_bytes), at least 1.
   */
  private setImageSize(): void {
    const image = this.get('image_size');
    let imageKb = 0;
    if (image) {
      try {
        imageKb = parseSize(image.value, 'K');
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        throw condorSubmitError(image.pos, `'${image.value}' is not valid for Image Size`);
      }
      if (imageKb < 1) throw condorSubmitError(image.pos, 'Image Size must be positive');
    }
    this.ad.set('ImageSize', imageKb);
    const disk = this.get('disk_usage');
    let diskKb = DEFAULT_REQUEST_DISK_KB;
    if (disk) {
      try {
        diskKb = parseSize(disk.value, 'K');
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        diskKb = 0;
      }
      if (diskKb < 1) throw condorSubmitError(disk.pos, `'${disk.value}' is not valid for disk_usage. It must be >= 1`);
    }
    this.ad.set('DiskUsage', diskKb);
  }

  /** SimpleSubmitKeyword f_as_int (f_as_uint with `unsigned`): an integer, or condor_submit's refusal. */
  private simpleInt(command: string, attribute: string, unsigned = false): number | undefined {
    const found = this.get(command);
    if (!found) return undefined;
    const value = found.value.trim();
    if (!/^[+-]?\d+$/.test(value)) throw condorSubmitError(found.pos, `${command}=${found.value} is invalid, must eval to an integer.`);
    if (unsigned && Number(value) < 0) throw condorSubmitError(found.pos, `${command}=${found.value} is invalid, must eval to a non-negative integer.`);
    this.ad.set(attribute, Number(value));
    return Number(value);
  }

  /**
   * SimpleSubmitKeywords that SetSimpleJobExprs sets in every universe, as written: the java, parallel and
   * DAGMan ones only carried (their universe's starter or DAGMan reads them); the S3 keys sign s3:// and gs://
   * URLs (of the three names for each, the last set wins, in the table's order). Also the plain commands of
   * the prunable_keywords table with SetKillSig's kill_sig_timeout, SetTDP's suspend_job_at_exec,
   * SetAccountingGroup's project_name and the checks SetJobLease makes of them; what the daemons do with each
   * is in not-implemented.ts where tinycondor does not do it.
   */
  private setSimpleCommands(): void {
    this.optionalString('jar_files', 'JarFiles');
    this.optionalString('parallel_script_shadow', 'ParallelScriptShadow');
    this.optionalString('parallel_script_starter', 'ParallelScriptStarter');
    const batchId = this.get('batch_id');
    if (batchId) this.ad.set('JobBatchId', stripEnclosingQuotes(batchId.value.trim()));
    this.optionalString('aws_region', 'AWSRegion');
    for (const prefix of ['aws', 's3', 'gs']) {
      this.optionalString(`${prefix}_access_key_id_file`, 'EC2AccessKeyId');
      this.optionalString(`${prefix}_secret_access_key_file`, 'EC2SecretAccessKey');
    }
    this.simpleBool('want_job_networking', 'WantJobNetworking');
    const jobset = this.get('jobset');
    if (jobset) this.ad.set('JobSetName', stripEnclosingQuotes(jobset.value.trim()));
    for (const [command, attribute] of [
      ['description', 'JobDescription'],
      ['project_name', 'ProjectName'],
      ['primary_unix_group', 'PrimaryUnixGroup'],
      ['job_ad_information_attrs', 'JobAdInformationAttrs'],
      ['ulog_execute_attrs', 'UserLogExecuteEventAttrs'],
      ['job_machine_attrs', 'JobMachineAttrs'],
    ] as const) {
      this.optionalString(command, attribute);
    }
    const email = this.get('email_attributes');
    if (email) this.ad.set('EmailAttributes', splitList(email.value).join(','));
    const starterDebug = this.get('starter_debug');
    if (starterDebug) this.ad.set('JobStarterDebug', stripEnclosingQuotes(starterDebug.value.trim()));
    // f_logfile: a path relative to initialdir, made full.
    const starterLog = this.get('starter_log');
    const starterLogPath = starterLog && stripEnclosingQuotes(starterLog.value.trim());
    if (starterLogPath) this.ad.set('JobStarterLog', posix.resolve(this.iwd(), starterLogPath));
    // SubmitHash's finishing step: a starter_log without starter_debug logs as the starter's own log does.
    if (this.ad.has('JobStarterLog') && !this.ad.has('JobStarterDebug')) this.ad.set('JobStarterDebug', true);
    const dagmanLog = this.get('dagman_log');
    if (dagmanLog) this.ad.set('DAGManNodesLog', posix.resolve(this.iwd(), dagmanLog.value));
    for (const [command, attribute] of [
      ['next_job_start_delay', 'NextJobStartDelay'],
      ['keep_claim_idle', 'KeepClaimIdle'],
      ['want_graceful_removal', 'WantGracefulRemoval'],
      ['max_job_retirement_time', 'MaxJobRetirementTime'],
      ['job_lease_duration', 'JobLeaseDuration'],
      ['noop_job', 'IsNoopJob'],
      ['noop_job_exit_signal', 'NoopJobExitSignal'],
      ['noop_job_exit_code', 'NoopJobExitCode'],
      ['periodic_vacate', 'PeriodicVacate'],
    ] as const) {
      this.optionalExpr(command, attribute);
    }
    // A job that can reconnect (HTCondor's vanilla universe, universeCanReconnect) without a lease gets JOB_DEFAULT_LEASE_DURATION's.
    const universe = this.get('universe')?.value.toLowerCase();
    if (universe !== 'scheduler' && universe !== 'local' && !this.ad.has('JobLeaseDuration')) {
      this.ad.setExpr('JobLeaseDuration', this.input.ctx.defaultLeaseDuration ?? DEFAULT_JOB_LEASE_DURATION);
    }
    const lease = this.ad.get('JobLeaseDuration');
    const leaseSeconds = lease?.kind === 'literal' && (lease.value.type === 'int' || lease.value.type === 'real') ? lease.value.value : undefined;
    if (leaseSeconds !== undefined && leaseSeconds > 0 && leaseSeconds < 20) {
      this.input.warn?.('JobLeaseDuration less than 20 seconds is not allowed, using 20 instead');
      this.ad.set('JobLeaseDuration', 20);
    }
    const history = this.simpleInt('job_machine_attrs_history_length', 'JobMachineAttrsHistoryLength');
    if (history !== undefined && (history < 0 || history > INT_MAX)) {
      throw condorSubmitError(this.get('job_machine_attrs_history_length')!.pos, `job_machine_attrs_history_length=${history} is out of bounds 0 to ${INT_MAX}`);
    }
    this.simpleInt('dagman_job_id', 'DAGManJobId', true);
    this.simpleBool('load_profile', 'LoadProfile');
    this.simpleBool('run_as_owner', 'RunAsOwner');
    this.simpleBool('suspend_job_at_exec', 'SuspendJobAtExec');
    // Read by the schedd as it starts the run, where HTCondor's shadow reads it (Schedd.skippedAsDataflow).
    this.simpleBool('skip_if_dataflow', 'SkipIfDataflow');
    // SetKillSig: atoi, so a value that is no number is 0.
    const killSigTimeout = this.get('kill_sig_timeout');
    if (killSigTimeout) this.ad.set('KillSigTimeout', atoi(killSigTimeout.value));
  }

  /** EXTENDED_SUBMIT_COMMANDS given in the file (SetExtendedJobExprs): each sets the attribute of its name, typed as the example says. */
  private setExtendedCommands(): void {
    for (const { name, kind } of this.input.ctx.extendedCommands?.values() ?? []) {
      if (kind === 'ignore') continue;
      const found = this.get(name.toLowerCase());
      if (!found) continue;
      const invalid = (must: string) => submitError(found.pos, `${name}=${found.value} is invalid, must eval to ${must}.`);
      switch (kind) {
        case 'error':
          throw submitError(found.pos, `${name}=${found.value} has been disabled by the administrator.`);
        case 'bool':
          if (!isBooleanWord(found.value)) throw invalid('a boolean');
          this.ad.set(name, parseBoolean(found.value));
          break;
        case 'int':
        case 'uint': {
          if (!/^[+-]?\d+$/.test(found.value)) throw invalid('an integer');
          const value = Number(found.value);
          if (kind === 'uint' && value < 0) throw invalid('a non-negative integer');
          this.ad.set(name, value);
          break;
        }
        case 'string':
        case 'list':
        case 'file': {
          const text = found.value.replace(/^"(.*)"$/s, '$1');
          this.ad.set(name, kind === 'list' ? text.split(/[\s,]+/).filter((item) => item !== '').join(',') : kind === 'file' ? posix.resolve(this.iwd(), text) : text);
          break;
        }
        default:
          this.setExpr(name, name, found);
      }
    }
  }

  /** `+Attr = expr` / `MY.Attr = expr`, applied last so they override, as SetForcedAttributes does. */
  private setCustomAttributes(): void {
    for (const attribute of this.input.customAttributes) {
      this.reads.push(attribute.key);
      if (attribute.value === '') throw submitError(attribute.pos, `+${attribute.name} has no value`);
      this.setExpr(attribute.name, `+${attribute.name}`, attribute);
    }
    // SetAutoAttributes: the starter ignores the checkpoint exit code without WantFTOnCheckpoint, which
    // checkpoint_exit_code sets with it; a custom SuccessCheckpointExitCode needs it set here.
    if (this.ad.has('SuccessCheckpointExitCode') && !this.ad.has('WantFTOnCheckpoint') && !this.get('checkpoint_exit_code')) {
      this.ad.set('WantFTOnCheckpoint', true);
    }
  }
}

/** submit_param_bool's reading of a boolean command, with its refusal. */
function submitBool(command: string, found: CommandValue): boolean {
  if (!isBooleanWord(found.value)) throw condorSubmitError(found.pos, `${command}=${found.value} is invalid, must eval to a boolean.`);
  return parseBoolean(found.value);
}

const INT_MAX = 2147483647;

/** The order of HTCondor's case-insensitive name sets. */
function compareLower(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The machine attributes (lower-case) an expression refers to, as SetRequirements' GetExprReferences sorts
 * them: TARGET.x, and an unscoped name that is not one of the job's three it knows of.
 */
function machineReferences(expr: Expr): Set<string> {
  const jobNames = new Set(['requestmemory', 'vm_ckptmac', 'requirements']);
  const found = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'attr') {
      if (e.scope === 'TARGET' || (e.scope === undefined && !jobNames.has(e.name.toLowerCase()))) found.add(e.name.toLowerCase());
      return;
    }
    childExprs(e).forEach(walk);
  };
  walk(expr);
  return found;
}

/** check_expr_and_wrap_for_op(…, LOGICAL_AND_OP): an expression whose operator binds looser than && in parentheses. */
function wrappedForAnd(expr: Expr): string {
  const text = unparse(expr);
  return expr.kind === 'cond' || (expr.kind === 'binary' && expr.op === '||') ? `(${text})` : text;
}
