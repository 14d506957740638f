// notification, notify_user and email_attributes: the schedd runs $(MAIL) -s subject address with the message
// on its stdin when a job exits, as HTCondor's shadow does (src/condor_utils/email_cpp.cpp Email::sendExitWithBytes,
// src/condor_utils/email.cpp email_nonjob_open). MAIL here is a script recording its arguments and stdin.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { codes, eventually, startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

/** The pool's environment: MAIL the recording script, no sendmail found (it would be preferred). */
function mailEnv(mail: string): NodeJS.ProcessEnv {
  return { _CONDOR_MAIL: mail, _CONDOR_SENDMAIL: 'tinycondor-test-no-sendmail', _CONDOR_CONDOR_ADMIN: 'admin@pool.example' };
}

/** Each mail the script got: its arguments and its stdin. */
function mails(dir: string): { argv: string[]; body: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.mail'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { argv: string[]; body: string });
}

/** A MAIL program recording each mail (its arguments and stdin) as a file in its own directory. */
function recorder(t: Test): { box: string; mail: string } {
  const box = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-mail-'));
  t.teardown(() => fs.rmSync(box, { recursive: true, force: true }));
  const mail = path.join(box, 'mail.js');
  // Written whole, then renamed: the test never reads half a mail.
  writeExecutable(
    mail,
    `#!${process.execPath}\nconst fs = require('node:fs');\nconst chunks = [];\nprocess.stdin.on('data', (c) => chunks.push(c));\nprocess.stdin.on('end', () => {\n  const f = ${JSON.stringify(box)} + '/' + Date.now() + '-' + process.pid;\n  fs.writeFileSync(f + '.tmp', JSON.stringify({ argv: process.argv.slice(2), body: Buffer.concat(chunks).toString('utf8') }));\n  fs.renameSync(f + '.tmp', f + '.mail');\n});\n`,
  );
  return { box, mail };
}

async function schedLog(pool: TestPool): Promise<string> {
  const logDir = (await pool.run('condor_config_val', ['LOG'])).stdout.trim();
  return fs.readFileSync(path.join(logDir, 'SchedLog'), 'utf8');
}

t.test('notification = Complete mails the exit as HTCondor words it, email_attributes appended; Start mails the start; Never mails nothing', async (t) => {
  const { box, mail } = recorder(t);
  const pool = await startPool(t, { startds: 1, env: mailEnv(mail) });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  const log = path.join(pool.dir, 'job.log');

  const never = await pool.run('condor_submit', [], { input: 'executable = job.sh\narguments = a b\nlog = job.log\nnotification = Never\nnotify_user = nobody@example.org\nqueue\n' });
  t.equal(never.code, 0, never.stderr);
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(5));

  const start = await pool.run('condor_submit', [], { input: 'executable = job.sh\nlog = job.log\nnotification = Start\nnotify_user = dave\nqueue\n' });
  t.equal(start.code, 0, start.stderr);
  await waitForEvents(log, (ev) => codes(ev, 2, 0).includes(5));

  const complete = await pool.run('condor_submit', [], {
    input: 'executable = job.sh\narguments = x y\nlog = job.log\nnotification = Complete\nnotify_user = alice@example.org\nemail_attributes = Owner,ExitCode\nbatch_name = nightly\nqueue\n',
  });
  t.equal(complete.code, 0, complete.stderr);
  t.equal(complete.stderr, '', 'email_attributes is no longer warned about');
  await waitForEvents(log, (ev) => codes(ev, 3, 0).includes(5));
  const [started, sent] = await eventually('the mails of 2.0 and 3.0', () => (mails(box).length === 2 ? mails(box) : undefined));

  t.same(started.argv, ['-s', '[Condor] Condor Job 2.0 ', 'dave@localhost'], 'notification = Start: the start mail, an address without a domain in UID_DOMAIN');
  t.match(started.body, /^This is an automated email from the Condor system\n.*\n\nCondor job 2\.0\n\t.*job\.sh\n\tsubmitted from directory .*\n\nhas started on slot\S+@\S+\n\n\n\n-=-=/);
  t.same(sent.argv, ['-s', '[Condor] Condor Job 3.0', 'alice@example.org'], '$(MAIL) -s subject address');
  const owner = os.userInfo().username;
  const lit = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const time = String.raw`\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}`;
  const span = String.raw`  \d\+\d\d:\d\d:\d\d`;
  const bytes = String.raw` *[\d.]+ (?:B |[KMGT]B)`;
  const expected = new RegExp(
    '^' +
      lit(`This is an automated email from the Condor system\non machine "${os.hostname()}".  Do not reply.\n\n`) +
      lit(`Condor job 3.0\n\t${path.join(pool.dir, 'job.sh')} x y\n\tfrom batch nightly\n\tsubmitted from directory ${pool.dir}\n`) +
      lit('exited normally with status 0\n') +
      lit('\n\nSubmitted at:        ') + time + '\n' +
      lit('Completed at:        ') + time + '\n' +
      lit('Real Time:           ') + span + '\n\n' +
      lit('Virtual Image Size:  ') + String.raw`\d+` + lit(' Kilobytes\n\n') +
      lit('Statistics from last run:\nAllocation/Run time:     ') + span + '\n' +
      lit('Remote User CPU Time:    ') + span + '\n' +
      lit('Remote System CPU Time:  ') + span + '\n' +
      lit('Total Remote CPU Time:   ') + span + '\n\n' +
      lit('Statistics totaled from all runs:\nAllocation/Run time:     ') + span + '\n' +
      '\nNetwork:\n' +
      bytes + lit(' Run Bytes Received By Job\n') +
      bytes + lit(' Run Bytes Sent By Job\n') +
      bytes + lit(' Total Bytes Received By Job\n') +
      bytes + lit(' Total Bytes Sent By Job\n') +
      lit(`\n\nOwner = "${owner}"\nExitCode = 0\n`) +
      lit('\n\n-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=\nQuestions about this message or HTCondor in general?\n') +
      lit('Email address of the local HTCondor administrator: admin@pool.example\nThe Official HTCondor Homepage is https://htcondor.org/\n') +
      '$',
  );
  t.match(sent.body, expected, 'the message of Email::writeExit, writeBytes, writeCustom and email_close');
  t.equal(mails(box).length, 2, 'notification = Never: no mail for 1.0; Start: none at the exit of 2.0');
  t.match(await schedLog(pool), /"jobId":"3\.0".*"notification email sent"/);
});

t.test('no MAIL program: the schedd logs it as HTCondor does, and goes on; JOB_DEFAULT_NOTIFICATION', async (t) => {
  const missing = path.join(os.tmpdir(), 'tinycondor-test-no-such-dir', 'mail');
  const pool = await startPool(t, { startds: 1, env: { ...mailEnv(missing), _CONDOR_JOB_DEFAULT_NOTIFICATION: 'Error' } });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 3\n');
  // Without notification, condor_submit's JOB_DEFAULT_NOTIFICATION (SubmitHash::SetNotification): Error, and the jobs fail.
  const submitted = await pool.run('condor_submit', [], { input: 'executable = job.sh\nlog = job.log\nqueue 2\n' });
  t.equal(submitted.code, 0, submitted.stderr);
  const dry = await pool.run('condor_submit', ['-dry-run', '-'], { input: 'executable = job.sh\nqueue\n' });
  t.match(dry.stdout, /\nJobNotification=3\n/);
  await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => codes(ev, 1, 0).includes(5) && codes(ev, 1, 1).includes(5));
  const lines = await eventually('both failures logged', async () => {
    const found = (await schedLog(pool)).split('\n').filter((l) => l.includes(`Failed to launch mailer process: ${missing}`));
    return found.length === 2 ? found : undefined;
  });
  t.match(lines[0], /"jobId":"1\.[01]"/);
  t.equal((await pool.run('condor_q', ['-totals'])).code, 0, 'the schedd still answers');
});

t.test("the shadow's holds and periodic removals mail notification = Always, and a bad cron schedule's hold; condor_hold does not", async (t) => {
  const { box, mail } = recorder(t);
  const pool = await startPool(t, { startds: 1, periodic: 1, env: mailEnv(mail) });
  writeExecutable(path.join(pool.dir, 'sleep.sh'), '#!/bin/sh\nexec sleep 120\n');
  writeExecutable(path.join(pool.dir, 'done.sh'), '#!/bin/sh\nexit 0\n');
  const log = path.join(pool.dir, 'job.log');
  const submit = async (lines: string): Promise<void> => {
    const r = await pool.run('condor_submit', [], { input: `log = job.log\nnotification = Always\nnotify_user = ops@example.org\n${lines}queue\n` });
    t.equal(r.code, 0, r.stderr);
  };

  await submit('executable = sleep.sh\n');
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(1));
  t.equal((await pool.run('condor_hold', ['1.0'])).code, 0);
  await waitForEvents(log, (ev) => codes(ev, 1, 0).includes(12));

  await submit('executable = done.sh\non_exit_hold = true\n');
  await waitForEvents(log, (ev) => codes(ev, 2, 0).includes(12));
  await submit('executable = sleep.sh\nperiodic_remove = JobStatus == 2\n');
  await waitForEvents(log, (ev) => codes(ev, 3, 0).includes(9));

  const [held, removed] = await eventually('the mails of 2.0 and 3.0', () => (mails(box).length === 2 ? mails(box) : undefined));
  t.same(held.argv, ['-s', '[Condor] Condor Job 2.0 put on hold', 'ops@example.org'], 'Email::sendHold');
  t.match(held.body, /\nCondor job 2\.0\n\t.*done\.sh\n\tsubmitted from directory .*\n\nis being put on hold\.\n\nThe job attribute OnExitHold expression 'true' evaluated to TRUE\n\n-=-=/);
  t.same(removed.argv, ['-s', '[Condor] Condor Job 3.0 removed', 'ops@example.org'], 'Email::sendRemove');
  t.match(removed.body, /\nis being removed\.\n\nThe job attribute PeriodicRemove expression 'JobStatus == 2' evaluated to TRUE\n\n-=-=/);
  t.equal(mails(box).length, 2, 'condor_hold of 1.0 mailed nothing');

  // The schedd's hold of a cron job whose schedule does not parse mails too (holdJob's email_user in CronTab validation).
  await submit('executable = done.sh\ncron_minute = 5x\n');
  await waitForEvents(log, (ev) => codes(ev, 4, 0).includes(12));
  const cron = await eventually('the mail of 4.0', () => mails(box)[2]);
  t.same(cron.argv, ['-s', '[Condor] Condor Job 4.0 put on hold', 'ops@example.org']);
  t.match(cron.body, /\nis being put on hold\.\n\nInvalid cron schedule parameters: Invalid parameter value '5x' for CronMinute\n\n-=-=/);
});

t.test('SENDMAIL given as a full path: sendmail -t -i, the headers first', async (t) => {
  const { box, mail } = recorder(t);
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_SENDMAIL: mail, _CONDOR_MAIL: '/nonexistent/mail', _CONDOR_MAIL_FROM: 'condor@pool.example' } });
  writeExecutable(path.join(pool.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  const submitted = await pool.run('condor_submit', [], { input: 'executable = job.sh\nlog = job.log\nnotification = Always\nnotify_user = a@x.example b@y.example\nqueue\n' });
  t.equal(submitted.code, 0, submitted.stderr);
  const [sent] = await eventually('the mail', () => (mails(box).length === 1 ? mails(box) : undefined));
  t.same(sent.argv, ['-t', '-i']);
  t.match(sent.body, /^From: condor@pool\.example\nSubject: \[Condor\] Condor Job 1\.0\nTo: a@x\.example, b@y\.example\n\nThis is an automated email from the Condor system\n/);
  t.match(sent.body, /\nNetwork:\n/, "the shadow's mail has the bytes");

  // A local universe job's starter sends Email::sendExit: no Network lines.
  const local = await pool.run('condor_submit', [], { input: 'universe = local\nexecutable = job.sh\nlog = job.log\nnotification = Complete\nnotify_user = c@z.example\nqueue\n' });
  t.equal(local.code, 0, local.stderr);
  const localMail = await eventually('the local job\'s mail', () => mails(box)[1]);
  t.match(localMail.body, /\nSubject: \[Condor\] Condor Job 2\.0\n[^]*\nexited normally with status 0\n[^]*\nAllocation\/Run time: {5}[^\n]*\n\n\n-=-=/);
  t.notMatch(localMail.body, /Network:/);
});
