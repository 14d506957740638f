// condor_q -analyze / -better-analyze for one job, as HTCondor's condor_q prints it (jobmatch.cpp:
// printJobRunAnalysis, doJobRunAnalysis, doJobMatchAnalysisToBuffer, appendJobMatchTotalsToBuffer,
// appendBasicJobRunAnalysisToBuffer). Pure: the job ad and the slot ads in, the text out.
import { ClassAd, isTrue, parseExpr, unparse, unparseValue, type Expr } from '@tinycondor/shared/classad/index';
import { JobStatus } from '@tinycondor/shared/job-status';
import { jobFitsSlot } from '@tinycondor/shared/machine-ad';
import { analyzeForEachTarget, numberedClauses, prettyPrint, references, sortedNames } from './expr-analysis.js';
import { jobClusters } from './job-clusters.js';
import { analyzedSlot, drainOverlay, outsideResourceLimits, SlotAds } from './slot-ads.js';

const { Idle: IDLE, Running: RUNNING, Removed: REMOVED, Completed: COMPLETED, Held: HELD, TransferringOutput: TRANSFERRING_OUTPUT, Suspended: SUSPENDED } = JobStatus;

export interface JobAnalysisOptions {
  /** -better-analyze (else -analyze): analyse the Requirements even when no slot rejects the job. */
  better: boolean;
  /** -verbose: name the slots (the first ten) of each line of the summary. */
  verbose: boolean;
  /** -machine NAME named one machine or slot: show that slot's values of the attributes the job refers to. */
  singleMachine: boolean;
  /** Console width the Requirements expression is wrapped to. */
  width: number;
  /** The `noprune` qualifier: every clause in the table. */
  noprune?: boolean;
}

/** anaCounters: how the slots stand towards the job. */
export interface SlotCounts {
  totalSlots: number;
  totalUniqueMachines: number;
  /** Rejected by the job's requirements. */
  rejectedByJob: number;
  /** The job matches them but their own requirements reject it. */
  rejectJob: number;
  jobMatchesSlot: number;
  bothMatch: number;
  offline: number;
  availableNow: number;
  /** Partitionable slots that match only as drained of their dynamic slots (available_if_drained). */
  availableIfDrained: number;
  runningJobs: number;
  runningYourJobs: number;
  /** Slot names per line of the summary (for -verbose). */
  names: { rejectedByJob: string[]; rejectJob: string[]; offline: string[]; servingOthers: string[]; willing: string[]; willingIfDrained: string[] };
}

const DISK_CLAUSE = '(TARGET.Disk >= RequestDisk)';
const MEMORY_CLAUSE = '(TARGET.Memory >= RequestMemory)';
const CPUS_CLAUSE = '(TARGET.Cpus >= RequestCpus)';

/** The top-level && operands of an expression, parentheses kept. */
function conjuncts(expr: Expr): Expr[] {
  return expr.kind === 'binary' && expr.op === '&&' ? [...conjuncts(expr.left), expr.right] : [expr];
}

/**
 * The Requirements the pool matches the job on. HTCondor's condor_submit writes the resource clauses into
 * Requirements (SetRequirements: `(TARGET.Disk >= RequestDisk)` when RequestDisk is set and not 0,
 * `(TARGET.Memory >= RequestMemory)` when RequestMemory is above 1, `(TARGET.Cpus >= RequestCpus)` when
 * RequestCpus is above 1, in that order); this pool's condor_submit leaves them
 * out and its matchmaker checks RequestDisk and RequestMemory itself, so the analysis appends them, as a
 * HTCondor job ad would carry them, unless the expression has them already.
 */
export function analyzedRequirements(job: ClassAd): Expr | undefined {
  let expr = job.get('Requirements');
  if (expr === undefined) return undefined;
  const present = new Set(conjuncts(expr).map((e) => unparse(e).toLowerCase()));
  const wanted = (attr: string, above: number): boolean => {
    const e = job.get(attr);
    if (e === undefined) return false;
    return !(e.kind === 'literal' && (e.value.type === 'int' || e.value.type === 'real') && e.value.value <= above);
  };
  for (const [clause, attr, above] of [
    [DISK_CLAUSE, 'RequestDisk', 0],
    [MEMORY_CLAUSE, 'RequestMemory', 1],
    [CPUS_CLAUSE, 'RequestCpus', 1],
  ] as const) {
    if (wanted(attr, above) && !present.has(clause.toLowerCase())) expr = { kind: 'binary', op: '&&', left: expr, right: parseExpr(clause) };
  }
  return expr;
}

function jobId(job: ClassAd, procWidth = 3): string {
  return `${job.getInt('ClusterId') ?? 0}.${String(job.getInt('ProcId') ?? 0).padStart(procWidth, '0')}`;
}

/** `%03d.%03d` */
function paddedJobId(job: ClassAd): string {
  return `${String(job.getInt('ClusterId') ?? 0).padStart(3, '0')}.${String(job.getInt('ProcId') ?? 0).padStart(3, '0')}`;
}

/** doJobRunAnalysis's answer from the job's state alone ('' for an idle job). */
export function jobStatusText(job: ClassAd, now: Date): string {
  if (!job.has('Owner')) return 'Nothing here.';
  const status = job.getInt('JobStatus');
  let text = '';
  if (status === RUNNING || status === TRANSFERRING_OUTPUT || status === SUSPENDED) text = 'Job is running.';
  if (status === HELD) {
    text = 'Job is held.';
    const reason = job.getString('HoldReason');
    if (reason) text += `\n\nHold reason: ${reason}`;
  }
  if (status === REMOVED) text = 'Job is removed.';
  if (status === COMPLETED) text = 'Job is completed.';
  const coolDown = job.getInt('JobCoolDownExpiration') ?? 0;
  const serverTime = job.getInt('ServerTime') ?? Math.floor(now.getTime() / 1000);
  if (status === IDLE && coolDown > serverTime) text = 'Job is in cool down.';
  return text;
}

/**
 * doJobRunAnalysis's counts: each slot (dynamic slots left out, as anaMatchModePslot; `always` counts them
 * too, as anaMatchModeAlways) rejected by the job's requirements, or rejecting the job by its own (its
 * Requirements, and the pool's check that the job's requests fit), or matching and then offline, running a
 * job (yours or another user's, by its RemoteUser), or willing. In `pslot` mode a partitionable slot whose
 * WithinResourceLimits rejects the job is matched as drained of its dynamic slots (drainOverlay) when the job
 * fits it so, and is then willing only if drained; the overlay joins `slots` (see SlotAds).
 */
export function countSlots(job: ClassAd, slots: readonly ClassAd[] | SlotAds, mode: 'pslot' | 'always' = 'pslot'): SlotCounts {
  const ads = SlotAds.of(slots);
  const counts: SlotCounts = {
    totalSlots: 0, totalUniqueMachines: 0, rejectedByJob: 0, rejectJob: 0, jobMatchesSlot: 0, bothMatch: 0, offline: 0, availableNow: 0, availableIfDrained: 0, runningJobs: 0, runningYourJobs: 0,
    names: { rejectedByJob: [], rejectJob: [], offline: [], servingOthers: [], willing: [], willingIfDrained: [] },
  };
  // A job ad without an Owner is no job: doJobRunAnalysis answers "Nothing here." and counts nothing.
  if (!job.has('Owner')) return counts;
  const requirements = analyzedRequirements(job);
  const user = job.getString('User');
  const machines = new Set<string>();
  for (const slot of ads.slots) {
    const name = slot.getString('Name') ?? '';
    machines.add(slot.getString('Machine') ?? name);
    if (mode === 'pslot' && slot.getBool('DynamicSlot') === true) continue;
    let offer = slot;
    let withinLimits = true;
    if (mode === 'pslot' && slot.getBool('PartitionableSlot') === true) {
      const analyzed = analyzedSlot(slot);
      if (outsideResourceLimits(analyzed, job)) {
        withinLimits = false;
        const overlay = drainOverlay(analyzed);
        // The overlay is kept only when the job fits the drained slot.
        if (!outsideResourceLimits(overlay, job)) {
          ads.addOverlay(slot, overlay);
          offer = overlay;
        }
      }
    }
    counts.totalSlots++;
    if (requirements === undefined || !isTrue(job.evaluateExpr(requirements, offer))) {
      counts.rejectedByJob++;
      counts.names.rejectedByJob.push(name);
      continue;
    }
    counts.jobMatchesSlot++;
    if (!jobFitsSlot(job, offer)) {
      counts.rejectJob++;
      counts.names.rejectJob.push(name);
      continue;
    }
    counts.bothMatch++;
    if (offer.getBool('Offline') === true) {
      counts.offline++;
      counts.names.offline.push(name);
    }
    const remoteUser = offer.getString('RemoteUser');
    if (remoteUser === undefined) {
      if (withinLimits) {
        counts.availableNow++;
        counts.names.willing.push(name);
      } else {
        counts.availableIfDrained++;
        counts.names.willingIfDrained.push(name);
      }
      continue;
    }
    counts.runningJobs++;
    if (user === remoteUser) counts.runningYourJobs++;
    else counts.names.servingOthers.push(name);
  }
  counts.totalUniqueMachines = machines.size;
  return counts;
}

/** anaMachines::print_list: `: a, b, …` (the first ten names), for -verbose. */
function nameList(names: readonly string[], verbose: boolean): string {
  if (!verbose || names.length === 0) return '';
  const shown = names.slice(0, 10).map((n, i) => (i === 0 ? ` ${n}` : `, ${n}`)).join('');
  return `:${shown}${names.length > 10 ? ', ...' : ''}`;
}

const count5 = (n: number): string => String(n).padStart(5);

/** appendJobMatchTotalsToBuffer, ignoring user priority (this pool has no negotiator priorities). */
export function matchTotalsText(job: ClassAd, c: SlotCounts, verbose: boolean): string {
  let out = `\n${paddedJobId(job)}:  Run analysis summary ignoring user priority.  Of ${c.totalSlots} slots on ${c.totalUniqueMachines} machines,\n`;
  out += `  ${count5(c.rejectedByJob)} slots are rejected by your job's requirements${nameList(c.names.rejectedByJob, verbose)}\n`;
  out += `  ${count5(c.rejectJob)} slots reject your job because of their own requirements${nameList(c.names.rejectJob, verbose)}\n`;
  if (c.runningYourJobs > 0) out += `  ${count5(c.runningYourJobs)} slots match and are already running your jobs\n`;
  if (c.runningJobs > 0) out += `  ${count5(c.runningJobs - c.runningYourJobs)} slots match but are serving other users${nameList(c.names.servingOthers, verbose)}\n`;
  if (c.offline > 0) out += `  ${count5(c.offline)} slots match but are currently offline${nameList(c.names.offline, verbose)}\n`;
  out += `  ${count5(c.availableNow)} slots match and are willing to run your job${nameList(c.names.willing, verbose)}\n`;
  if (c.availableIfDrained > 0) out += `  ${count5(c.availableIfDrained)} slots would match if drained${nameList(c.names.willingIfDrained, verbose)}\n`;
  if (c.jobMatchesSlot === 0 || c.bothMatch === 0) {
    out += '\nWARNING:  Be advised:\n';
    out +=
      c.jobMatchesSlot === 0
        ? '   No machines matched the job\'s constraints\n'
        : '   Job did not match any machines\' constraints\n' +
          '   To see why, pick a machine that you think should match and add\n' +
          '     -reverse -machine <name>\n' +
          '   to your query.\n';
  }
  return out;
}

/** `Name = value` lines, HTCondor's "gross empiricism" units after the sizes. */
function attributeLine(label: string, name: string, value: string, kb: string, mb: string): string {
  return `    ${label} = ${value}${name === kb ? ' (kb)' : name === mb ? ' (mb)' : ''}\n`;
}

/**
 * doJobMatchAnalysisToBuffer. With more than one ad (the drain overlays countSlots made count), the dynamic
 * slots are left out (anaMatchModePslot); once any overlay was made, the overlays are analysed too, in the
 * table's `If Drained` column.
 */
export function requirementsAnalysisText(job: ClassAd, slots: readonly ClassAd[] | SlotAds, opts: { eachClause: boolean; singleMachine: boolean; width: number; noprune?: boolean }): string {
  const ads = SlotAds.of(slots);
  const id = jobId(job);
  const requirements = analyzedRequirements(job);
  const skipDynamic = ads.all.length > 1;
  const kept = (slot: ClassAd): boolean => !(skipDynamic && slot.getBool('DynamicSlot') === true);
  let out = '';
  if (requirements !== undefined) {
    out += `The Requirements expression for job ${id} is\n\n    ${prettyPrint(requirements, 4, opts.width)}\n\n`;
    out += `${numberedClauses(job, requirements, 'Requirements')}\n`;
    if (opts.eachClause) {
      const refs = references(job, requirements);
      out += `Job ${id} defines the following attributes:\n\n`;
      for (const name of sortedNames(refs.mine)) {
        if (name.toLowerCase() === 'requirements') continue;
        out += attributeLine(name, name, job.getOldSource(name) ?? 'undefined', 'RequestDisk', 'RequestMemory');
      }
      if (opts.singleMachine || ads.all.length === 1) {
        const targetValues = (slot: ClassAd): string => {
          let values = '';
          for (const name of sortedNames(refs.target)) {
            if (slot.has(name)) values += attributeLine(`TARGET.${name}`, name, unparseValue(slot.evaluate(name, job), 'old'), 'Disk', 'Memory');
          }
          return values;
        };
        for (const slot of ads.slots.filter(kept)) {
          const values = targetValues(slot);
          if (values !== '') out += `\n${slot.getString('Name') ?? 'Target'} has the following attributes:\n\n${values}`;
          const drained = ads.drained.get(slot);
          const drainedValues = drained === undefined ? '' : targetValues(drained);
          if (drainedValues !== '') out += `\n${slot.getString('Name') ?? 'Target'} has the following attributes when drained:\n\n${drainedValues}`;
        }
      }
      out += '\n';
      out += `The Requirements expression for job ${id} reduces to these conditions:\n\n`;
      const withOverlays = ads.overlays.size > 0;
      const targets = ads.all.filter((slot) => kept(slot) && (withOverlays || !ads.overlays.has(slot)));
      out += analyzeForEachTarget(job, requirements, 'Requirements', targets, 'Slot', { showAll: opts.noprune, ...(withOverlays ? { drained: ads.overlays } : {}) }).table;
    }
  }
  switch (job.getInt('JobUniverse')) {
    case 5: // vanilla
    case 10: // java
    case 11: // parallel
    case 13: // vm
      break;
    case 9: // grid
      if (!(job.getString('GridResource') ?? '').includes('$$')) out += '\nWARNING: Analysis is only meaningful for Grid universe jobs using matchmaking.\n';
      break;
    case 8: // mpi
      out += '\nWARNING: Analysis is meaningless for MPI universe jobs.\n';
      break;
    case 7: // scheduler
    case 12: // local
      out += '\nWARNING: Analysis is not complete for Scheduler or Local universe jobs.\n';
      break;
    default:
      out += '\nWARNING: Job universe unknown.  Analysis may not be meaningful.\n';
  }
  return out;
}

/** ctime(3): `Thu Nov 23 10:00:00 2026`, local time. */
export function ctime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** appendBasicJobRunAnalysisToBuffer: the state answer and the job's match history. */
export function basicAnalysisText(job: ClassAd, status: string): string {
  let out = status === '' ? '' : `\n${paddedJobId(job)}:  ${status}\n\n`;
  const lastMatch = job.getInt('LastMatchTime') ?? 0;
  const lastRejected = job.getInt('LastRejMatchTime') ?? 0;
  if (lastMatch) out += `Last successful match: ${ctime(lastMatch)}\n`;
  else if (lastRejected) out += 'No successful match recorded.\n';
  if (lastRejected > lastMatch) {
    const negotiator = job.getString('LastRejMatchNegotiator');
    out += `Last failed match: ${ctime(lastRejected)}${negotiator ? ` from ${negotiator}` : ''}\n`;
    const reason = job.getString('LastRejMatchReason');
    if (reason !== undefined) out += `Reason for last match failure: ${reason}\n`;
  }
  return out;
}

/**
 * printJobRunAnalysis: the Requirements analysis (-better-analyze always; -analyze when a slot rejects the
 * job by its requirements), the run analysis summary, then the job's state. Pass the same SlotAds for each
 * job of one condor_q run: the drain overlays made for a job stay for the jobs after, as in HTCondor.
 */
export function analyzeJob(job: ClassAd, slots: readonly ClassAd[] | SlotAds, opts: JobAnalysisOptions, now: Date): string {
  const ads = SlotAds.of(slots);
  const status = jobStatusText(job, now);
  const counts = countSlots(job, ads);
  let out = '';
  if (counts.rejectedByJob > 0 || opts.better) {
    out += `${requirementsAnalysisText(job, ads, { eachClause: true, singleMachine: opts.singleMachine, width: opts.width, noprune: opts.noprune })}\n`;
  }
  let buffer = counts.totalSlots > 0 ? matchTotalsText(job, counts, opts.verbose) : '';
  buffer += '\n';
  buffer += basicAnalysisText(job, status);
  return out + buffer;
}

/**
 * print_jobs_analysis's `summary` table: a line per job (per autocluster, counted once) with how many slots
 * its requirements match, reject it, run your jobs, serve other users, and are available.
 */
export function jobSummaryText(jobs: readonly ClassAd[], slots: readonly ClassAd[], opts: { verbose: boolean; singleMachine?: string }): string {
  let out = opts.singleMachine !== undefined ? `${opts.singleMachine}: Analyzing matches for ${slots.length} slots\n` : `Analyzing matches for ${slots.length} slots\n`;
  const heading = (cells: string[]): string => `${cells[0].padEnd(13)} ${cells[1].padStart(12)} ${cells[2].padStart(12)} ${cells[3].padStart(11)} ${cells[4].padStart(11)} ${cells[5].padStart(10)} ${cells[6].padStart(9)} ${cells[7]}\n`;
  out += heading(['', ' Autocluster', '   Matches  ', '  Machine  ', '  Running  ', '  Serving ', '', '']);
  out += heading([' JobId', 'Members/Idle', 'Requirements', 'Rejects Job', ' Users Job ', 'Other User', 'Available', 'Owner']);
  out += heading(['-------------', '------------', '------------', '-----------', '-----------', '----------', '---------', '-----']);
  for (const [id, members] of jobClusters(jobs)) {
    // The jobs without an autocluster are each their own; a cluster's first job stands for all of it.
    const evaluated = id === -1 ? members : members.slice(0, 1);
    const counted = id === -1 ? 1 : members.length;
    for (const job of evaluated) {
      // As HTCondor counts them: the first `counted` jobs of the group, so for the jobs without an
      // autocluster always the group's first job.
      const inCluster = members.slice(0, counted);
      const idle = inCluster.filter((j) => j.getInt('JobStatus') === IDLE).length;
      const running = inCluster.filter((j) => [RUNNING, TRANSFERRING_OUTPUT, SUSPENDED].some((status) => status === j.getInt('JobStatus'))).length;
      const autocluster = id < 0 ? '' : opts.verbose ? `${id}:${counted}/${idle}` : `${counted}/${idle}`;
      const c = countSlots(job, slots, 'always');
      const runningCell = `${running ? `${running}/` : ''}${c.runningYourJobs}`;
      out += `${`${job.getInt('ClusterId') ?? 0}.${job.getInt('ProcId') ?? 0}`.padEnd(13)} ${autocluster.padEnd(12)} ${String(c.totalSlots - c.rejectedByJob).padStart(12)} ${String(c.rejectJob).padStart(11)} ${runningCell.padStart(11)} ${String(c.runningJobs - c.runningYourJobs).padStart(10)} ${String(c.availableNow).padStart(9)} ${job.getString('Owner') ?? ''}\n`;
    }
  }
  return out;
}
