import t from 'tap';
import { ClassAd } from './classad/index.js';
import {
  ctime,
  exitMailBody,
  formatTime,
  mailAddress,
  mailerInvocation,
  mailSubject,
  metricUnits,
  actionMailBody,
  shouldSendMail,
  shouldSendStartMail,
  startMailBody,
  splitAddresses,
  type ExitedRun,
  type MailReason,
} from './notify-mail.js';

// ctime(3) prints local time: the expected texts are in UTC.
process.env.TZ = 'UTC';

const QDATE = 1_800_000_000;
const ad = (attrs: Record<string, string>) => ClassAd.fromJSON({ ClusterId: '12', ProcId: '3', Owner: '"alice"', JobNotification: '2', ...attrs });

t.test('Email::shouldSend: which JobNotification values send mail, for an exit, a hold, a removal', async (t) => {
  const table: [string, Record<string, string>, MailReason, boolean][] = [
    ['Never', { JobNotification: '0' }, 'exited', false],
    ['no JobNotification (NOTIFY_NEVER)', { JobNotification: 'undefined' }, 'exited', false],
    ['Always', { JobNotification: '1' }, 'exited', true],
    ['Complete', { JobNotification: '2', ExitCode: '1' }, 'exited', true],
    ['Complete, core dumped', { JobNotification: '2' }, 'coredumped', true],
    ['Start: only at the start', { JobNotification: '4' }, 'exited', false],
    ['Error, exit 0', { JobNotification: '3', ExitBySignal: 'false', ExitCode: '0' }, 'exited', false],
    ['Error, exit 1', { JobNotification: '3', ExitBySignal: 'false', ExitCode: '1' }, 'exited', true],
    ['Error, exit 1 = JobSuccessExitCode', { JobNotification: '3', ExitBySignal: 'false', ExitCode: '1', JobSuccessExitCode: '1' }, 'exited', false],
    ['Error, by a signal', { JobNotification: '3', ExitBySignal: 'true', ExitSignal: '9' }, 'exited', true],
    ['Error, core dumped', { JobNotification: '3', ExitBySignal: 'true', ExitSignal: '11' }, 'coredumped', true],
    ['Error, held by the system', { JobNotification: '3', ExitCode: '0', JobStatus: '5', HoldReasonCode: '13' }, 'exited', true],
    ['Error, held by on_exit_hold', { JobNotification: '3', ExitCode: '0', JobStatus: '5', HoldReasonCode: '3' }, 'exited', false],
    ['Always, a hold', { JobNotification: '1', HoldReasonCode: '3' }, 'hold', true],
    ['Always, a removal', { JobNotification: '1' }, 'remove', true],
    ['Complete, a hold', { JobNotification: '2', HoldReasonCode: '13' }, 'hold', false],
    ['Complete, a removal', { JobNotification: '2' }, 'remove', false],
    ['Error, a hold for a failed transfer', { JobNotification: '3', JobStatus: '2', HoldReasonCode: '13' }, 'hold', true],
    ['Error, periodic_hold', { JobNotification: '3', JobStatus: '2', HoldReasonCode: '3' }, 'hold', false],
    ['Error, on_exit_hold of an exit 1: ExitCode still counts', { JobNotification: '3', JobStatus: '2', HoldReasonCode: '3', ExitCode: '1' }, 'hold', true],
    ['Error, a removal', { JobNotification: '3', JobStatus: '3' }, 'remove', false],
    ['Error, a removal after a signal: only an exit counts it', { JobNotification: '3', JobStatus: '3', ExitBySignal: 'true' }, 'remove', false],
  ];
  for (const [name, attrs, reason, send] of table) t.equal(shouldSendMail(ad(attrs), reason).send, send, name);
  t.same(shouldSendMail(ad({ JobNotification: '7' }), 'exited'), { send: true, unrecognized: 7 }, 'an unknown value: sent anyway, and logged');
});

t.test('email_user_open_id and email_check_domain: who gets it', async (t) => {
  const table: [string, Record<string, string>, Parameters<typeof mailAddress>[1], string | undefined][] = [
    ['notify_user with a domain', { NotifyUser: '"bob@example.org"' }, { emailDomain: 'mail.example' }, 'bob@example.org'],
    ['notify_user without one: EMAIL_DOMAIN', { NotifyUser: '"bob"' }, { emailDomain: 'mail.example', uidDomain: 'uid.example' }, 'bob@mail.example'],
    ["then the job's UidDomain", { NotifyUser: '"bob"', UidDomain: '"job.example"' }, { uidDomain: 'uid.example' }, 'bob@job.example'],
    ['then UID_DOMAIN', { NotifyUser: '"bob"' }, { uidDomain: 'uid.example' }, 'bob@uid.example'],
    ['no notify_user: the Owner', {}, { uidDomain: 'uid.example' }, 'alice@uid.example'],
    ['no domain at all', {}, {}, 'alice'],
    ['nobody', { Owner: 'undefined' }, {}, undefined],
    ['a list: the domain only when none has an @, after the last', { NotifyUser: '"carol@x.org, dave"' }, { uidDomain: 'uid.example' }, 'carol@x.org, dave'],
    ['a list without @', { NotifyUser: '"carol dave"' }, { uidDomain: 'uid.example' }, 'carol dave@uid.example'],
  ];
  for (const [name, attrs, knobs, address] of table) t.equal(mailAddress(ad(attrs), knobs), address, name);
  t.same(splitAddresses('a@x, b@y ,c@z'), ['a@x', 'b@y', 'c@z'], 'addresses split on commas and spaces');
});

t.test('email_nonjob_open: the mailer and its arguments', async (t) => {
  t.equal(mailSubject(ad({})), '[Condor] Condor Job 12.3', 'the exit mail');
  t.equal(mailSubject(ad({}), ''), '[Condor] Condor Job 12.3 ', 'the start mail: its empty reason after a space');
  t.same(mailerInvocation({ mail: '/usr/bin/mail' }, '[Condor] Condor Job 12.3', ['a@x', 'b@y'], undefined), {
    argv: ['/usr/bin/mail', '-s', '[Condor] Condor Job 12.3', 'a@x', 'b@y'],
    headers: '',
  });
  t.same(mailerInvocation({ mail: '/usr/bin/mail' }, 'S', ['a@x'], 'condor@pool').argv, ['/usr/bin/mail', '-s', 'S', '-r', 'condor@pool', 'a@x'], 'MAIL_FROM: -r');
  t.same(mailerInvocation({ sendmail: '/usr/sbin/sendmail' }, 'S\tx', ['a@x', 'b@y'], 'condor@pool'), {
    argv: ['/usr/sbin/sendmail', '-t', '-i'],
    headers: 'From: condor@pool\nSubject: S x\nTo: a@x, b@y\n\n',
  });
});

t.test('format_time, metric_units, ctime', async (t) => {
  t.equal(formatTime(0), '  0+00:00:00');
  t.equal(formatTime(93_784.9), '  1+02:03:04');
  t.equal(formatTime(1000 * 86400), '1000+00:00:00');
  t.equal(metricUnits(0), '0.0 B ');
  t.equal(metricUnits(1024), '1024.0 B ', 'only above 1024 is the next unit');
  t.equal(metricUnits(1536), '1.5 KB');
  t.equal(metricUnits(5 * 1024 ** 5), '5120.0 TB');
  t.equal(ctime(QDATE), 'Fri Jan 15 08:00:00 2027\n');
  t.equal(ctime(QDATE - 14 * 86400), 'Fri Jan  1 08:00:00 2027\n');
});

const RUN: ExitedRun = {
  reason: 'exited',
  shadowBday: QDATE + 100,
  previousWallClock: 50,
  userCpu: 12.7,
  systemCpu: 1.5,
  network: { sentBytes: 1536, receivedBytes: 100, totalSentBytes: 5 * 1024 * 1024, totalReceivedBytes: 0 },
};
const OPTS = { now: new Date((QDATE + 3725) * 1000), host: 'ap.example.org', knobs: { condorAdmin: 'root@ap.example.org' } };

const SIGNATURE =
  '\n\n-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=\n' +
  'Questions about this message or HTCondor in general?\n' +
  'Email address of the local HTCondor administrator: root@ap.example.org\n' +
  'The Official HTCondor Homepage is https://htcondor.org/\n';

t.test("Email::sendExitWithBytes: the message, as email_cpp.cpp's format strings word it", async (t) => {
  const job = ad({
    Cmd: '"/home/alice/sim"',
    Arguments: '"-n 5"',
    JobBatchName: '"runs"',
    Iwd: '"/home/alice"',
    QDate: String(QDATE),
    ImageSize: '2048',
    ExitBySignal: 'false',
    ExitCode: '0',
    EmailAttributes: '"Owner,ExitCode,NoSuchAttr"',
  });
  const { body, undefinedAttributes } = exitMailBody(job, RUN, OPTS);
  t.equal(
    body,
    'This is an automated email from the Condor system\non machine "ap.example.org".  Do not reply.\n\n' +
      'Condor job 12.3\n' +
      '\t/home/alice/sim -n 5\n' +
      '\tfrom batch runs\n' +
      '\tsubmitted from directory /home/alice\n' +
      'exited normally with status 0\n' +
      '\n\nSubmitted at:        Fri Jan 15 08:00:00 2027\n' +
      'Completed at:        Fri Jan 15 09:02:05 2027\n' +
      'Real Time:             0+01:02:05\n' +
      '\n' +
      'Virtual Image Size:  2048 Kilobytes\n\n' +
      'Statistics from last run:\n' +
      'Allocation/Run time:       0+01:00:25\n' +
      'Remote User CPU Time:      0+00:00:12\n' +
      'Remote System CPU Time:    0+00:00:01\n' +
      'Total Remote CPU Time:     0+00:00:14\n\n' +
      'Statistics totaled from all runs:\n' +
      'Allocation/Run time:       0+01:01:15\n' +
      '\nNetwork:\n' +
      '  100.0 B  Run Bytes Received By Job\n' +
      '    1.5 KB Run Bytes Sent By Job\n' +
      '    0.0 B  Total Bytes Received By Job\n' +
      '    5.0 MB Total Bytes Sent By Job\n' +
      '\n\nOwner = "alice"\nExitCode = 0\n' +
      SIGNATURE,
  );
  t.same(undefinedAttributes, ['NoSuchAttr'], 'an attribute the job lacks is left out, for the log');
});

t.test('how the job ended, and what is left out', async (t) => {
  const lines = (attrs: Record<string, string>, run: Partial<ExitedRun>, knobs = OPTS.knobs): string[] =>
    exitMailBody(ad({ QDate: String(QDATE), ...attrs }), { ...RUN, ...run }, { ...OPTS, knobs }).body.split('\n');
  const table: [string, Record<string, string>, Partial<ExitedRun>, string[]][] = [
    ['a signal', { ExitBySignal: 'true', ExitSignal: '9' }, {}, ['died on signal 9']],
    ['ExitReason', { ExitBySignal: 'true', ExitSignal: '9', ExitReason: '"killed by the OOM killer"' }, {}, ['killed by the OOM killer']],
    ['an exception', { ExitBySignal: 'true', ExitSignal: '11', ExceptionName: '"SIGSEGV"' }, {}, ['died with exception SIGSEGV']],
    ['a core file', { ExitBySignal: 'true', ExitSignal: '11' }, { reason: 'coredumped' }, ['died on signal 11', 'Core file generated']],
    ['JobCoreDumped', { ExitBySignal: 'true', ExitSignal: '6', JobCoreDumped: 'true' }, {}, ['died on signal 6', 'Core file generated']],
    ['no ExitBySignal', {}, {}, ['exited in an unknown way']],
    ['ExitBySignal without ExitSignal', { ExitBySignal: 'true' }, {}, ['exited in an unknown way']],
    ['no command, no shadow', { ExitBySignal: 'false', ExitCode: '3' }, { shadowBday: undefined, previousWallClock: 0 }, ['Condor job 12.3', 'exited normally with status 3', 'Allocation/Run time:       0+00:00:00']],
  ];
  for (const [name, attrs, run, expected] of table) {
    const body = lines(attrs, run);
    for (const line of expected) t.ok(body.includes(line), `${name}: ${JSON.stringify(line)}`);
  }
  t.notOk(lines({}, {}).some((l) => l.startsWith('\t')), 'no Cmd, JobBatchName or Iwd: no tab lines');
  t.ok(lines({}, {}, { condorAdmin: 'root@ap', supportEmail: 'help@ap' } as typeof OPTS.knobs).includes('Email address of the local HTCondor administrator: help@ap'), 'CONDOR_SUPPORT_EMAIL first');
  t.notOk(lines({}, { network: undefined }).includes('Network:'), 'sendExit (local and scheduler universe): no Network lines');
  const signed = exitMailBody(ad({ QDate: String(QDATE) }), RUN, { ...OPTS, knobs: { ...OPTS.knobs, signature: 'The pool team' } }).body;
  t.ok(signed.endsWith('Total Bytes Sent By Job\n\n\nThe pool team\n'), 'EMAIL_SIGNATURE replaces the signature');
});

t.test('Email::sendStart: notification = Start only, when the job starts', async (t) => {
  t.ok(shouldSendStartMail(ad({ JobNotification: '4' })));
  for (const value of ['0', '1', '2', '3']) t.notOk(shouldSendStartMail(ad({ JobNotification: value })), `JobNotification ${value}`);
  t.equal(
    startMailBody(ad({ Cmd: '"/bin/sim"', Iwd: '"/home/alice"', RemoteHost: '"slot1@ep.example.org"' }), { host: 'ap.example.org', knobs: OPTS.knobs }),
    'This is an automated email from the Condor system\non machine "ap.example.org".  Do not reply.\n\n' +
      'Condor job 12.3\n\t/bin/sim\n\tsubmitted from directory /home/alice\n' +
      '\nhas started on slot1@ep.example.org\n\n' +
      SIGNATURE,
  );
});

t.test('Email::sendAction: a hold and a removal', async (t) => {
  const job = ad({ Cmd: '"/bin/sim"', Arguments: '""', Iwd: '"/home/alice"' });
  t.equal(mailSubject(job, 'put on hold'), '[Condor] Condor Job 12.3 put on hold');
  t.equal(
    actionMailBody(job, 'hold', 'Error from slot1@ep: failed to transfer', { host: 'ap.example.org', knobs: OPTS.knobs }),
    'This is an automated email from the Condor system\non machine "ap.example.org".  Do not reply.\n\n' +
      'Condor job 12.3\n\t/bin/sim\n\tsubmitted from directory /home/alice\n' +
      '\nis being put on hold.\n\nError from slot1@ep: failed to transfer' +
      SIGNATURE,
  );
  t.match(actionMailBody(job, 'remove', 'The job attribute PeriodicRemove expression \'true\' evaluated to TRUE', { host: 'h', knobs: {} }), /\nis being removed\.\n\nThe job attribute PeriodicRemove expression 'true' evaluated to TRUE\n\n-=-=/);
});
