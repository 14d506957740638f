/** How many clusters' ads a startd keeps between the jobs it is started on. */
export const CLUSTER_ADS_KEPT = 16;

/**
 * The clusters a schedd ⇄ startd channel last started jobs of, least recent first. The schedd sends a
 * cluster's shared ad with a start only when the cluster is not among them, and then only the proc's own
 * attributes; both ends keep this list through every start message in channel order, so they agree on
 * what the startd holds without telling each other. A new channel starts with an empty list.
 */
export class RecentClusters<T> {
  private readonly entries = new Map<number, T>();

  constructor(private readonly limit = CLUSTER_ADS_KEPT) {}

  /** What the list holds for `clusterId` (undefined if it is not among the recent ones), now the most recent. */
  use(clusterId: number): T | undefined {
    const value = this.entries.get(clusterId);
    if (value !== undefined) {
      this.entries.delete(clusterId);
      this.entries.set(clusterId, value);
    }
    return value;
  }

  /** Puts `clusterId` at the most recent end, dropping the least recent beyond the limit. */
  add(clusterId: number, value: T): void {
    this.entries.delete(clusterId);
    this.entries.set(clusterId, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
