import type { ClassAd } from './classad/index.js';
import type { Transition } from './job-state.js';

/**
 * An attribute set in a running job's queue ad by a user (condor_qedit, condor_prio) while the run went on:
 * its value when the run began, the value the run's shadow holds, and the value set in the queue (each an
 * expression's source; null: absent).
 *
 * HTCondor's shadow and starter each keep the copy of the job ad their run began with (the schedd hands the
 * shadow the queue's ad when it spawns it, the shadow hands the starter and startd theirs at activation). A
 * user's SetAttribute changes the queue only, and marks the attribute clean (classad_log.cpp
 * LogSetAttribute::Play); with condor_qedit -forward it marks it dirty and signals a running job's shadow
 * (qmgmt.cpp SetAttribute, SendDirtyJobAdNotification), which merges the dirty attributes into its copy
 * (QmgrJobUpdater::retrieveJobUpdates). The starter's copy never changes. The next run reads the queue.
 */
export interface RunEdit {
  name: string;
  started: string | null;
  shadow: string | null;
  set: string | null;
}

/** A run's user edits by lower-case attribute name; undefined when there are none. */
export type RunEdits = Record<string, RunEdit>;

const sourceOf = (ad: Pick<ClassAd, 'getSource'>, name: string): string | null => ad.getSource(name) ?? null;

/**
 * Whether the queue still holds what the user set. Once something else set the attribute (the run itself,
 * through the shadow: set_job_attr, its updates), every copy has that value and the edit no longer counts.
 */
const holds = (ad: Pick<ClassAd, 'getSource'>, edit: RunEdit): boolean => sourceOf(ad, edit.name) === edit.set;

/**
 * The run's edits once `names` were set in the queue (`before` → `after`): a plain edit leaves the shadow's
 * copy as it was, a forwarded one (`forwarded`, the job running: the shadow is told) reaches it. An edit the
 * queue no longer holds is dropped first, and one that leaves every copy as the queue is not kept.
 */
export function recordRunEdits(edits: RunEdits | undefined, before: ClassAd, after: ClassAd, names: readonly string[], forwarded: boolean): RunEdits | undefined {
  const next: RunEdits = {};
  for (const [key, edit] of Object.entries(edits ?? {})) if (holds(before, edit)) next[key] = edit;
  for (const name of names) {
    const key = name.toLowerCase();
    const prior = next[key];
    const set = sourceOf(after, name);
    const started = prior ? prior.started : sourceOf(before, name);
    const shadow = forwarded ? set : prior ? prior.shadow : sourceOf(before, name);
    if (started === set && shadow === set) delete next[key];
    else next[key] = { name: prior?.name ?? name, started, shadow, set };
  }
  return Object.keys(next).length === 0 ? undefined : next;
}

function copyWith(ad: ClassAd, edits: RunEdits | undefined, valueOf: (edit: RunEdit) => string | null): ClassAd {
  const differing = Object.values(edits ?? {}).filter((edit) => holds(ad, edit) && valueOf(edit) !== edit.set);
  if (differing.length === 0) return ad;
  const copy = ad.clone();
  for (const edit of differing) {
    const value = valueOf(edit);
    if (value === null) copy.delete(edit.name);
    else copy.setExpr(edit.name, value);
  }
  return copy;
}

/** The job ad as the run's shadow holds it: what its periodic and exit policies and get_job_attr read. */
export function shadowCopy(ad: ClassAd, edits: RunEdits | undefined): ClassAd {
  return copyWith(ad, edits, (edit) => edit.shadow);
}

/** The job ad as the run's starter and startd hold it, as it began: the kill signals, JobMaxVacateTime. */
export function starterCopy(ad: ClassAd, edits: RunEdits | undefined): ClassAd {
  return copyWith(ad, edits, (edit) => edit.started);
}

/**
 * A transition the shadow decides on its copy (the run's end and its exit policy): `decide` is given the
 * shadow's copy, and the queue keeps the user's values of what the transition left as the copy had them,
 * as the shadow sends the schedd only what it changed (QmgrJobUpdater::updateJob).
 */
export function decidedOnShadowCopy(ad: ClassAd, edits: RunEdits | undefined, decide: (copy: ClassAd) => Transition): Transition {
  const copy = shadowCopy(ad, edits);
  const transition = decide(copy);
  if (copy === ad) return transition;
  const queueAd = transition.ad.clone();
  for (const edit of Object.values(edits ?? {})) {
    if (!holds(ad, edit) || sourceOf(queueAd, edit.name) !== edit.shadow) continue;
    if (edit.set === null) queueAd.delete(edit.name);
    else queueAd.setExpr(edit.name, edit.set);
  }
  return { ...transition, ad: queueAd };
}
