import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventAttributes } from '@tinycondor/shared/eventlog/index';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

// Submit commands of issue 24, as a running pool acts on them: the submit event's notes (schedd.cpp
// WriteSubmitToUserLog), match_list_length (InsertMachineAttrs), remote_initialdir (jobRemoteIWD) and
// transfer_output, which only the grid universe acts on.
t.test('submit event notes, match list, remote initialdir and transfer_output on a running pool', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const remote = path.join(pool.dir, 'remote');
  fs.mkdirSync(remote);
  writeExecutable(path.join(pool.dir, 'where.sh'), '#!/bin/sh\npwd\necho "$_CONDOR_JOB_IWD"\n');
  fs.writeFileSync(
    path.join(pool.dir, 'n.sub'),
    [
      'executable = where.sh',
      'log = n.log',
      'output = out.txt',
      'transfer_output = false',
      `remote_initialdir = ${remote}`,
      'match_list_length = 3',
      'batch_name = nightly',
      'priority = 4',
      'submit_event_notes_attrs = JobPrio',
      'submit_event_user_notes = pool:local',
      'queue',
      '',
    ].join('\n'),
  );
  const submitted = await pool.run('condor_submit', ['n.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /not implemented/, 'no command is left unimplemented');
  const events = await waitForEvents(path.join(pool.dir, 'n.log'), (all) => all.some((e) => e.code === 5));

  const submit = events.find((e) => e.code === 0)!;
  t.match(submit.text, /^000 \(\d+\.000\.000\) .* Job submitted from host: <[^\n]*>\n {4}\[ JobPrio = 4; JobBatchName = "nightly" \]\n {4}pool:local\n\.\.\.\n$/);
  t.match(eventAttributes(submit), { LogNotes: '[ JobPrio = 4; JobBatchName = "nightly" ]', UserNotes: 'pool:local', StructuredNotes: { JobPrio: 4, JobBatchName: 'nightly' } }, 'read back as readEvent reads it');

  // The vanilla universe's shadow and starter do not read TransferOut: the output still comes back.
  t.equal(fs.readFileSync(path.join(pool.dir, 'out.txt'), 'utf8'), `${remote}\n${remote}\n`, 'the job ran in remote_initialdir, which is its _CONDOR_JOB_IWD');

  const history = await pool.run('condor_history', ['-af', 'TransferOut', 'LastMatchListLength', 'LastMatchName0', 'LastRemoteHost', 'RemoteIwd']);
  t.equal(history.code, 0, history.stderr);
  const [transferOut, length, matched, lastHost, remoteIwd] = history.stdout.trim().split(' ');
  t.same([transferOut, length, remoteIwd], ['false', '3', remote]);
  t.equal(matched, lastHost, 'LastMatchName0 is the slot the job was matched to');
  t.match(matched, /^slot\d+(_\d+)?@/);
});

t.test('use_oauth_services: refused, as condor_submit finding no credd refuses it', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.writeFileSync(path.join(pool.dir, 'o.sub'), 'executable = /bin/true\nuse_oauth_services = box\nbox_oauth_permissions = read\nqueue\n');
  const submitted = await pool.run('condor_submit', ['o.sub']);
  t.equal(submitted.code, 1);
  t.match(submitted.stderr, "Failed to process job credential requests: 'Can't find address of credd '; BAILING OUT.");
  const queue = await pool.run('condor_q', ['-af', 'ClusterId']);
  t.equal(queue.stdout, '', 'nothing was queued');
});
