// The other names condor_submit looks a command up by: mostly the job attribute it sets (SubmitHash's
// submit_param(key, alt) calls and its prunable_keywords table), so `LeaveJobInQueue = true` works as
// `leave_in_queue = true` does. Looked up only when the command itself is not set.

/** By the command name the builder reads (lower-case); values are lower-cased for lookup. */
const ALIASES: Record<string, string> = {
  initialdir: 'Iwd',
  executable: 'Cmd',
  transfer_executable: 'TransferExecutable',
  arguments: 'Args',
  input: 'stdin',
  output: 'stdout',
  error: 'stderr',
  log: 'UserLog',
  log_xml: 'UserLogUseXML',
  stream_output: 'StreamOut',
  stream_error: 'StreamErr',
  should_transfer_files: 'ShouldTransferFiles',
  when_to_transfer_output: 'WhenToTransferOutput',
  transfer_input_files: 'TransferInputFiles',
  transfer_output_files: 'TransferOutputFiles',
  transfer_checkpoint_files: 'TransferCheckpoint',
  transfer_output_remaps: 'TransferOutputRemaps',
  preserve_relative_paths: 'PreserveRelativePaths',
  checkpoint_destination: 'CheckpointDestination',
  checkpoint_exit_code: 'SuccessCheckpointExitCode',
  request_cpus: 'RequestCpus',
  request_memory: 'RequestMemory',
  request_disk: 'RequestDisk',
  request_gpus: 'RequestGPUs',
  require_gpus: 'RequireGPUs',
  gpus_minimum_capability: 'GPUsMinCapability',
  gpus_maximum_capability: 'GPUsMaxCapability',
  gpus_minimum_memory: 'GPUsMinMemory',
  gpus_minimum_runtime: 'GPUsMinRuntime',
  rank: 'preferences',
  on_exit_remove: 'OnExitRemove',
  on_exit_hold: 'OnExitHold',
  on_exit_hold_reason: 'OnExitHoldReason',
  on_exit_hold_subcode: 'OnExitHoldSubCode',
  periodic_hold: 'PeriodicHold',
  periodic_hold_reason: 'PeriodicHoldReason',
  periodic_hold_subcode: 'PeriodicHoldSubCode',
  periodic_release: 'PeriodicRelease',
  periodic_remove: 'PeriodicRemove',
  allowed_execute_duration: 'AllowedExecuteDuration',
  allowed_job_duration: 'AllowedJobDuration',
  job_max_vacate_time: 'JobMaxVacateTime',
  leave_in_queue: 'LeaveJobInQueue',
  max_retries: 'JobMaxRetries',
  success_exit_code: 'JobSuccessExitCode',
  priority: 'prio',
  notification: 'JobNotification',
  notify_user: 'NotifyUser',
  batch_name: 'JobBatchName',
  kill_sig: 'KillSig',
  remove_kill_sig: 'RemoveKillSig',
  hold_kill_sig: 'HoldKillSig',
  accounting_group: 'AccountingGroup',
  accounting_group_user: 'AcctGroupUser',
  nice_user: 'NiceUser',
  description: 'JobDescription',
  project_name: 'ProjectName',
  primary_unix_group: 'PrimaryUnixGroup',
  job_ad_information_attrs: 'JobAdInformationAttrs',
  ulog_execute_attrs: 'UserLogExecuteEventAttrs',
  job_machine_attrs: 'JobMachineAttrs',
  job_machine_attrs_history_length: 'JobMachineAttrsHistoryLength',
  email_attributes: 'EmailAttributes',
  starter_debug: 'JobStarterDebug',
  starter_log: 'JobStarterLog',
  dagman_log: 'DAGManNodesLog',
  dagman_job_id: 'DAGManJobId',
  next_job_start_delay: 'NextJobStartDelay',
  keep_claim_idle: 'KeepClaimIdle',
  want_graceful_removal: 'WantGracefulRemoval',
  max_job_retirement_time: 'MaxJobRetirementTime',
  job_lease_duration: 'JobLeaseDuration',
  noop_job: 'IsNoopJob',
  noop_job_exit_signal: 'NoopJobExitSignal',
  noop_job_exit_code: 'NoopJobExitCode',
  periodic_vacate: 'PeriodicVacate',
  load_profile: 'LoadProfile',
  run_as_owner: 'RunAsOwner',
  suspend_job_at_exec: 'SuspendJobAtExec',
  kill_sig_timeout: 'KillSigTimeout',
  image_size: 'ImageSize',
  disk_usage: 'DiskUsage',
  cuda_version: 'CUDAVersion',
};

/** `prio`'s own alias: both are looked up before JobPrio. */
const SECOND_ALIASES: Record<string, string> = { priority: 'JobPrio' };

const NO_ALIASES: readonly string[] = [];
const aliasLists = new Map<string, readonly string[]>();
for (const [command, alias] of Object.entries(ALIASES)) {
  const second = SECOND_ALIASES[command];
  aliasLists.set(command, second ? [alias.toLowerCase(), second.toLowerCase()] : [alias.toLowerCase()]);
}

/** The lower-case alternative names of the first of `names` that has any. */
export function aliasesOf(names: readonly string[]): readonly string[] {
  for (const name of names) {
    const aliases = aliasLists.get(name);
    if (aliases) return aliases;
  }
  return NO_ALIASES;
}
