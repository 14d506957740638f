import { ClassAd } from './classad/index.js';

/**
 * CLAIM_WORKLIFE, the seconds after which a claim takes no further job, as HTCondor's startd has it.
 * param_info.in gives it 1200; set empty it is not put in the slot's ad (configInsert: param() is NULL for an
 * empty value), which Resource::claimWorklifeExpired reads as no limit (-1), as a negative value is.
 */
export const DEFAULT_CLAIM_WORKLIFE_SECONDS = 1200;

/**
 * The knob's value as seconds (negative: no limit): a ClassAd expression giving an integer, as the startd's
 * LookupInteger reads it from the slot's ad, here without the slot's attributes (`20 * 60`, not `Cpus * 600`);
 * undefined when it gives none.
 */
export function claimWorklifeOf(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (text === undefined) return DEFAULT_CLAIM_WORKLIFE_SECONDS;
  if (text === '') return -1;
  let result;
  try {
    result = new ClassAd().evaluateExpr(text);
  } catch {
    return undefined;
  }
  return result.type === 'int' && Number.isSafeInteger(result.value) ? result.value : undefined;
}

/**
 * Resource::claimWorklifeExpired: the claim, begun at `claimStartedAt` (ms), is older than its worklife at
 * `now`. It is asked when a claim's job ends (command.cpp deactivate_claim: an expired claim is closing and takes
 * no further job) and after a checkpoint (CHECK_REACTIVATE_AFTER_CHECKPOINT).
 */
export function claimWorklifeExpired(worklifeSeconds: number, claimStartedAt: number, now: number): boolean {
  return worklifeSeconds >= 0 && (now - claimStartedAt) / 1000 > worklifeSeconds;
}
