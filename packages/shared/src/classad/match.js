import { isTrue } from './value.js';
/**
 * Symmetric matchmaking: the job's Requirements must be true against the machine, and the
 * machine's Requirements (when it has any) must be true against the job.
 */
export function matches(jobAd, machineAd) {
    if (!isTrue(jobAd.evaluate('Requirements', machineAd)))
        return false;
    return !machineAd.has('Requirements') || isTrue(machineAd.evaluate('Requirements', jobAd));
}
//# sourceMappingURL=match.js.map