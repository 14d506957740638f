import type { AdReader } from '../proc-ad-view.js';
import { isSpooled } from '../transfer-files.js';

/**
 * Submit commands an HTCondor pool acts on that tinycondor accepts without doing what HTCondor does yet.
 * condor_submit names each one a job uses, with what will differ, rather than ignore it in silence: a job
 * tested here must not behave differently on the real pool without its user being told.
 */
const NOT_YET: { attributes: string[]; uses: (ad: AdReader) => boolean; warning: string }[] = [
  {
    attributes: ['StreamOut', 'StreamErr'],
    uses: (ad) => (ad.getBool('StreamOut') === true || ad.getBool('StreamErr') === true) && isSpooled(ad),
    warning:
      "stream_output and stream_error of a job submitted with -spool: tinycondor's condor_transfer_data brings the streamed file back with the job's other output, where HTCondor's sends only the files its output transfer spooled (SpooledOutputFiles) and leaves a streamed one in the job's SPOOL directory",
  },
  {
    attributes: ['ContainerTargetDir'],
    // Only HTCondor's Apptainer path reads it (Singularity::hasTargetDir); DockerProc::LaunchContainer mounts the sandbox at its own path.
    uses: (ad) => (ad.getString('ContainerTargetDir') ?? '') !== '' && isContainerJob(ad),
    warning:
      "container_target_dir has no effect on a job run with Docker, in tinycondor as in HTCondor, whose Docker starter does not read it: the sandbox is mounted in the container at its own path, which is the job's working directory and _CONDOR_SCRATCH_DIR; an HTCondor execution point that runs the image with Apptainer mounts the sandbox at the directory named instead",
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
