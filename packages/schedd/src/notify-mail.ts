import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobEvent } from '@tinycondor/shared/eventlog/index';
import {
  exitMailBody,
  mailAddress,
  mailerInvocation,
  mailSubject,
  actionMailBody,
  MAIL_ACTIONS,
  shouldSendMail,
  shouldSendStartMail,
  startMailBody,
  splitAddresses,
  type MailKnobs,
  type Mailer,
  type MailReason,
} from '@tinycondor/shared/notify-mail';
import { scheddUniverse } from '@tinycondor/shared/local-universe';
import { scheddUser } from './caller.js';

type TerminatedEvent = Extract<JobEvent, { code: 5 }>;

/** param(): an empty value is no value. */
function knobValue(knob: (name: string) => string | undefined, name: string): string | undefined {
  const value = knob(name)?.trim();
  return value === '' ? undefined : value;
}

/** The search's result by SENDMAIL's value and PATH, kept as param_with_full_path keeps it in the configuration. */
const sendmailFound = new Map<string, string | undefined>();

/**
 * param_with_full_path("SENDMAIL"): the knob's value (SENDMAIL's default "sendmail" when unset) if a full path,
 * else found on PATH or /bin:/usr/bin:/sbin:/usr/sbin and kept only when its real path is under /usr, /bin or
 * /sbin (a program safe for a daemon to run).
 */
function sendmailPath(knob: (name: string) => string | undefined): string | undefined {
  const command = knobValue(knob, 'SENDMAIL') ?? 'sendmail';
  if (path.isAbsolute(command)) return command;
  const key = `${command}\0${process.env.PATH ?? ''}`;
  if (!sendmailFound.has(key)) sendmailFound.set(key, searchPath(command));
  return sendmailFound.get(key);
}

function searchPath(command: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/bin', '/usr/bin', '/sbin', '/usr/sbin'].filter((d) => d !== '');
  for (const dir of dirs) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      const real = fs.realpathSync(candidate);
      return ['/usr/', '/bin/', '/sbin/'].some((prefix) => real.startsWith(prefix)) ? real : undefined;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** email_nonjob_open's choice: SENDMAIL when found, else MAIL (/usr/bin/mail by default). */
function mailer(knob: (name: string) => string | undefined): Mailer {
  const sendmail = sendmailPath(knob);
  return sendmail === undefined ? { mail: knobValue(knob, 'MAIL') ?? '/usr/bin/mail' } : { sendmail };
}

/** The knobs the message depends on, as configured now. */
function mailKnobs(knob: (name: string) => string | undefined, host: string): MailKnobs {
  return {
    emailDomain: knobValue(knob, 'EMAIL_DOMAIN'),
    uidDomain: knobValue(knob, 'UID_DOMAIN') ?? host,
    condorAdmin: knobValue(knob, 'CONDOR_ADMIN') ?? `root@${host}`,
    supportEmail: knobValue(knob, 'CONDOR_SUPPORT_EMAIL'),
    signature: knobValue(knob, 'EMAIL_SIGNATURE'),
  };
}

interface MailOptions {
  knob: (name: string) => string | undefined;
  log: Logger;
}

/**
 * email_user_open_id then email_nonjob_open and email_close: the mailer runs as the schedd, without a shell, the
 * message on its stdin; the schedd does not wait for it.
 */
function deliver(ad: ClassAd, jobId: string, subject: string, body: string, knobs: MailKnobs, opts: MailOptions): void {
  const address = mailAddress(ad, knobs);
  if (address === undefined) return;
  const addresses = splitAddresses(address);
  if (addresses.length === 0) {
    opts.log.debug({ jobId }, 'Trying to email, but address list is empty');
    return;
  }
  const { argv, headers } = mailerInvocation(mailer(opts.knob), subject, addresses, knobValue(opts.knob, 'MAIL_FROM'));
  const user = scheddUser();
  const failed = (err: Error): void => opts.log.warn({ jobId, mailer: argv[0], err: err.message }, `Failed to launch mailer process: ${argv[0]}`);
  let child: ChildProcessByStdio<Writable, null, Readable>;
  try {
    child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LOGNAME: user, USER: user } });
  } catch (err) {
    // A value spawn refuses outright (a NUL byte in it).
    failed(err as Error);
    return;
  }
  let stderr = '';
  let launched = true;
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.on('error', (err) => {
    launched = false;
    failed(err);
  });
  child.on('close', (code, signal) => {
    if (!launched) return;
    if (code !== 0 && code !== null) opts.log.warn({ jobId, mailer: argv[0], code, stderr }, 'mailer exited with an error');
    else if (signal !== null) opts.log.warn({ jobId, mailer: argv[0], signal }, 'mailer was killed');
    else opts.log.info({ jobId, to: addresses, subject }, 'notification email sent');
  });
  // A mailer that exits without reading its stdin must not take the schedd down with EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(headers + body);
}

/** Email::shouldSend, logging a JobNotification it does not know (then sending). */
function wanted(ad: ClassAd, jobId: string, reason: MailReason, log: Logger): boolean {
  const decision = shouldSendMail(ad, reason);
  if (decision.unrecognized !== undefined) log.warn({ jobId }, `Condor Job ${jobId} has unrecognized notification of ${decision.unrecognized}`);
  return decision.send;
}

/**
 * The notification email of a job that exited (JobNotification, NotifyUser, EmailAttributes), as the shadow
 * sends it when it writes the 005 event (UniShadow::emailTerminateEvent, Email::sendExitWithBytes); a local
 * universe job's starter and the schedd for a scheduler universe job send it without the bytes (Email::sendExit).
 * `before`: the job's ad while it ran (ShadowBday, earlier runs' RemoteWallClockTime); `after`: as it left the run.
 */
export function sendExitMail(before: ClassAd, after: ClassAd, event: TerminatedEvent, opts: MailOptions & { now: Date }): void {
  const reason = after.getBool('JobCoreDumped') === true ? 'coredumped' : 'exited';
  const jobId = `${event.cluster}.${event.proc}`;
  if (!wanted(after, jobId, reason, opts.log)) return;
  const host = os.hostname();
  const knobs = mailKnobs(opts.knob, host);
  const { body, undefinedAttributes } = exitMailBody(
    after,
    {
      reason,
      shadowBday: before.getInt('ShadowBday'),
      previousWallClock: before.getNumber('RemoteWallClockTime') ?? 0,
      userCpu: event.runRemoteUsage?.userSeconds ?? 0,
      systemCpu: event.runRemoteUsage?.systemSeconds ?? 0,
      ...(scheddUniverse(after.getInt('JobUniverse')) !== undefined
        ? {}
        : {
            network: {
              sentBytes: event.sentBytes ?? 0,
              receivedBytes: event.receivedBytes ?? 0,
              totalSentBytes: event.totalSentBytes ?? 0,
              totalReceivedBytes: event.totalReceivedBytes ?? 0,
            },
          }),
    },
    { now: opts.now, host, knobs },
  );
  for (const name of undefinedAttributes) opts.log.info({ jobId }, `Custom email attribute (${name}) is undefined.`);
  deliver(after, jobId, mailSubject(after), body, knobs, opts);
}

/** notification = Start: the mail the shadow sends as the job starts executing (BaseShadow's emailStartEvent, Email::sendStart). */
export function sendStartMail(ad: ClassAd, event: JobEvent, opts: MailOptions): void {
  if (!shouldSendStartMail(ad)) return;
  const host = os.hostname();
  const knobs = mailKnobs(opts.knob, host);
  deliver(ad, `${event.cluster}.${event.proc}`, mailSubject(ad, ''), startMailBody(ad, { host, knobs }), knobs, opts);
}

/**
 * The mail of a running job the shadow puts on hold or removes (BaseShadow::holdJob and removeJobPre:
 * Email::sendHold, sendRemove), on the shadow's copy of the job's ad.
 */
export function sendActionMail(ad: ClassAd, jobId: string, action: 'hold' | 'remove', reason: string, opts: MailOptions): void {
  if (!wanted(ad, jobId, action, opts.log)) return;
  const host = os.hostname();
  const knobs = mailKnobs(opts.knob, host);
  deliver(ad, jobId, mailSubject(ad, MAIL_ACTIONS[action]), actionMailBody(ad, action, reason, { host, knobs }), knobs, opts);
}
