import type { ClassAd } from './classad/index.js';
import { numberOf } from './classad/value.js';
import { wholeNumber } from './epoch-history.js';

/** The schedd's pacing of job starts, from its knobs (schedd.cpp Scheduler::Init). */
export interface StartPacingSettings {
  /** JOB_START_DELAY: seconds between bursts of starts (param_info.in: 0, start as fast as possible). */
  jobStartDelay: number;
  /** JOB_START_COUNT: starts in a burst (param_info.in: 1, its minimum too). */
  jobStartCount: number;
  /** MAX_NEXT_JOB_START_DELAY: the most a job's NextJobStartDelay delays the next start (schedd.cpp: 600; 0, no limit). */
  maxNextJobStartDelay: number;
}

export const DEFAULT_START_PACING: StartPacingSettings = { jobStartDelay: 0, jobStartCount: 1, maxNextJobStartDelay: 600 };

/** The settings from the knobs (`knob`: a knob's value, undefined when not set); a value that is no whole number is said in `warnings` and its default used. */
export function startPacingSettings(knob: (name: string) => string | undefined): { settings: StartPacingSettings; warnings: string[] } {
  const warnings: string[] = [];
  const settings: StartPacingSettings = {
    jobStartDelay: wholeNumber(knob('JOB_START_DELAY'), 'JOB_START_DELAY', DEFAULT_START_PACING.jobStartDelay, Number.MIN_SAFE_INTEGER, warnings),
    jobStartCount: wholeNumber(knob('JOB_START_COUNT'), 'JOB_START_COUNT', DEFAULT_START_PACING.jobStartCount, 1, warnings),
    maxNextJobStartDelay: wholeNumber(knob('MAX_NEXT_JOB_START_DELAY'), 'MAX_NEXT_JOB_START_DELAY', DEFAULT_START_PACING.maxNextJobStartDelay, Number.MIN_SAFE_INTEGER, warnings),
  };
  return { settings, warnings };
}

/**
 * Scheduler::setNextJobDelay: the job's NextJobStartDelay evaluated with the slot as its target (EvalInteger:
 * 0 when it is no number), limited to MAX_NEXT_JOB_START_DELAY unless that is 0. `limitedFrom`: the job's own
 * value when it was limited (the schedd logs it). `slotAd` is built only for a job that has one: most have none.
 */
export function nextJobStartDelay(jobAd: ClassAd, slotAd: () => ClassAd, maxDelay: number): { seconds: number; limitedFrom?: number } {
  if (!jobAd.has('NextJobStartDelay')) return { seconds: 0 };
  const value = numberOf(jobAd.evaluate('NextJobStartDelay', slotAd()));
  const seconds = value === undefined ? 0 : Math.trunc(value);
  if (maxDelay !== 0 && seconds > maxDelay) return { seconds: maxDelay, limitedFrom: seconds };
  return { seconds };
}

/**
 * When the schedd may start its next job on a slot (Scheduler::jobThrottle, which times each StartJobHandler):
 * JOB_START_COUNT starts go at once, then JOB_START_DELAY seconds pass before the next; a job started with a
 * NextJobStartDelay holds the next start back that long at least, counted from its own start (as the manual
 * says; HTCondor's timer counts from when the next job waits to start). Only starts of a job on a slot with no
 * job count, as only those spawn a shadow: a job run next on its slot's claim (a recycled shadow) is not paced.
 */
export class StartPacer {
  /** JobsThisBurst: starts in the current burst (jobThrottle counted the first start before it happened). */
  private burst = 0;
  /** No start before this (ms). */
  private resumeAt = 0;

  /** The time (ms) before which no job is to start, if that is after `now`. */
  pausedUntil(now: number): number | undefined {
    return this.resumeAt > now ? this.resumeAt : undefined;
  }

  /** A job started at `now`, with `nextDelaySeconds` its NextJobStartDelay (nextJobStartDelay). */
  started(now: number, nextDelaySeconds: number, settings: StartPacingSettings): void {
    let delay = 0;
    if (++this.burst >= settings.jobStartCount) {
      this.burst = 0;
      delay = settings.jobStartDelay;
    }
    delay = Math.max(delay, nextDelaySeconds);
    if (delay > 0) this.resumeAt = Math.max(this.resumeAt, now + delay * 1000);
  }
}
