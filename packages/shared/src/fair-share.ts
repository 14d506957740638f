// How the negotiator shares slots among submitters (condor_negotiator.V6/matchmaker.cpp negotiateWithGroup,
// without preemption, group quotas, floors or ceilings): submitters in order of effective priority, each
// given its share of the pool per spin of the pie, spun again while it hands out more.
import type { AdReader } from './proc-ad-view.js';

/**
 * The submitter a job is accounted to (qmgmt.cpp get_job_prio): its AccountingGroup when set, else its
 * Owner; `@` ACCOUNTING_DOMAIN (param_info.in: UID_DOMAIN) is added when the schedd names it.
 */
export function submitterOf(ad: AdReader): string {
  const group = ad.getString('AccountingGroup');
  return group !== undefined && group !== '' ? group : (ad.getString('Owner') ?? '');
}

/** `name@domain`, as the schedd names a submitter to the negotiator (schedd.cpp: `%s@%s`, AccountingDomain). */
export function submitterName(accountingName: string, accountingDomain: string): string {
  return accountingDomain === '' ? accountingName : `${accountingName}@${accountingDomain}`;
}

export interface ShareSubmitter {
  name: string;
  /** Its effective priority (the accountant's GetPriority): lower goes first. */
  priority: number;
  /** The slot weight it holds now (the accountant's WeightedResourcesUsed). */
  used: number;
}

/** What a submitter's turn did (matchmaker.cpp negotiate's result). */
export interface TurnResult {
  /** The slot weight it was matched to. */
  matched: number;
  /** MM_DONE: every job it has was tried (none left for a later spin); false: its limit stopped it (MM_RESUME). */
  done: boolean;
}

/**
 * SubmitterLimitPermits: a match of `cost` fits the limit, or is the submitter's first of this spin while it
 * has some limit left (rounding up once per spin, so no crumbs of the pie are left that no one can take).
 */
export function limitPermits(used: number, cost: number, allowed: number): boolean {
  return used + cost <= allowed || (used <= 0 && allowed > 0);
}

/**
 * Spins the pie: `total` is the pool's slot weight (all slots, busy or not), `submitters` those with idle
 * jobs. They go in order of effective priority (ties: the one furthest below its share, then by name); each
 * turn is given its limit, its share of the pool (the inverse of its priority, normalised over the
 * submitters left) less what it holds, at most what is left of the pie, and `negotiate` matches its jobs
 * with limitPermits. Spins go on while one hands out more or a submitter finishes; a submitter is dropped
 * once done. Turns past the first spin are skipped when the limit or the pie is below `minWeight`.
 */
export function spinPie(submitters: readonly ShareSubmitter[], total: number, minWeight: number, negotiate: (name: string, limit: number) => TurnResult): void {
  const used = new Map(submitters.map((s) => [s.name, s.used]));
  let active = [...submitters];
  const shareOf = (s: ShareSubmitter, max: number, normal: number): number => max / (s.priority * normal);
  const limitOf = (s: ShareSubmitter, max: number, normal: number): number => Math.max(0, shareOf(s, max, normal) * total - (used.get(s.name) ?? 0));
  for (let spin = 1; active.length > 0; spin++) {
    // calculateNormalizationFactor
    const max = Math.max(...active.map((s) => s.priority));
    const normal = active.reduce((sum, s) => sum + max / s.priority, 0);
    let pieLeft = active.reduce((sum, s) => sum + limitOf(s, max, normal), 0);
    if (pieLeft <= 0) return;
    if (spin === 1) {
      // submitterLessThan: priority, then SubmitterStarvation (usage over usage + limit).
      const starvation = (s: ShareSubmitter): number => {
        const allocated = s.used + limitOf(s, max, normal);
        return allocated > 0 ? s.used / allocated : Number.MAX_VALUE;
      };
      active.sort((a, b) => a.priority - b.priority || starvation(a) - starvation(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    const pieLeftOrig = pieLeft;
    const countOrig = active.length;
    const left: ShareSubmitter[] = [];
    for (const s of active) {
      const limit = Math.min(limitOf(s, max, normal), pieLeft);
      if (spin > 1 && (limit < minWeight || pieLeft < minWeight)) {
        left.push(s);
        continue;
      }
      const result = negotiate(s.name, limit);
      pieLeft -= result.matched;
      used.set(s.name, (used.get(s.name) ?? 0) + result.matched);
      if (!result.done) left.push(s);
    }
    active = left;
    if (!(pieLeft < pieLeftOrig || active.length < countOrig)) return;
  }
}
