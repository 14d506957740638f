// Late materialization at the schedd: each cluster's job factory (HTCondor's JobFactory, qmgmt_factory.cpp)
// and when it makes procs (MaterializeJobs, CheckMaterializePolicyExpression in qmgmt.cpp).
import type { ClassAd, EvalContext } from '@tinycondor/shared/classad/index';
import type { ClusterAd } from '@tinycondor/shared/cluster-ad';
import { ProcFactory, type SubmitDigest } from '@tinycondor/shared/submit/factory';
import type { RequestKnobs } from '@tinycondor/shared/submit/evict-checks';
import type { ClusterTally, JobStore } from './job-store.js';

/** Where a factory stands, from its cluster's ad. */
export interface FactoryState {
  /** JobMaterializeNextProcId. */
  nextProcId: number;
  /** TotalSubmitProcs. */
  totalProcs: number;
  /** JobMaterializeLimit: procs of the cluster in the queue at once (≤ 0 or absent: no limit). */
  limit: number;
  /** JobMaterializeMaxIdle: procs idle or held at once (absent or < 0: no limit). */
  maxIdle: number | undefined;
  /** JobMaterializePaused: not 0 when it materializes nothing (a proc it could not build). */
  paused: number;
}

export function factoryState(cluster: ClusterAd): FactoryState {
  const int = (name: string): number | undefined => {
    const value = cluster.evaluation(name).value;
    return value.type === 'int' ? value.value : undefined;
  };
  const limit = int('JobMaterializeLimit') ?? 0;
  const maxIdle = int('JobMaterializeMaxIdle');
  return {
    nextProcId: int('JobMaterializeNextProcId') ?? 0,
    totalProcs: int('TotalSubmitProcs') ?? 0,
    limit: limit <= 0 ? Number.MAX_SAFE_INTEGER : limit,
    maxIdle: maxIdle === undefined || maxIdle < 0 ? undefined : maxIdle,
    paused: int('JobMaterializePaused') ?? 0,
  };
}

/**
 * How many procs to materialize now: while the cluster's procs in the queue stay under JobMaterializeLimit
 * and, with JobMaterializeMaxIdle, those idle or held under it (MaterializeJobs); none when paused, none
 * past the last proc.
 */
export function procsToMaterialize(state: FactoryState, counts: { inQueue: number; notRunning: number }): number {
  if (state.paused !== 0) return 0;
  let room = Math.min(state.limit - counts.inQueue, state.totalProcs - state.nextProcId);
  if (state.maxIdle !== undefined) room = Math.min(room, state.maxIdle - counts.notRunning);
  return Math.max(room, 0);
}

/** HTCondor's MaterializeMode, as JobFactoryPaused gives it: a factory done (mmNoMoreItems), or removed by condor_rm (mmClusterRemoved). */
const NO_MORE_ITEMS = 2;
const CLUSTER_REMOVED = 3;

/** A cluster ad as queries see it, before its counters: no ProcId (the constraint of a query is evaluated on it). */
export function queriedClusterAd(cluster: ClusterAd, clusterId: number): ClassAd {
  const ad = cluster.procAd({ ProcId: null });
  if (!ad.has('ClusterId')) ad.set('ClusterId', clusterId);
  return ad;
}

/**
 * What a query for cluster ads adds to the cluster ad (JobQueueCluster::PopulateInfoAd): the counters of its
 * procs in the queue and, for a job factory's cluster (one with JobMaterializeNextProcId), PopulateFactoryInfoAd's
 * JobFactoryId, JobFactoryPaused (0 running, 1 paused by a proc it could not build, 2 done, 3 removed) and
 * JobFactoryTotalProcs.
 */
export function addClusterCounters(ad: ClassAd, cluster: ClusterAd, tally: ClusterTally): ClassAd {
  ad.set('JobsPresent', tally.present).set('JobsIdle', tally.idle).set('JobsRunning', tally.running).set('JobsHeld', tally.held).set('ClusterSize', tally.present);
  if (cluster.get('JobMaterializeNextProcId') === undefined) return ad;
  const state = factoryState(cluster);
  const paused = tally.factory ? state.paused : state.nextProcId >= state.totalProcs ? NO_MORE_ITEMS : CLUSTER_REMOVED;
  return ad.set('JobFactoryId', tally.cluster).set('JobFactoryPaused', paused).set('JobFactoryTotalProcs', state.totalProcs);
}

/** The clusters with a factory, and each one's ProcFactory, built from its stored digest when first needed. */
export class JobFactories {
  private readonly built = new Map<number, ProcFactory>();
  private readonly clusters: Set<number>;

  /** The schedd's userMap() maps as they are when a factory's expansion calls userMap(). */
  readonly evalContext: EvalContext;

  constructor(
    private readonly store: JobStore,
    maps: () => EvalContext,
    /** SUBMIT_REQUEST_MISSING_UNITS and ON_EVICT_CHECK_<attr>_REQUIREMENTS as configured now: the schedd's, as HTCondor's reads them to materialize. */
    readonly knobs: () => RequestKnobs = () => ({}),
  ) {
    this.clusters = new Set(store.factoryClusters());
    this.evalContext = { userMap: (mapName, input) => maps().userMap?.(mapName, input) };
  }

  /** Whether the cluster may have a factory (a factory it lost since is found gone when it is read). */
  has(clusterId: number): boolean {
    return this.clusters.has(clusterId);
  }

  all(): number[] {
    return [...this.clusters];
  }

  added(clusterId: number, factory: ProcFactory): void {
    this.clusters.add(clusterId);
    this.built.set(clusterId, factory);
  }

  /** The cluster's ProcFactory; undefined when it has no factory. Throws SubmitError for a digest that builds no proc 0. */
  factory(clusterId: number): ProcFactory | undefined {
    let factory = this.built.get(clusterId);
    if (factory !== undefined) return factory;
    const digest = this.store.factoryDigest(clusterId);
    if (digest === undefined) {
      this.clusters.delete(clusterId);
      return undefined;
    }
    factory = new ProcFactory(JSON.parse(digest) as SubmitDigest, clusterId, undefined, this.evalContext, this.knobs());
    this.built.set(clusterId, factory);
    return factory;
  }

  /** The factory is gone (done or removed), once that is committed. */
  forget(clusterId: number): void {
    this.clusters.delete(clusterId);
    this.built.delete(clusterId);
  }
}
