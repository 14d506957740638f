// condor_q -wide[:N], -dag and -userlog FILE against a real pool: rows cut to a console width, DAG node
// jobs (submitted with +DAGManJobId / +DAGNodeName) under their DAGMan job, and the jobs of a job event
// log with their state rebuilt from its events; -idle, -hold-codes and -io.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const me = os.userInfo().username;

t.test('condor_q -wide, -dag, -userlog, -idle, -hold-codes and -io', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  t.same(await pool.run('condor_q', ['-global']), { code: 0, stdout: 'All queues are empty\n', stderr: '' }, '-global: no schedd with jobs');
  writeExecutable(path.join(pool.dir, 'quick.sh'), '#!/bin/sh\nexit 3\n');
  fs.writeFileSync(
    path.join(pool.dir, 'jobs.sub'),
    'executable = quick.sh\narguments = a long list of arguments that does not fit a narrow console\nlog = job.log\nqueue\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), 'executable = /bin/true\nlog = job.log\nhold = true\n+DAGManJobId = 1\n+DAGNodeName = "B"\nqueue\n');
  t.equal((await pool.run('condor_submit', ['jobs.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (events) => events.some((e) => e.code === 5) && events.some((e) => e.code === 12));

  await t.test('-userlog: the jobs of the log, their state from its events', async (t) => {
    const af = await pool.run('condor_q', ['-userlog', 'job.log', '-af', 'ClusterId', 'ProcId', 'JobStatus', 'ExitCode', 'Owner', 'Cmd', 'HoldReasonCode']);
    t.same([af.code, af.stderr, af.stdout], [0, '', `1 0 4 3 ${me} ??? undefined\n2 0 5 undefined ${me} ??? 15\n`]);
    const table = await pool.run('condor_q', ['-userlog', 'job.log', '-nobatch']);
    t.match(table.stdout, /^\n\n-- Userlog: job\.log @ \d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\n ID      OWNER            SUBMITTED     RUN_TIME ST PRI SIZE CMD\n/);
    t.match(table.stdout, /^ +1\.0 +\S+ +.* C +0 +\S+ \?\?\?$/m);
    t.match(table.stdout, /\nTotal for query: 2 jobs; 1 completed, 0 removed, 0 idle, 0 running, 1 held, 0 suspended {7}\n\n$/);
    const held = await pool.run('condor_q', ['-userlog', 'job.log', '-constraint', 'JobStatus == 5', '-af', 'ClusterId', 'HoldReason']);
    t.equal(held.stdout, '2 submitted on hold at user\'s request\n');
    t.equal((await pool.run('condor_q', ['-userlog', 'job.log', '2', '-af', 'ClusterId'])).stdout, '2\n', 'named jobs only');
    t.match((await pool.run('condor_q', ['-userlog', 'job.log', '-totals'])).stdout, /\n-- Userlog: job\.log @ [^\n]+\nTotal for query: 2 jobs;/);
    t.match((await pool.run('condor_q', ['-userlog', 'job.log', '-long'])).stdout, /^UserLog = "job\.log"$/m);
    const missing = await pool.run('condor_q', ['-userlog', 'nope.log']);
    t.same([missing.code, missing.stderr], [1, "\nCan't open user log: nope.log\n"]);
    const hold = await pool.run('condor_q', ['-userlog', 'job.log', '-hold']);
    t.match(hold.stdout, /\n ID      OWNER          HELD_SINCE  CODE\/SUB HOLD_REASON\n +2\.0 +\S+ +\d+\/\d+ +\d+:\d+   15\/0   submitted on hold at user's request\n/, '-hold: the code and subcode of the 012 event');
  });

  await t.test('condor_history -userlog: the same jobs, every one, in job-id order', async (t) => {
    const af = await pool.run('condor_history', ['-userlog', 'job.log', '-af', 'ClusterId', 'JobStatus', 'ExitCode', 'Owner']);
    t.same([af.code, af.stderr, af.stdout], [0, '', `1 4 3 ${me}\n2 5 undefined ${me}\n`]);
    const all = await pool.run('condor_history', ['-userlog', 'job.log', '-limit', '1', '-backwards', '-since', '2', '-af', 'ClusterId']);
    t.equal(all.stdout, '1\n2\n', 'printJobAds prints them all: no -limit, -since or newest first');
    t.equal((await pool.run('condor_history', ['-userlog', 'job.log', '2', '-af', 'ClusterId'])).stdout, '2\n', 'ids, owners and -constraint select');
    t.equal((await pool.run('condor_history', ['-u', 'job.log', '-constraint', 'ExitCode == 3', '-af', 'ClusterId'])).stdout, '1\n');
    t.equal((await pool.run('condor_history', ['-userlog', 'job.log', 'nobody', '-af', 'ClusterId'])).stdout, '', 'the jobs are the reader\'s');
    const table = await pool.run('condor_history', ['-userlog', 'job.log']);
    t.match(table.stdout, /^ ID          OWNER            SUBMITTED   RUN_TIME   ST   COMPLETED CMD\n1\.0 +\S+ +\d+\/\d+ +\d+:\d+ +\d+\+\d\d:\d\d:\d\d C +\d+\/\d+ +\d+:\d+ \?\?\?\n2\.0 /);
    t.equal((await pool.run('condor_history', ['-epochs', '-userlog', 'job.log', '-af', 'ClusterId'])).stdout, '1\n2\n', 'read as a user log whatever -epochs says');
    const missing = await pool.run('condor_history', ['-userlog', 'nope.log']);
    t.same([missing.code, missing.stderr], [1, "Error: Can't open userlog nope.log\n"]);
    const twice = await pool.run('condor_history', ['-userlog', 'job.log', '-file', 'history']);
    t.equal(twice.code, 1, 'one file: -userlog and -file together is a usage error');
  });

  await t.test('-wide:N cuts the rows to N - 1 columns even when piped; -wide and a pipe do not', async (t) => {
    const cut = await pool.run('condor_q', ['-nobatch', '-wide:60']);
    const rows = cut.stdout.split('\n').filter((line) => /^ +\d+\.\d+ /.test(line) || line.startsWith(' ID'));
    t.ok(rows.length === 2 && rows.every((line) => line.length <= 59), cut.stdout);
    t.match((await pool.run('condor_q', ['-nobatch'])).stdout, /\s+2\.0 .* true\n/);
    t.match((await pool.run('condor_q', ['-run', '-wide'])).stdout, / ID      OWNER            SUBMITTED     RUN_TIME HOST\(S\)\n/);
    t.match((await pool.run('condor_q', ['-wide:x'])).stdout, /OWNER/, '-wide:<not a number> is the console width, 80 off a terminal');
  });

  await t.test('-dag: a node job under its DAGMan job, by node name', async (t) => {
    // Cluster 1 stands in for the DAGMan job: condor_q links by DAGManJobId whatever the job runs.
    fs.writeFileSync(path.join(pool.dir, 'dagman.sub'), 'executable = /bin/sleep\narguments = 300\nhold = true\nqueue\n');
    t.equal((await pool.run('condor_submit', ['dagman.sub'])).code, 0);
    const tree = await pool.run('condor_q', ['-dag', '-nobatch']);
    t.match(tree.stdout, / ID      OWNER\/NODENAME      SUBMITTED     RUN_TIME ST PRI SIZE CMD\n/);
    t.match(tree.stdout, /\n +2\.0 {3}\|-B +\d/, 'cluster 1 left the queue: the node is at the top');
    fs.writeFileSync(path.join(pool.dir, 'node.sub'), 'executable = /bin/true\nhold = true\n+DAGManJobId = 3\n+DAGNodeName = "C"\nqueue\n');
    t.equal((await pool.run('condor_submit', ['node.sub'])).code, 0);
    const nested = (await pool.run('condor_q', ['-dag', '-nobatch'])).stdout.split('\n').filter((line) => /^ +\d+\.\d+ /.test(line));
    t.same(nested.map((line) => line.slice(0, 26).trimEnd()), ['   2.0   |-B', '   3.0   ' + me.slice(0, 14), '   4.0    |-C']);
    const batch = (await pool.run('condor_q', ['-dag'])).stdout;
    t.match(batch, new RegExp(`\n${me} +ID: 3 +[\\d/]+ +[\\d:]+ +_ +_ +_ +2 +1 3\\.0 \\.\\.\\. 4\\.0\n`), 'the node folds into its DAGMan job\'s line');
    t.match(batch, /\nB +NODE: B /, 'a node alone shows its node name');
    t.match((await pool.run('condor_q', ['3'])).stdout, / 3\.0 \.\.\. 4\.0\n/, 'a DAGMan cluster id selects its nodes in batch mode');
    t.equal((await pool.run('condor_q', ['3', '-af', 'ClusterId'])).stdout, '3\n', 'but not for -af');
    const af = await pool.run('condor_q', ['-dag', '-af', 'ClusterId', 'ProcId', 'DAGNodeName ?: Owner']);
    t.same([af.code, af.stdout], [0, `2 0 |-B\n3 0 ${me}\n4 0  |-C\n`], '-dag -af: nodes under their DAGMan job, their third column rewritten');
    const format = await pool.run('condor_q', ['-dag', '3', '-format', '%d.', 'ClusterId', '-format', '%d ', 'ProcId', '-format', '[%s]\n', 'Owner']);
    t.equal(format.stdout, `3.0 [${me}]\n4.0 [ |-${me.slice(0, 11)}]\n`, '-dag -format, a DAGMan cluster id selecting its nodes');
  });

  await t.test('-idle, -hold-codes and -io: their columns, as queue.cpp\'s print formats lay them out', async (t) => {
    fs.writeFileSync(path.join(pool.dir, 'idle.sub'), 'executable = /bin/true\nrequirements = false\nrequest_cpus = 1\nrequest_memory = 64\nqueue\n');
    t.equal((await pool.run('condor_submit', ['idle.sub'])).code, 0);
    const idle = await pool.run('condor_q', ['-idle']);
    t.match(idle.stdout, /^\n\n-- Schedd: [^\n]+\n ID      OWNER          UNIVERSE  CPUS MEMORY STARTS LAST_HOST\n +5\.0 {3}\S+ +Vanilla {6}1 {5}64 {6}0 undefined\n$/, 'only the idle job (it never ran: LAST_HOST undefined); no summary');
    t.match((await pool.run('condor_q', ['-idle', '-dag'])).stdout, /\n ID      OWNER\/NODENAME      SUBMITTED     RUN_TIME ST PRI SIZE CMD\n +5\.0 [^\n]+ I  0 [^\n]+\n\nTotal for query: 1 jobs;/, '-dag\'s table of the idle jobs, as initOutputMask picks it');
    const codes = await pool.run('condor_q', ['-hold-codes']);
    t.match(
      codes.stdout,
      new RegExp(`^\\n\\n-- Schedd: [^\\n]+\\nOWNER          CODE/SUB    COUNT  OLDEST_JOB_ID HELD_SINCE  HOLD_REASON\\n${me.slice(0, 14)} +  15 {13}3 2\\.0 +\\d+/\\d+ +\\d+:\\d+ submitted on hold at user's request\\n$`),
      'the three jobs submitted on hold (a code, no subcode, as submit_utils.cpp sets it): one row, the oldest job and the count',
    );
    t.match((await pool.run('condor_q', ['-holdcodes:13'])).stdout, /HOLD_REASON\n$/, ':CODES selects as -hold:CODES does');
    const bad = await pool.run('condor_q', ['-idle', '-run']);
    t.same([bad.code, bad.stderr.split('\n')[0]], [1, '-run and -hold/held or -idle are incompatible']);
    const io = await pool.run('condor_q', ['-io']);
    t.match(io.stdout, /\n ID      OWNER          RUNS ST  INPUT  OUTPUT  RATE      MISC\n\nTotal for query: 0 jobs;/, 'no job is transferring files');
    const xml = await pool.run('condor_q', ['5', '-xml', '-attributes', 'ClusterId,JobStatus,Cmd']);
    t.equal(xml.stdout, '<?xml version="1.0"?>\n<!DOCTYPE classads SYSTEM "classads.dtd">\n<classads>\n<c>\n    <a n="ClusterId"><i>5</i></a>\n    <a n="Cmd"><s>/bin/true</s></a>\n    <a n="JobStatus"><i>1</i></a>\n</c>\n</classads>\n');
    const submitter = await pool.run('condor_q', ['-submitter', me, '-af', 'ClusterId']);
    t.same([submitter.code, submitter.stdout], [0, '2\n3\n4\n5\n'], '-submitter: that submitter\'s jobs');
    t.match((await pool.run('condor_q', ['-submitter', me, '-idle'])).stdout, new RegExp(`^\\n\\n-- Submitter: ${me}@localhost : <127\\.0\\.0\\.1:\\d+\\?\\.\\.\\. : \\S+ @ `), 'labelled by the submitter');
    const scheddName = (await pool.run('condor_config_val', ['SCHEDD_NAME'])).stdout.trim();
    const scheddHost = (await pool.run('condor_config_val', ['SCHEDD_HOST'])).stdout.trim();
    t.match((await pool.run('condor_q', ['-name', scheddName, '-pool', scheddHost, '-global', '-idle'])).stdout, /\n +5\.0 /, '-name this schedd, -pool this pool, -global');
    const other = await pool.run('condor_q', ['-name', 'other@elsewhere']);
    t.same([other.code, other.stderr], [1, 'Error: Collector has no record of schedd/submitter\n']);
    const otherPool = await pool.run('condor_q', ['-pool', 'cm.elsewhere.org']);
    t.same([otherPool.code, otherPool.stderr.split('\n')[0]], [1, 'condor_q: -pool cm.elsewhere.org is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names']);
    const nobody = await pool.run('condor_q', ['-submitter', 'nobody-here']);
    t.same([nobody.code, nobody.stdout, nobody.stderr], [1, '', 'Error: Collector has no record of schedd/submitter\n']);
    fs.writeFileSync(path.join(pool.dir, 'mine.cpf'), "SELECT NOTITLE\n  ClusterId AS ' ID' WIDTH 4\n  JobStatus AS ST PRINTAS JOB_STATUS\n  HoldReasonCode AS CODE PRINTF %4d OR ?\nWHERE JobStatus == 5 || JobStatus == 1\nSUMMARY NONE\n");
    const custom = await pool.run('condor_q', ['-print-format', 'mine.cpf']);
    t.same([custom.code, custom.stderr, custom.stdout], [0, '', ' ID  ST CODE\n   2 H    15\n   3 H    15\n   4 H    15\n   5 I  ?\n'], '-print-format: a table of its own, its WHERE added to the query');
    const missing = await pool.run('condor_q', ['-print-format', 'nope.cpf']);
    t.same([missing.code, missing.stderr], [1, "Can't open select file: nope.cpf\nError: invalid select file nope.cpf\n"]);
    t.match((await pool.run('condor_q', ['-nobatch', '-cputime'])).stdout, / ID      OWNER            SUBMITTED     CPU_TIME ST PRI SIZE CMD\n/);
  });
});
