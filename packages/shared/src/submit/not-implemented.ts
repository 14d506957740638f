import type { AdReader } from '../proc-ad-view.js';
import { isSpooled } from '../transfer-files.js';
import { neededPluginMethods } from '../url-transfer.js';

/**
 * Submit commands an HTCondor pool acts on that tinycondor accepts without doing what HTCondor does yet.
 * condor_submit names each one a job uses, with what will differ, rather than ignore it in silence: a job
 * tested here must not behave differently on the real pool without its user being told.
 */
const NOT_YET: { attributes: string[]; uses: (ad: AdReader) => boolean; warning: string }[] = [
  {
    attributes: ['StreamOut'],
    uses: (ad) => ad.getBool('StreamOut') === true && isSpooled(ad),
    warning:
      "stream_output is not implemented by tinycondor yet for a job submitted with -spool: its output file is written when the job exits (and its stdout is checkpointed with the job), where HTCondor appends to it while the job runs",
  },
  {
    attributes: ['StreamErr'],
    uses: (ad) => ad.getBool('StreamErr') === true && isSpooled(ad),
    warning:
      "stream_error is not implemented by tinycondor yet for a job submitted with -spool: its error file is written when the job exits (and its stderr is checkpointed with the job), where HTCondor appends to it while the job runs",
  },
  {
    attributes: ['WantIOProxy'],
    uses: (ad) => ad.getBool('WantIOProxy') === true,
    warning:
      "want_io_proxy is only partly implemented by tinycondor: the job's condor_chirp may set and read its attributes and write to its log, but Chirp's file commands (fetch, put, remove, read, write, getdir…) are refused as where ENABLE_CHIRP_IO is false, where HTCondor acts on the submit machine's files",
  },
  {
    attributes: ['ContainerServiceNames'],
    uses: (ad) => (ad.getString('ContainerServiceNames') ?? '') !== '',
    warning:
      "container_service_names is only partly implemented by tinycondor: each service's port is published (docker create -p), but the host port it gets is not reported in the job ad (<service>_HostPort) as HTCondor reports it",
  },
  {
    attributes: ['DockerSendCredentials'],
    uses: (ad) => ad.getBool('DockerSendCredentials') === true && isContainerJob(ad),
    warning: "docker_send_credentials is not implemented by tinycondor yet: images are pulled with the startd's own docker credentials, where HTCondor sends the submitter's",
  },
  {
    attributes: ['ContainerTargetDir'],
    uses: (ad) => (ad.getString('ContainerTargetDir') ?? '') !== '' && isContainerJob(ad),
    warning:
      'container_target_dir is not implemented by tinycondor yet: the sandbox is mounted in the container at its own path, as HTCondor does for an image it runs with Docker, where an execution point that runs the image with Apptainer mounts it at the directory named',
  },
  {
    attributes: ['EC2AccessKeyId'],
    uses: (ad) => ad.getString('EC2AccessKeyId') !== undefined && neededPluginMethods(ad).some((method) => ['s3', 'gs'].includes(method.toLowerCase())),
    warning:
      "s3:// and gs:// URLs are not signed by tinycondor yet: the execute machine's plugin gets each URL as written, where HTCondor presigns it with the job's access key files (aws_, s3_ or gs_access_key_id_file and secret_access_key_file)",
  },
  {
    attributes: ['JobMountUnderScratch'],
    // Container jobs get them (container-args.ts), as DockerProc gives them.
    uses: (ad) => (ad.getString('JobMountUnderScratch') ?? '') !== '' && ad.getBool('WantDocker') !== true && ad.getBool('WantContainer') !== true,
    warning:
      'mount_under_scratch is not implemented by tinycondor yet for jobs outside containers: the directories named are shared with the execute machine, where HTCondor gives the job private ones in its scratch directory',
  },
  {
    attributes: ['EmailAttributes'],
    uses: (ad) => (ad.getString('EmailAttributes') ?? '') !== '',
    warning: 'email_attributes has no effect in tinycondor: the pool sends no email, where HTCondor adds the attributes named to the notification email',
  },
  {
    attributes: ['KeepClaimIdle'],
    uses: (ad) => ad.has('KeepClaimIdle'),
    warning: "keep_claim_idle is not implemented by tinycondor yet: the slot is released when the job ends, where HTCondor's schedd keeps the claim idle that long for the user's next job",
  },
  {
    attributes: ['NextJobStartDelay'],
    uses: (ad) => ad.has('NextJobStartDelay'),
    warning: "next_job_start_delay is not implemented by tinycondor yet: the schedd starts the next job at once, where HTCondor's waits that long after starting this one",
  },
  {
    attributes: ['JobStarterDebug', 'JobStarterLog'],
    uses: (ad) => ad.has('JobStarterDebug') || ad.has('JobStarterLog'),
    warning: "starter_debug and starter_log are not implemented by tinycondor yet: no starter log is written for the job, where HTCondor's starter writes one and brings it back",
  },
];

/** A job HTCondor runs in a container: only its starter acts on the docker_* and container_* commands. */
function isContainerJob(ad: AdReader): boolean {
  return ad.getBool('WantDocker') === true || ad.getBool('WantContainer') === true;
}

/** The warnings for the procs' ads (each said once), without condor_submit's "WARNING: " prefix. */
export function notImplementedWarnings(ads: Iterable<AdReader>): string[] {
  const said = new Set<string>();
  for (const ad of ads) for (const { uses, warning } of NOT_YET) if (!said.has(warning) && uses(ad)) said.add(warning);
  return NOT_YET.map((n) => n.warning).filter((w) => said.has(w));
}

const ATTRIBUTES = new Set(NOT_YET.flatMap((n) => n.attributes.map((name) => name.toLowerCase())));

/** Whether a proc's own attributes (over its cluster's) may change what notImplementedWarnings says: most procs' do not. */
export function mayUseNotImplemented(names: Iterable<string>): boolean {
  for (const name of names) if (ATTRIBUTES.has(name.toLowerCase())) return true;
  return false;
}
