// Which submit lines and queue variables were used, for condor_submit's warning about those that were not.
import { isHTCondorCommand } from './htcondor-commands.js';
import type { Definition } from './proc-input.js';

/** Set by DAGMan or templates and only sometimes used: never warned about (SubmitHash::warn_unused). */
const NEVER_WARNED = new Set(
  ['DAG_STATUS', 'FAILED_COUNT', 'JOB', 'RETRY', 'SubmitWarnEmptyMatches', 'SubmitFailEmptyMatches', 'SubmitWarnDuplicateMatches', 'SubmitFailEmptyFields', 'SubmitWarnEmptyFields'].map(
    (name) => name.toLowerCase(),
  ),
);

/**
 * The request_* commands condor_submit takes for mistakes and sets nothing for (SetRequestCpus, SetRequestGpus,
 * and the tags its prunable_keywords table disallows), with its warning; `%s` is the name as written.
 */
const MISTAKEN_REQUESTS: Readonly<Record<string, string>> = {
  request_cpu: '%s is not a valid submit keyword, did you mean request_cpus?',
  request_gpu: '%s is not a valid submit keyword, did you mean request_gpus?',
  request_gpu_memory: 'request_gpu_memory is not a submit command, did you mean gpus_minimum_memory?',
  request_gpus_memory: 'request_gpu_memory is not a submit command, did you mean gpus_minimum_memory?',
};

/**
 * Commands tinycondor implements that condor_submit reads only under a condition (SetRequestGpus reads these
 * only for a job requesting GPUs, SetJobDeferral the window and prep time only for a deferred job,
 * SetTransferFiles public_input_files only for one that may transfer files, SetExecutable executable only
 * without shell, SetRequestMem and SetRequestDisk the retry_request_* commands only for a request that is a size):
 * left unread, they get HTCondor's unused-line warning.
 */
const READ_CONDITIONALLY = new Set([
  'require_gpus', 'gpus_minimum_capability', 'gpus_maximum_capability', 'gpus_minimum_memory', 'gpus_minimum_runtime',
  'cron_window', 'deferral_window', 'cron_prep_time', 'deferral_prep_time', 'public_input_files', 'executable',
  'retry_request_memory', 'retry_request_memory_max', 'retry_request_memory_increase', 'retry_request_disk',
]);

/**
 * Commands condor_submit reads only for a universe tinycondor refuses (grid: SetGridParams; vm: SetVMParams;
 * parallel: SetParallelParams), only beside tool_daemon_cmd (SetTDP), only in a container job
 * (SetContainerSpecial), only as condor_submit connects to a schedd (rendezvousdir: not in a dry run), or never
 * (send_credential, memory_usage, exit_requirements, want_ads: names submit_utils.h defines and nothing looks
 * up). Otherwise they are unused lines, with HTCondor's warning.
 */
const READ_IN_OTHER_UNIVERSES = new Set(
  `arc_application arc_data_staging arc_resources arc_rte azure_admin_key azure_admin_username azure_auth_file
  azure_image azure_location azure_size batch_extra_submit_args batch_project batch_queue batch_runtime
  cloud_label_names ec2_access_key_id ec2_ami_id ec2_availability_zone ec2_block_device_mapping ec2_ebs_volumes
  ec2_elastic_ip ec2_iam_profile_arn ec2_iam_profile_name ec2_instance_type ec2_key_pair_file ec2_keyp_air
  ec2_keypair ec2_keypair_file ec2_parameter_names ec2_secret_access_key ec2_security_groups ec2_security_ids
  ec2_spot_price ec2_tag_names ec2_user_data ec2_user_data_file ec2_vpc_ip ec2_vpc_subnet gce_account
  gce_auth_file gce_image gce_json_file gce_machine_type gce_metadata gce_metadata_file gce_preemptible
  grid_resource vm_checkpoint vm_disk vm_macaddr vm_memory vm_networking vm_networking_type vm_no_output_vm
  vm_type vm_vcpus vm_vnc xen_initrd xen_kernel xen_kernel_params xen_root machine_count node_count nodecount
  tool_daemon_args tool_daemon_arguments tool_daemon_arguments2 tool_daemon_error tool_daemon_input
  tool_daemon_output container_service_names rendezvousdir send_credential wantnametag memory_usage exit_requirements
  want_ads`
    .trim()
    .split(/\s+/),
);

/**
 * The EC2 tags and parameters and the cloud labels (handleAVPairs), which SetGridParams reads for grid jobs only,
 * and the services' ports, which SetContainerSpecial reads for container jobs only.
 */
const CONDITIONAL_PATTERNS: readonly RegExp[] = [/^ec2_(parameter|tag)_\w+$/, /^cloud_label_\w+$/, /^\w+_container_port$/];

/** Whether an unread command gets HTCondor's unused-line warning rather than tinycondor's not-implemented one. */
function readConditionally(lowerName: string): boolean {
  return READ_CONDITIONALLY.has(lowerName) || READ_IN_OTHER_UNIVERSES.has(lowerName) || CONDITIONAL_PATTERNS.some((pattern) => pattern.test(lowerName));
}

/** Whether condor_submit makes no resource request of this request_* command (see MISTAKEN_REQUESTS). */
export function isMistakenRequest(lowerName: string): boolean {
  return lowerName in MISTAKEN_REQUESTS;
}

/** The names (lower-case) that were looked up, as commands or in macro expansion, while the procs were built. */
export class MacroUsage {
  private readonly used = new Set<string>();
  private definitions: ReadonlyMap<string, Definition> = new Map();
  private readonly queueVars: string[] = [];
  /** What condor_submit warns of as it builds the procs (push_warning), each once. */
  private readonly notes = new Set<string>();

  mark(lowerName: string): void {
    this.used.add(lowerName);
  }

  /** condor_submit warns of this (without "WARNING: "), once. */
  note(warning: string): void {
    this.notes.add(warning);
  }

  /** The warnings noted while the procs were built. */
  noted(): string[] {
    return [...this.notes];
  }

  /** The definitions as they stand after the last statement. */
  setDefinitions(definitions: ReadonlyMap<string, Definition>): void {
    this.definitions = definitions;
  }

  /** A lookup condor_submit makes outside the procs (submit_param with its alternate name): marked used, the definition found. */
  lookUp(lowerName: string, altName: string): Definition | undefined {
    this.used.add(lowerName);
    const found = this.definitions.get(lowerName);
    if (found) return found;
    this.used.add(altName);
    return this.definitions.get(altName);
  }

  addQueueVars(names: readonly string[]): void {
    this.queueVars.push(...names);
  }

  /** The lines nothing looked up, in key order, less those no one warns about (`+Attr`, `MY.Attr`, dotted names, DAGMan's). */
  private unusedLines(): Definition[] {
    return [...this.definitions.keys()]
      .sort()
      .filter((key) => !key.includes('.') && !NEVER_WARNED.has(key) && !this.used.has(key))
      .map((key) => this.definitions.get(key) as Definition)
      .filter((definition) => !definition.custom);
  }

  /**
   * The lines that set a command HTCondor acts on and tinycondor does not (nothing looked it up), without
   * "WARNING: ". Said whatever -unused says: such a command must not be accepted and ignored in silence.
   */
  unimplemented(): string[] {
    return this.unusedLines()
      .filter((definition) => isHTCondorCommand(definition.name.toLowerCase()) && !readConditionally(definition.name.toLowerCase()))
      .map((definition) => {
        const mistake = MISTAKEN_REQUESTS[definition.name.toLowerCase()];
        if (mistake !== undefined) return mistake.replace('%s', definition.name);
        return `${definition.name} is not implemented by tinycondor: the line '${definition.name} = ${definition.value}' has no effect, where HTCondor acts on it`;
      });
  }

  /** condor_submit's unused-line warnings (other than unimplemented()'s), without their "WARNING: " prefix. */
  warnings(): string[] {
    const lines = this.unusedLines()
      .filter((definition) => !isHTCondorCommand(definition.name.toLowerCase()) || readConditionally(definition.name.toLowerCase()))
      .map((definition) => `the line '${definition.name} = ${definition.value}' was unused by condor_submit. Is it a typo?`);
    const seen = new Set<string>();
    for (const name of this.queueVars) {
      const key = name.toLowerCase();
      if (seen.has(key) || this.used.has(key)) continue;
      seen.add(key);
      lines.push(`the Queue variable '${name}' was unused by condor_submit. Is it a typo?`);
    }
    return lines;
  }
}
