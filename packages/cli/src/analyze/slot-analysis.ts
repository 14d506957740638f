// condor_q -better-analyze -reverse: each slot's Requirements analysed against the selected jobs, as
// HTCondor's condor_q prints it (queue.cpp: print_jobs_analysis; jobmatch.cpp: doSlotRunAnalysisToBuffer,
// buildJobClusterMap). Pure: the slot ads and the job ads in, the text out.
import { ClassAd, isTrue, unparseValue, type Expr } from '@tinycondor/shared/classad/index';
import { analyzedRequirements } from './job-analysis.js';
import { jobClusters } from './job-clusters.js';
import { analyzeForEachTarget, numberedClauses, prettyPrint, references, sortedNames } from './expr-analysis.js';
import { analyzedSlot, drainOverlay, outsideResourceLimits } from './slot-ads.js';

export interface SlotAnalysisOptions {
  /** -better-analyze (else -analyze or -reverse alone): analyse each slot's clauses, not one line per slot. */
  better: boolean;
  /** The `summary` qualifier: one line per slot even with -better-analyze. */
  summary: boolean;
  /** -verbose: the heading counts the autoclusters. */
  verbose: boolean;
  /** The `noprune` qualifier: every clause in the table. */
  noprune?: boolean;
  /** Console width the Requirements expressions are wrapped to. */
  width: number;
}

/** IsAConstraintMatch: `request`'s Requirements true against `target`. */
function requirementsMatch(request: ClassAd, requirements: Expr | undefined, target: ClassAd): boolean {
  return requirements !== undefined && isTrue(request.evaluateExpr(requirements, target));
}

/** The width of the slot name column (MAX(longest Machine + 7, longest Name), at least 16). */
function nameColumnWidth(slots: readonly ClassAd[]): number {
  let machine = 0;
  let name = 0;
  for (const slot of slots) {
    machine = Math.max(machine, (slot.getString('Machine') ?? '').length);
    name = Math.max(name, (slot.getString('Name') ?? '').length);
  }
  return Math.max(machine + 7, name, 16);
}

/** `%-W.Ws` */
const column = (text: string, width: number): string => text.slice(0, width).padEnd(width);
const count5 = (n: number): string => String(n).padStart(5);
/** `%Ns`, `%N.Ns` */
const right = (text: string, width: number, cut = false): string => (cut ? text.slice(0, width) : text).padStart(width);

/** `Name = value` lines; HTCondor's "gross empiricism" units after the sizes. */
function attributeLine(label: string, name: string, value: string, kb: string, mb: string): string {
  return `    ${label} = ${value}${name === kb ? ' (kb)' : name === mb ? ' (mb)' : ''}\n`;
}

/** doSlotRunAnalysisToBuffer: one slot against the job clusters, a table row or the clause analysis. */
export function slotRunAnalysis(original: ClassAd, clusters: Map<number, ClassAd[]>, opts: { width: number; tabular: boolean; nameWidth: number; showAll?: boolean }): string {
  const name = original.getString('Name') ?? '';
  if (original.getBool('Offline') === true) return `${column(name, 24)}  is offline\n`;
  const slot = analyzedSlot(original);
  const slotType = slot.getBool('DynamicSlot') === true ? 'Dyn' : slot.getBool('PartitionableSlot') === true ? 'Part' : 'Stat';
  const slotRequirements = slot.get('Requirements');

  const isPslot = slotType === 'Part';
  let totalJobs = 0;
  let reqConstraint = 0;
  let offConstraint = 0;
  let bothMatch = 0;
  const drain = { reqConstraint: 0, offConstraint: 0, bothMatch: 0 };
  // The partitionable slot as if drained, made for the first job its WithinResourceLimits rejects.
  let overlay: ClassAd | undefined;
  const jobs: ClassAd[] = [];
  for (const [id, members] of clusters) {
    // The jobs without an autocluster are each their own; a cluster's first job stands for all of it.
    const evaluated = id === -1 ? members : members.slice(0, 1);
    const weight = id === -1 ? 1 : members.length;
    totalJobs += members.length;
    for (const job of evaluated) {
      jobs.push(job);
      const offer = requirementsMatch(slot, slotRequirements, job);
      if (offer) offConstraint += weight;
      else if (isPslot && overlay === undefined && outsideResourceLimits(slot, job)) overlay = drainOverlay(slot);
      const requirements = analyzedRequirements(job);
      if (requirementsMatch(job, requirements, slot)) {
        reqConstraint += weight;
        if (offer) bothMatch += weight;
      }
      if (overlay !== undefined) {
        const drainedOffer = requirementsMatch(overlay, overlay.get('Requirements'), job);
        if (drainedOffer) drain.offConstraint += weight;
        if (requirementsMatch(job, requirements, overlay)) {
          drain.reqConstraint += weight;
          if (drainedOffer) drain.bothMatch += weight;
        }
      }
    }
  }
  const percent = (totalJobs ? (100 * bothMatch) / totalJobs : 0).toFixed(2);

  if (opts.tabular) {
    return `${column(name, opts.nameWidth)} ${slotType.padEnd(4)} ${String(offConstraint).padStart(12)} ${String(reqConstraint).padStart(12)} ${percent.padStart(10)}\n`;
  }

  let out = `\n-- Slot: ${name} : Analyzing matches for ${totalJobs} Jobs in ${jobs.length} autoclusters\n`;
  if (slotRequirements !== undefined) {
    const inline = ['Requirements'];
    let pretty = prettyPrint(slotRequirements, 4, opts.width);
    for (const [attr, heading] of [['Start', 'START'], ['WithinResourceLimits', 'WithinResourceLimits']] as const) {
      const expr = slot.get(attr);
      if (expr === undefined) continue;
      pretty = prettyPrint(expr, 4, opts.width, `${pretty}\n\n  ${heading} is\n    `);
      inline.push(attr);
    }
    out += `\nThe Requirements expression for this slot is\n\n    ${pretty}\n\n`;
    out += `${numberedClauses(slot, slotRequirements, 'Requirements', inline)}\n`;

    const hidden = new Set(inline.map((a) => a.toLowerCase()));
    const refs = references(slot, { kind: 'attr', name: 'Requirements' });
    out += 'This slot defines the following attributes:\n\n';
    for (const attr of sortedNames(refs.mine)) {
      if (!hidden.has(attr.toLowerCase())) out += attributeLine(attr, attr, slot.getOldSource(attr) ?? 'undefined', 'RequestDisk', 'RequestMemory');
    }
    if (overlay !== undefined) {
      // Evaluated, not as written: the drained resources are TotalSlot<Resource>.
      out += 'When drained, this slot has the following attributes:\n\n';
      for (const attr of sortedNames(references(overlay, { kind: 'attr', name: 'Requirements' }).mine)) {
        if (!hidden.has(attr.toLowerCase())) out += attributeLine(attr, attr, unparseValue(overlay.evaluate(attr), 'old'), 'RequestDisk', 'RequestMemory');
      }
    }
    if (jobs.length === 1) {
      const job = jobs[0];
      let values = '';
      for (const attr of sortedNames(refs.target)) {
        if (job.has(attr)) values += attributeLine(`TARGET.${attr}`, attr, unparseValue(job.evaluate(attr, slot), 'old'), 'Disk', 'Memory');
      }
      if (values !== '') out += `\n${jobName(job)} has the following attributes:\n\n${values}`;
    }
    out += '\nThe Requirements expression for this slot reduces to these conditions:\n\n';
    out += analyzeForEachTarget(slot, slotRequirements, 'Requirements', jobs, 'Cluster', { inlineAttrs: ['Start', 'WithinResourceLimits'], showAll: opts.showAll }).table;
  }
  out += `\n${name}: Run analysis summary of ${totalJobs} jobs.\n`;
  out += `${count5(bothMatch)} (${percent} %) match both slot and job requirements.\n`;
  out += `${count5(offConstraint)} match the requirements of this slot.\n`;
  out += `${count5(reqConstraint)} have job requirements that match this slot.\n`;
  if (overlay !== undefined) {
    // HTCondor's words, its misspelling included.
    out += `${count5(drain.bothMatch)} would match both slot and job requirments if the slot was drained.\n`;
    out += `${count5(drain.offConstraint)} would match the requirements of this slot when drained.\n`;
    out += `${count5(drain.reqConstraint)} would have job requirements that match this slot when drained\n`;
  }
  return out;
}

/** AddTargetAttribsToBuffer's name for a target ad: its Name, else `Job C.P`, else `Target`. */
function jobName(job: ClassAd): string {
  const name = job.getString('Name');
  if (name !== undefined) return name;
  const cluster = job.getInt('ClusterId');
  return cluster === undefined ? 'Target' : `Job ${cluster}.${job.getInt('ProcId') ?? 0}`;
}

/**
 * print_jobs_analysis's reverse branch: with -better-analyze, or a single slot, each slot's clause analysis;
 * otherwise (or with the `summary` qualifier) a table of one line per slot.
 */
export function reverseAnalysis(slots: readonly ClassAd[], jobs: readonly ClassAd[], opts: SlotAnalysisOptions): string {
  if (slots.length === 0) return '';
  const clusters = jobClusters(jobs);
  const tabular = opts.summary || !(opts.better || slots.length === 1);
  const nameWidth = nameColumnWidth(slots);
  let out = '';
  if (tabular) {
    if (jobs.length <= 1) {
      for (const job of jobs) out += `${job.getInt('ClusterId') ?? 0}.${job.getInt('ProcId') ?? 0}: Analyzing matches for 1 job\n`;
    } else if (opts.verbose) {
      out += `Analyzing ${jobs.length} jobs in ${clusters.size - (clusters.has(-1) ? 1 : 0) + (clusters.get(-1)?.length ?? 0)} autoclusters\n`;
    } else {
      out += `Analyzing matches for ${jobs.length} jobs\n`;
    }
    const row = (a: string, b: string, c: string, d: string, e: string): string => `${column(a, nameWidth)} ${right(b, 4)} ${right(c, 12, true)} ${right(d, 12, true)} ${right(e, 10, true)}\n`;
    out += row('', 'Slot', "Slot's Req ", "  Job's Req ", 'Both   ');
    out += row('Name', 'Type', 'Matches Job', 'Matches Slot', 'Match %');
    out += row('------------------------', '----', '------------', '------------', '----------');
  }
  for (const slot of slots) out += slotRunAnalysis(slot, clusters, { width: opts.width, tabular, nameWidth, showAll: opts.noprune });
  return out;
}

