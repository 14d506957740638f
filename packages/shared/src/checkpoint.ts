import type { ClassAd } from './classad/index.js';
import type { ExitStatus } from './protocol.js';
import { signalNumber } from './signals.js';

/** How a job promises to exit after taking a checkpoint. */
export type CheckpointPromise = { bySignal: false; exitCode: number } | { bySignal: true; signal: number };

/**
 * The job's checkpoint promise, from `checkpoint_exit_code` (SuccessCheckpointExitCode), the 8.8 names
 * (+SuccessCheckpointExitCode, +SuccessCheckpointExitBySignal/+SuccessCheckpointExitSignal) or the 8.6
 * names (+CheckpointExitCode, +CheckpointExitBySignal/+CheckpointExitSignal). As in HTCondor's starter,
 * none of them counts unless WantFTOnCheckpoint is true.
 */
export function checkpointPromise(ad: ClassAd): CheckpointPromise | undefined {
  if (ad.getBool('WantFTOnCheckpoint') !== true) return undefined;
  for (const prefix of ['SuccessCheckpoint', 'Checkpoint']) {
    if (ad.getBool(`${prefix}ExitBySignal`) === true) {
      const raw = ad.getString(`${prefix}ExitSignal`) ?? ad.getInt(`${prefix}ExitSignal`);
      const signal = signalNumber(raw, 0);
      if (signal > 0) return { bySignal: true, signal };
    }
    const code = ad.getInt(`${prefix}ExitCode`);
    if (code !== undefined) return { bySignal: false, exitCode: code };
  }
  return undefined;
}

export function isCheckpointExit(promise: CheckpointPromise | undefined, exit: ExitStatus): boolean {
  if (!promise) return false;
  return promise.bySignal ? exit.bySignal && exit.signal === promise.signal : !exit.bySignal && exit.exitCode === promise.exitCode;
}

function describe(exit: CheckpointPromise | ExitStatus): string {
  return exit.bySignal ? `on signal ${exit.signal}` : `with exit code ${exit.exitCode}`;
}

/** HTCondor's hold reason when a job sent its checkpoint signal exits any other way (vanilla_proc.cpp). */
export function brokenPromiseReason(promise: CheckpointPromise, actual: ExitStatus): string {
  return `Job did not exit as promised when sent its checkpoint signal.  Promised exit was ${describe(promise)}, actual exit status was ${describe(actual)}.`;
}

/** The periodic checkpoint signal a job asked for with +WantCheckpointSignal/+CheckpointSig (else KillSig). */
export function checkpointSignal(ad: ClassAd): number | undefined {
  if (ad.getBool('WantCheckpointSignal') !== true) return undefined;
  const raw = ad.getString('CheckpointSig') ?? ad.getInt('CheckpointSig') ?? ad.getString('KillSig');
  return signalNumber(raw, 15);
}

