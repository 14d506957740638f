import type { ClassAd } from '@tinycondor/shared/classad/index';

/**
 * buildJobClusterMap (jobmatch.cpp): the jobs by AutoClusterId, in ascending id order as its std::map
 * keeps them; the jobs without one go under -1, where each is analysed on its own.
 */
export function jobClusters(jobs: readonly ClassAd[]): Map<number, ClassAd[]> {
  const clusters = new Map<number, ClassAd[]>();
  for (const job of jobs) {
    const id = job.getInt('AutoClusterId') ?? -1;
    const members = clusters.get(id);
    if (members) members.push(job);
    else clusters.set(id, [job]);
  }
  return new Map([...clusters].sort(([a], [b]) => a - b));
}
