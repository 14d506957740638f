// The configuration knobs this pool reads. A knob set in the configuration that is none of them has no effect
// here (HTCondor accepts any name too), so the pool says so when it starts: a configuration that "works" here
// because a knob was silently skipped would behave differently on HTCondor. knob-registry.test.ts fails when
// the sources read a knob that is not listed.
import { type CondorConfig } from './condor-config.js';

/** Knobs read by name. */
const KNOBS = new Set([
  // Where things are, and how the commands reach the schedd (condor_config.pool).
  'LOCAL_DIR', 'SPOOL', 'LOG', 'EXECUTE', 'LIBEXEC', 'SCHEDD_NAME', 'SCHEDD_HOST', 'SCHEDD_URL', 'UID_DOMAIN', 'QUEUE_SUPER_USERS',
  'TINYCONDOR_TOKEN_FILE', 'TINYCONDOR_USER_TOKEN_DIR', 'TINYCONDOR_REMOTE_SCHEDD', 'RESERVED_DISK',
  'LOCAL_CONFIG_DIR', 'LOCAL_CONFIG_DIR_EXCLUDE_REGEXP',
  // condor_submit (SIGN_S3_URLS also the schedd's, which presigns the URLs: schedd/src/url-signing.ts)
  'SUBMIT_SKIP_FILECHECKS', 'WARN_ON_UNUSED_SUBMIT_FILE_MACROS', 'EXTENDED_SUBMIT_COMMANDS', 'SIGN_S3_URLS', 'SCHEDD_INTERVAL',
  'SUBMIT_REQUEST_MISSING_UNITS', 'ON_EVICT_CHECK_REQUESTMEMORY_REQUIREMENTS', 'ON_EVICT_CHECK_REQUESTDISK_REQUIREMENTS',
  'JOB_DEFAULT_LEASE_DURATION', 'JOB_DEFAULT_NOTIFICATION',
  // condor_rm
  'ALLOW_FORCE_RM',
  // condor_q -autocluster (the default autocluster's attributes; cli/src/job-aggregation.ts)
  'SIGNIFICANT_ATTRIBUTES',
  // The schedd
  'JOB_TRANSFORM_NAMES', 'SUBMIT_REQUIREMENT_NAMES', 'CHECKPOINT_DESTINATION_MAPFILE', 'CHECKPOINT_CLEANUP_TIMEOUT', 'DEFAULT_NUM_EXTRA_CHECKPOINTS', 'RUN_CLEANUP_PLUGINS_AS_OWNER',
  'MAX_TRANSFER_INPUT_MB', 'MAX_TRANSFER_OUTPUT_MB',
  'JOB_EPOCH_HISTORY', 'JOB_EPOCH_HISTORY_DIR', 'MAX_EPOCH_HISTORY_LOG', 'MAX_EPOCH_HISTORY_ROTATIONS',
  // The schedd's job history file (schedd/src/history-file.ts), which condor_history -local and -extract read, and the startd's (startd/src/startd-history.ts, condor_history -startd)
  'HISTORY', 'MAX_HISTORY_LOG', 'MAX_HISTORY_ROTATIONS', 'ENABLE_HISTORY_ROTATION', 'STARTD_HISTORY',
  'CONCURRENCY_LIMIT_DEFAULT',
  // What condor_qedit, a submission and a job's Chirp writes may set (shared/src/job-edit.ts): the schedd, condor_qedit
  'IMMUTABLE_JOB_ATTRS', 'SYSTEM_IMMUTABLE_JOB_ATTRS', 'PROTECTED_JOB_ATTRS', 'SYSTEM_PROTECTED_JOB_ATTRS', 'SECURE_JOB_ATTRS', 'SYSTEM_SECURE_JOB_ATTRS',
  'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS',
  // Who may act on whose jobs (shared/src/queue-access.ts): the schedd
  'QUEUE_ALL_USERS_TRUSTED', 'QUEUE_SUPER_USER_MAY_IMPERSONATE', 'PERSONAL_CONDOR_IS_SUPER_USER',
  // Only the caller's jobs by default: condor_q and condor_qedit, and the schedd (queue-access.ts)
  'CONDOR_Q_ONLY_MY_JOBS',
  // userMap()'s maps (user-maps.ts): the schedd's, condor_q's and the other tools', condor_transform_ads', condor_submit's
  'SCHEDD_CLASSAD_USER_MAP_NAMES', 'TOOL_CLASSAD_USER_MAP_NAMES', 'XFORM_CLASSAD_USER_MAP_NAMES', 'SUBMIT_CLASSAD_USER_MAP_NAMES',
  // condor_preen
  'VALID_SPOOL_FILES', 'MAX_CHECKPOINT_CLEANUP_PROCS', 'PREEN_CHECKPOINT_CLEANUP_TIMEOUT',
  // The accountant and the fair share of slots between submitters (shared/src/accountant.ts): the schedd
  'PRIORITY_HALFLIFE', 'DEFAULT_PRIO_FACTOR', 'NICE_USER_PRIO_FACTOR', 'REMOTE_PRIO_FACTOR', 'ACCOUNTANT_LOCAL_DOMAIN', 'ACCOUNTING_DOMAIN',
  // The schedd's own runs (schedd/src/local-runs.ts)
  'START_LOCAL_UNIVERSE', 'START_SCHEDULER_UNIVERSE', 'LOCAL_UNIV_EXECUTE',
  // docker_send_credentials: the program whose output is the job owner's docker config.json (schedd/src/docker-credentials.ts)
  'DOCKER_PAT_PRODUCER',
  // The notification email of a job that exited (schedd/src/notify-mail.ts)
  'MAIL', 'SENDMAIL', 'MAIL_FROM', 'EMAIL_DOMAIN', 'CONDOR_ADMIN', 'CONDOR_SUPPORT_EMAIL', 'EMAIL_SIGNATURE',
  // The pace of job starts (shared/src/start-pacing.ts): the schedd
  'JOB_START_DELAY', 'JOB_START_COUNT', 'MAX_NEXT_JOB_START_DELAY',
  // The startd and its jobs
  'CLAIM_WORKLIFE', 'CHECK_REACTIVATE_AFTER_CHECKPOINT', 'MOUNT_UNDER_SCRATCH', 'MOUNT_PRIVATE_DEV_SHM', 'PER_JOB_NAMESPACES', 'STARTER_UPDATE_INTERVAL',
  'ENABLE_URL_TRANSFERS', 'FILETRANSFER_PLUGINS', 'FILETRANSFER_PLUGIN_CLASSAD_TIMEOUT', 'MAX_FILE_TRANSFER_PLUGIN_LIFETIME',
  'ENABLE_CHIRP', 'ENABLE_CHIRP_UPDATES', 'ENABLE_CHIRP_IO', 'ENABLE_CHIRP_DELAYED', 'CHIRP_DELAYED_UPDATE_PREFIX', 'CHIRP_DELAYED_UPDATE_MAX_ATTRS', 'DOCKER_NETWORK_NAME',
  // How a job's Chirp open and lookup map its file names (shared/src/chirp/file-info.ts): the schedd
  'MAX_REMAP_RECURSIONS',
  // Where a job's files may be read and written on the submit side (schedd/src/directory-limits.ts): the schedd
  'LIMIT_DIRECTORY_ACCESS',
  'DOCKER', 'DOCKER_NETWORKS', 'DOCKER_DROP_ALL_CAPABILITIES', 'DOCKER_EXTRA_ARGUMENTS', 'DOCKER_RUN_UNDER_INIT', 'DOCKER_SHM_SIZE', 'DOCKER_VOLUMES', 'DOCKER_MOUNT_VOLUMES',
  // The startd's slot layout (shared/src/slot-layout.ts)
  'NUM_SLOTS', 'MAX_SLOT_TYPES', 'SLOT_TYPE_0_PARTITIONABLE',
  // How a dynamic slot is sized (shared/src/request-modifiers.ts): the startd, which sends them to the schedd
  'MODIFY_REQUEST_EXPR_REQUESTCPUS', 'MODIFY_REQUEST_EXPR_REQUESTDISK', 'MODIFY_REQUEST_EXPR_REQUESTMEMORY', 'MUST_MODIFY_REQUEST_EXPRS',
  // What a partitionable slot's ad rolls up of its dynamic slots (shared/src/machine-ad.ts): the startd, which sends them to the schedd
  'ADVERTISE_PSLOT_ROLLUP_INFORMATION', 'STARTD_PARTITIONABLE_SLOT_ATTRS',
  // Custom machine resources (shared/src/machine-resources.ts)
  'MACHINE_RESOURCE_NAMES', 'AUTO_SET_NVIDIA_VISIBLE_DEVICES',
  // Read, and refused with a warning of their own (startd/src/docker-knobs.ts).
  'DOCKER_PERFORM_TEST', 'DOCKER_TEST_IMAGE_PATH', 'DOCKER_TEST_IMAGE_NAME', 'DOCKER_IMAGE_CACHE_SIZE', 'DOCKER_CACHE_ADVERTISE_INTERVAL',
  'DOCKER_TRUST_LOCAL_IMAGES', 'DOCKER_LOG_DRIVER_NAME', 'DOCKER_SKIP_IMAGE_ARCH_CHECK', 'DOCKER_PAT_PRODUCER',
]);

/** Knobs read by a name made from another value. */
const KNOB_PATTERNS = [
  /^JOB_TRANSFORM_/i, // JOB_TRANSFORM_<name>, for the names JOB_TRANSFORM_NAMES lists
  /^SUBMIT_REQUIREMENT_/i, // SUBMIT_REQUIREMENT_<name>[_REASON|_IS_WARNING], for the names SUBMIT_REQUIREMENT_NAMES lists
  /^(INPUT|OUTPUT|CHECKPOINT|TRANSFER|SPAWN)_JOB_ATTRS$/i,
  /^DOCKER_VOLUME_DIR_/i, // DOCKER_VOLUME_DIR_<name>[_MOUNT_IF], for the names DOCKER_VOLUMES lists
  /^CLASSAD_USER_MAP(FILE|DATA|_PREFIX)_/i, // for the names <SUBSYS>_CLASSAD_USER_MAP_NAMES lists
  // <name>_LIMIT and CONCURRENCY_LIMIT_DEFAULT_<set>, for the concurrency limits jobs name (HTCondor's own knobs ending in _LIMIT are other things)
  /^(?!(DETECTED_CPUS|ARC_GAHP_COMMAND)_LIMIT$)[A-Z_][A-Z0-9_]*(\.[A-Z_][A-Z0-9_]*)?_LIMIT$/i,
  /^CONCURRENCY_LIMIT_DEFAULT_[A-Z_][A-Z0-9_]*$/i,
  // MACHINE_RESOURCE_<tag> and MACHINE_RESOURCE_INVENTORY_<tag> (its script run at the startd's start),
  // OFFLINE_MACHINE_RESOURCE_<tag>, and what the starter puts in a job's environment for a tag
  /^(OFFLINE_)?MACHINE_RESOURCE_[A-Z0-9_]+$/i,
  /^ENVIRONMENT_FOR_ASSIGNED[A-Z0-9_]+$/i,
  /^ENVIRONMENT_VALUE_FOR_UNASSIGNED[A-Z0-9_]+$/i,
  // NUM_SLOTS_TYPE_<N>, SLOT_TYPE_<N>, SLOT_TYPE_<N>_PARTITIONABLE (SLOT_TYPE_<N>_BACKFILL is read and refused)
  /^NUM_SLOTS_TYPE_[0-9]+$/i,
  /^SLOT_TYPE_[0-9]+(_PARTITIONABLE|_BACKFILL)?$/i,
];

export function isImplementedKnob(name: string): boolean {
  const upper = name.toUpperCase();
  return KNOBS.has(upper) || KNOB_PATTERNS.some((pattern) => pattern.test(upper));
}

/**
 * The configuration's values that set no knob of this pool: not read by it, and not a macro that another
 * value refers to (`MY_DIR = /x` used as `$(MY_DIR)` elsewhere is the user's own). Each with where it was set.
 */
export function unreadKnobs(config: CondorConfig): { name: string; source: string }[] {
  const referenced = new Set<string>();
  for (const entry of config.values()) {
    for (const match of entry.value.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_.]*)/g)) referenced.add(match[1]!.toUpperCase());
  }
  return [...config.entries()]
    .filter(([key]) => !isImplementedKnob(key) && !referenced.has(key))
    .map(([, entry]) => ({ name: entry.name, source: entry.source }));
}
