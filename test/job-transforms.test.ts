// The pool's configuration as a user edits it: condor_config is hers (the schedd keeps her lines), read in
// HTCondor's language, and its JOB_TRANSFORM_* are applied by the schedd to each job it is given. With
// `use feature:DefaultCheckpointDestination`, a self-checkpointing job's checkpoints go to the default
// destination unless it says `checkpoint_storage = spool` (an EXTENDED_SUBMIT_COMMANDS command).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

const owner = os.userInfo().username;
const localPlugin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins', 'local_plugin.py');

t.test('DefaultCheckpointDestination, job transforms and a user-edited condor_config', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  // HTCondor's test plugin for local:// URLs (as test_checkpoint_destination supplies it with the job):
  // local://example.vo/example.fs/<path> is <LOCAL_PLUGIN_ROOT>/<path>.
  const destination = path.join(pool.dir, 'checkpoints');
  fs.mkdirSync(destination);
  const plugin = path.join(pool.dir, 'local.sh');
  writeExecutable(plugin, `#!/bin/bash\nexport LOCAL_PLUGIN_ROOT=${destination}\nexec ${localPlugin} "$@" 2>&1 >> ${pool.dir}/plugin.log\n`);
  fs.appendFileSync(
    path.join(pool.home, 'condor_config'),
    [
      'DEFAULT_CHECKPOINT_DESTINATION_PREFIX = local://example.vo/example.fs',
      'use feature:DefaultCheckpointDestination',
      'JOB_TRANSFORM_NAMES = $(JOB_TRANSFORM_NAMES) Tag',
      'JOB_TRANSFORM_Tag @=end',
      '  REQUIREMENTS Owner isnt undefined',
      '  EVALSET TaggedBy strcat("transform of ", Owner)',
      '@end',
      '',
    ].join('\n'),
  );
  t.same((await pool.run('condor_config_val', ['JOB_TRANSFORM_NAMES'])).stdout.trim().split(/\s+/), ['CheckpointStorage', 'Tag'], "the user's lines are read, the template's included");

  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    '#!/bin/sh\nn=0\n[ -f state ] && n=$(/bin/cat state)\nn=$((n+1))\necho $n > state\n[ $n -lt 2 ] && exit 85\nexit 0\n',
  );
  const submit = (storage: string | undefined) =>
    ['executable = job.sh', 'checkpoint_exit_code = 85', 'transfer_checkpoint_files = state', 'should_transfer_files = yes', 'log = job.log', 'hold = true', `transfer_plugins = local=${plugin}`, ...(storage ? [`checkpoint_storage = ${storage}`] : []), 'queue', ''].join('\n');
  fs.writeFileSync(path.join(pool.dir, 'default.sub'), submit(undefined));
  fs.writeFileSync(path.join(pool.dir, 'spool.sub'), submit('"spool"'));
  const first = await pool.run('condor_submit', ['default.sub']);
  t.equal(first.code, 0, first.stderr);
  const second = await pool.run('condor_submit', ['spool.sub']);
  t.equal(second.code, 0, second.stderr);
  t.notMatch(second.stderr, /unused/, 'checkpoint_storage is a submit command once the feature is on');

  const ads = await pool.run('condor_q', ['-af:,', 'ClusterId', 'CheckpointDestination', 'checkpoint_storage', 'TaggedBy']);
  t.same(
    ads.stdout.trim().split('\n').map((line) => line.split(',').map((field) => field.trim())),
    [
      ['1', `local://example.vo/example.fs/${owner}`, 'undefined', `transform of ${owner}`],
      ['2', 'undefined', 'spool', `transform of ${owner}`],
    ],
  );

  t.equal((await pool.run('condor_release', ['-all'])).code, 0);
  // The end of each job: terminated (005), or held (012) for a reason other than its submission on hold.
  const ended = (all: ParsedEvent[]) => all.filter((e) => e.code === 5 || (e.code === 12 && !/submitted on hold/i.test(e.text)));
  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (all) => ended(all).length === 2, 60_000);
  t.same(
    ended(events)
      .map((e) => `${e.cluster}: ${e.code === 5 ? 'terminated' : `held: ${e.lines.slice(1).join(' ').trim()}`}`)
      .sort(),
    ['1: terminated', '2: terminated'],
  );
  const perJob = fs.readdirSync(path.join(destination, owner));
  t.equal(perJob.length, 1, "the first job's checkpoints went to the default destination, the second's to SPOOL");
  t.ok(fs.existsSync(path.join(destination, owner, perJob[0]!, '0000', 'state')), 'checkpoint 0 is there, under the GlobalJobId');
});

t.test('a transform that cannot be applied refuses the submission, as the schedd refuses it', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  fs.appendFileSync(path.join(pool.home, 'condor_config'), 'JOB_TRANSFORM_NAMES = Broken\nJOB_TRANSFORM_Broken = FROB x\n');
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(pool.dir, 'j.sub'), 'executable = true.sh\nqueue\n');
  const refused = await pool.run('condor_submit', ['j.sub']);
  t.not(refused.code, 0);
  t.match(refused.stderr, /Failed to apply a required job transform \(JOB_TRANSFORM_Broken: FROB is not a valid transform keyword\)/);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId'])).stdout, '', 'nothing was queued');
});
