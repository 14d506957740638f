import path from 'node:path';
import type { ClassAd } from './classad/index.js';
import { jobEnvironment } from './job-command.js';

/** The starter's files in a job's scratch directory (starter.cpp's JOB_AD_FILENAME, MACHINE_AD_FILENAME). */
export const JOB_AD_FILE = '.job.ad';
export const MACHINE_AD_FILE = '.machine.ad';

/** Where a starter runs a job, as it tells the job in its environment. */
export interface StarterPlaces {
  /** The job's scratch directory (_CONDOR_SCRATCH_DIR; TMPDIR, TEMP, TMP unless tmpDir), which holds .job.ad and .machine.ad. */
  scratchDir: string;
  /** _CONDOR_JOB_IWD: the job's working directory (JobInfoCommunicator::jobRemoteIWD). */
  jobIwd: string;
  /** _CONDOR_SLOT: the slot's name; empty for the local universe's starter (getMySlotName finds none). */
  slotName: string;
  /** The machine ad's Cpus, for OMP_NUM_THREADS; undefined when it has none (the local universe's empty machine ad). */
  cpus: number | undefined;
  /** _CONDOR_CHIRP_CONFIG, when a Chirp contact file was written. */
  chirpConfig?: string;
  /**
   * TMPDIR, TEMP and TMP when not the scratch directory: /tmp for a job given a mount namespace for
   * MOUNT_UNDER_SCRATCH (VanillaProc::StartJob's setTmpDir).
   */
  tmpDir?: string;
}

/**
 * The environment HTCondor's starter gives a job (Starter::GetJobEnv): the job's own `environment`, then what
 * the starter publishes over it (PublishToEnv), so a job cannot move its scratch directory or ad files by
 * naming them; OMP_NUM_THREADS is set only when the job left it unset or empty.
 */
export function starterEnvironment(jobAd: ClassAd, places: StarterPlaces): Record<string, string> {
  const env = jobEnvironment(jobAd);
  const { scratchDir } = places;
  const tmpDir = places.tmpDir ?? scratchDir;
  Object.assign(env, {
    BATCH_SYSTEM: 'HTCondor',
    _CONDOR_JOB_IWD: places.jobIwd,
    _CONDOR_JOB_PIDS: '',
    _CONDOR_SCRATCH_DIR: scratchDir,
    _CONDOR_SLOT: places.slotName,
    TMPDIR: tmpDir,
    TEMP: tmpDir,
    TMP: tmpDir,
    _CONDOR_MACHINE_AD: path.join(scratchDir, MACHINE_AD_FILE),
    _CONDOR_JOB_AD: path.join(scratchDir, JOB_AD_FILE),
  });
  if (places.chirpConfig !== undefined) env._CONDOR_CHIRP_CONFIG = places.chirpConfig;
  if (places.cpus !== undefined && places.cpus > 0 && !env.OMP_NUM_THREADS) env.OMP_NUM_THREADS = String(places.cpus);
  return env;
}
