// A job's cron schedule (cron_minute … cron_day_of_week) and its next run time, as HTCondor's CronTab class
// (src/condor_utils/condor_crontab.cpp) parses and computes them for the schedd.
import { atoi } from './c-numbers.js';
import type { ClassAd } from './classad/index.js';

/** The job attributes of a schedule, in CronTab::attributes' order: minute, hour, day of month, month, day of week. */
export const CRON_ATTRIBUTES = ['CronMinute', 'CronHour', 'CronDayOfMonth', 'CronMonth', 'CronDayOfWeek'] as const;

const MINUTES = 0;
const DAYS_OF_MONTH = 2;
const MONTHS = 3;
const DAYS_OF_WEEK = 4;
const YEARS = 5;
const MINS = [0, 0, 1, 1, 0];
const MAXS = [59, 23, 31, 12, 7];
const DAY_OF_MONTH_MAX = 31;
const DAY_OF_WEEK_MAX = 7;
/** CRONTAB_PARAMETER_PATTERN: any character but digits, `,-./`, `*` and a blank makes a field invalid. */
const INVALID_CHARACTER = /[^0-9,\-./* ]/;
/** A schedule no date ever fits (February 31st) would have HTCondor look for one forever: a leap cycle is enough. */
const MAX_YEARS_AHEAD = 28;

export type CronSchedule = { valid: true; ranges: number[][] } | { valid: false; error: string };

/** Whether the ad has a schedule: any of its cron attributes set (CronTab::needsCronTab). */
export function needsCronTab(ad: ClassAd): boolean {
  return CRON_ATTRIBUTES.some((name) => ad.has(name));
}

/** The values of one field (CronTab::expandParameter); a string the error to report, or null for none (a zero step). */
function expandField(index: number, attribute: string, parameter: string): number[] | string | null {
  if (INVALID_CHARACTER.test(parameter)) return `Invalid parameter value '${parameter}' for ${attribute}`;
  const min = MINS[index];
  const max = MAXS[index];
  const list = new Set<number>();
  for (let token of parameter.replaceAll(' ', '').split(',')) {
    if (token === '') continue;
    let low = min;
    let high = max;
    let step = 1;
    const slash = token.indexOf('/');
    if (slash !== -1) {
      step = atoi(token.slice(slash + 1));
      if (step === 0) return null;
      token = token.slice(0, slash);
    }
    const dash = token.indexOf('-');
    if (dash !== -1) {
      const to = atoi(token.slice(dash + 1));
      high = to <= max ? to : max;
      const from = atoi(token.slice(0, dash));
      low = from >= min ? from : min;
    } else if (token.includes('*')) {
      // A wildcard day of week is no restriction: the day of month decides alone.
      if (index === DAYS_OF_WEEK) continue;
    } else {
      // A single value out of range is the whole range, as expandParameter leaves it.
      const value = atoi(token);
      if (value >= min && value <= max) low = high = value;
    }
    for (let value = low; value <= high; value++) {
      // Sunday is 0 or 7; a step keeps the multiples of itself, not every step-th value from the start.
      const day = index === DAYS_OF_WEEK && value === DAY_OF_WEEK_MAX ? 0 : value;
      if (day % step === 0) list.add(day);
    }
  }
  if (index !== DAYS_OF_WEEK && list.size === 0) return `Invalid cron attribute: ${parameter.replaceAll(' ', '')}`;
  return [...list].sort((a, b) => a - b);
}

/**
 * The job's schedule: each cron attribute that is a string, a wildcard for the others (CronTab's constructor),
 * or the error the schedd puts in its hold reason after "Invalid cron schedule parameters: ".
 */
export function parseCronSchedule(ad: ClassAd): CronSchedule {
  const ranges: number[][] = [];
  for (const [index, attribute] of CRON_ATTRIBUTES.entries()) {
    const parameter = ad.getString(attribute) ?? '*';
    const field = expandField(index, attribute, parameter);
    if (field === null) return { valid: false, error: '' };
    if (typeof field === 'string') return { valid: false, error: field };
    ranges.push(field);
  }
  return { valid: true, ranges };
}

function daysInMonth(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 for Sunday. */
function dayOfWeek(month: number, day: number, year: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/**
 * CronTab::matchFields: the first time at or after `now` (its fields) that the ranges allow, field by field
 * from the month down, into `match`. The days a month offers are its days of month, with those of its days
 * of week added when both are restricted (cron's union).
 */
function matchFields(ranges: number[][], now: number[], match: number[], index: number, useFirst: boolean, yearsLeft: number): boolean {
  let nextUseFirst = useFirst;
  match[index] = -1;
  let range = ranges[index];
  if (index === DAYS_OF_MONTH) {
    const days = ranges[DAYS_OF_WEEK];
    // With every day of month and some days of week, HTCondor starts from a list of 31 zeros (a
    // std::vector<int>(31)); a later month's day 0 is then the last day of the month before (mktime).
    const anyDay = ranges[DAYS_OF_MONTH].length === DAY_OF_MONTH_MAX && days.length !== DAY_OF_WEEK_MAX && days.length !== 0;
    const set = anyDay ? new Array<number>(DAY_OF_MONTH_MAX).fill(0) : [...ranges[DAYS_OF_MONTH]];
    const firstDay = dayOfWeek(match[MONTHS], 1, match[YEARS]);
    for (const weekday of days) {
      for (let day = weekday - firstDay + 1; day <= DAY_OF_MONTH_MAX; day += 7) if (day > 0 && !set.includes(day)) set.push(day);
    }
    range = set.sort((a, b) => a - b);
  }
  let found = false;
  for (const value of range) {
    if (!useFirst && value < now[index]) continue;
    if (value > now[index]) nextUseFirst = true;
    if (index === DAYS_OF_MONTH && value > daysInMonth(match[MONTHS], match[YEARS])) continue;
    match[index] = value;
    if (index === MINUTES) {
      found = true;
      break;
    }
    found = matchFields(ranges, now, match, index - 1, nextUseFirst, yearsLeft);
    nextUseFirst = true;
    if (found) break;
  }
  if (!found && index === MONTHS && yearsLeft > 0) {
    match[YEARS]++;
    found = matchFields(ranges, now, match, index, true, yearsLeft - 1);
  }
  return found;
}

/**
 * The next run time (seconds since the epoch) after `nowSeconds`, from the next whole minute on
 * (CronTab::nextRunTime), in the local time zone as the schedd computes it, or in UTC; undefined when no
 * date fits the schedule. A time computed in the past (a day 0 before now) is two minutes from now, as HTCondor
 * "schedules now".
 */
export function nextRunTime(ranges: number[][], nowSeconds: number, zone: 'local' | 'utc' = 'local'): number | undefined {
  const from = nowSeconds + (60 - (nowSeconds % 60));
  const at = new Date(from * 1000);
  const utc = zone === 'utc';
  const now = utc
    ? [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()]
    : [at.getMinutes(), at.getHours(), at.getDate(), at.getMonth() + 1, at.getDay()];
  const match = [0, 0, 0, 0, -1, utc ? at.getUTCFullYear() : at.getFullYear()];
  if (!matchFields(ranges, now, match, MONTHS, false, MAX_YEARS_AHEAD)) return undefined;
  const [minute, hour, day, month, , year] = match;
  const ms = utc ? Date.UTC(year, month - 1, day, hour, minute) : new Date(year, month - 1, day, hour, minute).getTime();
  const runTime = Math.floor(ms / 1000);
  return runTime < from ? nowSeconds + 120 : runTime;
}

/** What the schedd does to an idle job with a schedule: set its next DeferralTime, or hold it (InvalidCronSettings). */
export type CronUpdate = { deferralTime: number } | { invalid: string } | undefined;

/**
 * Scheduler::calculateCronTabSchedule for an idle job: nothing without a schedule; a schedule that does not
 * parse holds the job ("Invalid cron schedule parameters: …"); a new DeferralTime when `force`d (the job is new
 * or back to Idle), when it has none, or when its DeferralTime and window are past.
 */
export function cronScheduleUpdate(ad: ClassAd, nowSeconds: number, force: boolean): CronUpdate {
  if (!needsCronTab(ad)) return undefined;
  const schedule = parseCronSchedule(ad);
  if (!schedule.valid) return { invalid: `Invalid cron schedule parameters: ${schedule.error}` };
  if (!force && ad.has('DeferralTime') && nowSeconds <= (ad.getInt('DeferralTime') ?? 0) + (ad.getInt('DeferralWindow') ?? 0)) return undefined;
  const next = nextRunTime(schedule.ranges, nowSeconds);
  return next === undefined ? { invalid: 'Invalid cron schedule parameters: ' } : { deferralTime: next };
}
