// The notification email of a job that exited (notification, notify_user, email_attributes), worded as
// HTCondor's shadow sends it: src/condor_utils/email_cpp.cpp (Email::shouldSend, writeJobId, writeExit,
// writeBytes, construct_custom_attributes, email_check_domain, build_subject_line) and
// src/condor_utils/email.cpp (email_nonjob_open, email_write_headers, email_close).

import type { ClassAd } from './classad/index.js';
import { HoldCode, JobStatus } from './job-status.js';

/** JobNotification's values (src/condor_includes/proc.h). */
export const Notify = { Never: 0, Always: 1, Complete: 2, Error: 3, Start: 4 } as const;

/**
 * Why the shadow mails (src/h/exit.h): the job exited (JOB_EXITED) or dumped core (JOB_COREDUMPED), it is put on
 * hold (JOB_SHOULD_HOLD), or removed (Email::sendRemove's -1).
 */
export type MailReason = 'exited' | 'coredumped' | 'hold' | 'remove';

/**
 * Email::shouldSend on the job's ad as the shadow has it then. `unrecognized`: the JobNotification value the
 * shadow logs ("has unrecognized notification of") before sending anyway.
 */
export function shouldSendMail(ad: ClassAd, reason: MailReason): { send: boolean; unrecognized?: number } {
  const notification = ad.getInt('JobNotification') ?? Notify.Never;
  switch (notification) {
    case Notify.Never:
    case Notify.Start:
      return { send: false };
    case Notify.Always:
      return { send: true };
    case Notify.Complete:
      return { send: reason === 'exited' || reason === 'coredumped' };
    case Notify.Error: {
      if (reason === 'coredumped' || (reason === 'exited' && ad.getBool('ExitBySignal') === true)) return { send: true };
      const code = ad.getInt('HoldReasonCode') ?? -1;
      const policyHold = code === HoldCode.UserRequest || code === HoldCode.JobPolicy || code === HoldCode.SubmittedOnHold;
      if ((ad.getInt('JobStatus') === JobStatus.Held || reason === 'hold') && !policyHold) return { send: true };
      return { send: (ad.getInt('ExitCode') ?? 0) !== (ad.getInt('JobSuccessExitCode') ?? 0) };
    }
    default:
      return { send: true, unrecognized: notification };
  }
}

/** The configuration the message and its delivery depend on. */
export interface MailKnobs {
  emailDomain?: string;
  uidDomain?: string;
  condorAdmin?: string;
  supportEmail?: string;
  signature?: string;
}

/**
 * email_user_open_id and email_check_domain: NotifyUser, else Owner; an address without "@" gets
 * EMAIL_DOMAIN, else the job's UidDomain, else UID_DOMAIN. Undefined: the job names nobody.
 */
export function mailAddress(ad: ClassAd, knobs: MailKnobs): string | undefined {
  const address = ad.getString('NotifyUser') ?? ad.getString('Owner');
  if (address === undefined || address.includes('@')) return address;
  const domain = knobs.emailDomain ?? ad.getString('UidDomain') ?? knobs.uidDomain;
  return domain === undefined ? address : `${address}@${domain}`;
}

/** email_nonjob_open: the addresses, split on commas and spaces, each a separate argument of the mailer. */
export function splitAddresses(addresses: string): string[] {
  return addresses.split(/[, ]/).filter((a) => a !== '');
}

/**
 * build_subject_line with email_nonjob_open's "[Condor] " prolog: the exit mail has no subject of its own, the
 * start mail's is its reason, "" (so the subject ends in a space).
 */
export function mailSubject(ad: ClassAd, subject?: string): string {
  return `[Condor] Condor Job ${ad.getInt('ClusterId') ?? -1}.${ad.getInt('ProcId') ?? -1}${subject === undefined ? '' : ` ${subject}`}`;
}

/** How the schedd runs the mailer (email_nonjob_open): SENDMAIL reads the headers, MAIL takes -s. */
export type Mailer = { sendmail: string } | { mail: string };

/** The mailer's argv and the headers written before the message (email_write_headers: control characters become spaces). */
export function mailerInvocation(mailer: Mailer, subject: string, addresses: string[], from: string | undefined): { argv: string[]; headers: string } {
  if ('sendmail' in mailer) {
    const clean = (s: string): string => s.replace(/[\x00-\x1f]/g, ' ');
    const headers = `${from === undefined ? '' : `From: ${clean(from)}\n`}Subject: ${clean(subject)}\nTo: ${addresses.map(clean).join(', ')}\n\n`;
    return { argv: [mailer.sendmail, '-t', '-i'], headers };
  }
  return { argv: [mailer.mail, '-s', subject, ...(from === undefined ? [] : ['-r', from]), ...addresses], headers: '' };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** ctime(3), in the schedd's local time: "Mon Dec  7 23:19:05 2026\n". */
export function ctime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${d.getFullYear()}\n`;
}

/** format_time (src/condor_utils/format_time.cpp): "%3d+%02d:%02d:%02d". */
export function formatTime(totalSeconds: number): string {
  const s = Math.trunc(totalSeconds);
  const days = Math.trunc(s / 86400);
  const rest = s % 86400;
  return `${String(days).padStart(3, ' ')}+${pad2(Math.trunc(rest / 3600))}:${pad2(Math.trunc((rest % 3600) / 60))}:${pad2(rest % 60)}`;
}

/** metric_units (src/condor_utils/metric_units.cpp): "%.1f %s", B to TB by 1024. */
export function metricUnits(bytes: number): string {
  const suffix = ['B ', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let power = 0;
  while (value > 1024 && power < suffix.length - 1) {
    value /= 1024;
    power++;
  }
  return `${value.toFixed(1)} ${suffix[power]}`;
}

/** printExitString for JOB_EXITED and JOB_COREDUMPED, from the job's ad; undefined when it lacks what it needs. */
function exitString(ad: ClassAd): string | undefined {
  const bySignal = ad.getBool('ExitBySignal');
  if (bySignal === undefined) return undefined;
  const value = ad.getInt(bySignal ? 'ExitSignal' : 'ExitCode');
  if (value === undefined) return undefined;
  if (!bySignal) return `exited normally with status ${value}`;
  const exception = ad.getString('ExceptionName');
  if (exception !== undefined) return `died with exception ${exception}`;
  return ad.getString('ExitReason') || `died on signal ${value}`;
}

/** Email::writeJobId. */
function jobIdLines(ad: ClassAd): string {
  let text = `Condor job ${ad.getInt('ClusterId') ?? -1}.${ad.getInt('ProcId') ?? -1}\n`;
  const cmd = ad.getString('Cmd') ?? '';
  const args = ad.getString('Arguments') ?? ad.getString('Args') ?? '';
  if (cmd !== '') text += `\t${cmd}${args === '' ? '' : ` ${args}`}\n`;
  const batch = ad.getString('JobBatchName') ?? '';
  if (batch !== '') text += `\tfrom batch ${batch}\n`;
  const iwd = ad.getString('Iwd') ?? '';
  if (iwd !== '') text += `\tsubmitted from directory ${iwd}\n`;
  return text;
}

/**
 * construct_custom_attributes: "Name = expression" of each attribute EmailAttributes names, after a blank
 * line; `undefinedNames` gets the names the job does not have (the shadow logs "Custom email attribute (…) is
 * undefined.").
 */
function customAttributes(ad: ClassAd, undefinedNames: string[]): string {
  let text = '';
  for (const name of splitAttributeList(ad.getString('EmailAttributes') ?? '')) {
    const source = ad.getSource(name);
    if (source === undefined) {
      undefinedNames.push(name);
      continue;
    }
    if (text === '') text = '\n\n';
    text += `${name} = ${source}\n`;
  }
  return text;
}

/** StringTokenIterator's default separators: commas and whitespace. */
function splitAttributeList(list: string): string[] {
  return list.split(/[,\s]+/).filter((n) => n !== '');
}

/** email_nonjob_open's opening lines. */
function opening(host: string): string {
  return `This is an automated email from the Condor system\non machine "${host}".  Do not reply.\n\n`;
}

/** Email::sendStart: only notification = Start gets it, when the job starts executing. */
export function shouldSendStartMail(ad: ClassAd): boolean {
  return ad.getInt('JobNotification') === Notify.Start;
}

/** Email::sendStart's message (its reason is "" from BaseShadow's emailStartEvent), with email_close's signature. */
export function startMailBody(ad: ClassAd, opts: { host: string; knobs: MailKnobs }): string {
  return `${opening(opts.host)}${jobIdLines(ad)}\nhas started on ${ad.getString('RemoteHost') ?? ''}\n\n${signature(opts.knobs)}`;
}

/** Email::sendAction's words for a hold (sendHold) and a removal (sendRemove): the subject's and the message's. */
export const MAIL_ACTIONS = { hold: 'put on hold', remove: 'removed' } as const;

/** Email::sendAction's message: the job's lines, "is being <action>." and the reason, with email_close's signature. */
export function actionMailBody(ad: ClassAd, action: 'hold' | 'remove', reason: string, opts: { host: string; knobs: MailKnobs }): string {
  return `${opening(opts.host)}${jobIdLines(ad)}\nis being ${MAIL_ACTIONS[action]}.\n\n${reason}${signature(opts.knobs)}`;
}

/** The run as the shadow saw it end: the 005 event's usage and bytes, the shadow's start, the earlier runs' wall clock. */
export interface ExitedRun {
  reason: 'exited' | 'coredumped';
  /** ShadowBday: when the run's shadow started (seconds); undefined when there was none. */
  shadowBday?: number;
  /** RemoteWallClockTime before this run. */
  previousWallClock: number;
  userCpu: number;
  systemCpu: number;
  /** The shadow's bytes (sendExitWithBytes); undefined for a local or scheduler universe job (sendExit: no Network lines). */
  network?: { sentBytes: number; receivedBytes: number; totalSentBytes: number; totalReceivedBytes: number };
}

/**
 * The message on the mailer's stdin: email_nonjob_open's opening lines, Email::writeExit, writeBytes (the
 * shadow's sendExitWithBytes), writeCustom, then email_close's signature. `ad`: the job as it left its run.
 */
export function exitMailBody(ad: ClassAd, run: ExitedRun, opts: { now: Date; host: string; knobs: MailKnobs }): { body: string; undefinedAttributes: string[] } {
  const now = Math.floor(opts.now.getTime() / 1000);
  const qDate = ad.getInt('QDate') ?? 0;
  let body = opening(opts.host) + jobIdLines(ad);
  body += `${exitString(ad) ?? 'exited in an unknown way'}\n`;
  if (ad.getBool('JobCoreDumped') ?? run.reason === 'coredumped') body += 'Core file generated\n';
  body += `\n\nSubmitted at:        ${ctime(qDate)}`;
  body += `Completed at:        ${ctime(now)}`;
  body += `Real Time:           ${formatTime(now - qDate)}\n`;
  body += '\n';
  body += `Virtual Image Size:  ${ad.getInt('ImageSize') ?? 0} Kilobytes\n\n`;
  const wall = run.shadowBday === undefined ? 0 : now - run.shadowBday;
  body += 'Statistics from last run:\n';
  body += `Allocation/Run time:     ${formatTime(wall)}\n`;
  body += `Remote User CPU Time:    ${formatTime(run.userCpu)}\n`;
  body += `Remote System CPU Time:  ${formatTime(run.systemCpu)}\n`;
  body += `Total Remote CPU Time:   ${formatTime(Math.trunc(run.userCpu + run.systemCpu))}\n\n`;
  body += 'Statistics totaled from all runs:\n';
  body += `Allocation/Run time:     ${formatTime(run.previousWallClock + wall)}\n`;
  if (run.network !== undefined) {
    const bytes = (n: number, what: string): string => `${metricUnits(n).padStart(10, ' ')} ${what}\n`;
    body += '\nNetwork:\n';
    body += bytes(run.network.receivedBytes, 'Run Bytes Received By Job');
    body += bytes(run.network.sentBytes, 'Run Bytes Sent By Job');
    body += bytes(run.network.totalReceivedBytes, 'Total Bytes Received By Job');
    body += bytes(run.network.totalSentBytes, 'Total Bytes Sent By Job');
  }
  const undefinedAttributes: string[] = [];
  body += customAttributes(ad, undefinedAttributes);
  body += signature(opts.knobs);
  return { body, undefinedAttributes };
}

/** email_close: EMAIL_SIGNATURE, else HTCondor's with CONDOR_SUPPORT_EMAIL or CONDOR_ADMIN. */
function signature(knobs: MailKnobs): string {
  if (knobs.signature !== undefined) return `\n\n${knobs.signature}\n`;
  let text = '\n\n-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=\nQuestions about this message or HTCondor in general?\n';
  const help = knobs.supportEmail ?? knobs.condorAdmin;
  if (help !== undefined) text += `Email address of the local HTCondor administrator: ${help}\n`;
  return `${text}The Official HTCondor Homepage is https://htcondor.org/\n`;
}
