// userMap() and the map knobs (classad_usermap.cpp) in a pool: HTCondor's templates that use them.
// `use FEATURE : AssignAccountingGroup(map_file)` (after HTCondor's map_user_to_groups_metaknob_test) gives a
// mapped user's job its accounting group and refuses an unmapped user's submission, and
// `use POLICY : OnlyRegisteredCheckpointDestinations` refuses a checkpoint_destination the checkpoint
// destination map file does not know; condor_transform_ads has the XFORM subsystem's maps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCommand, startPool, writeExecutable, type TestPool } from './helpers/pool.js';

const owner = os.userInfo().username;

async function submit(pool: TestPool, name: string, lines: string[]) {
  fs.writeFileSync(path.join(pool.dir, name), ['executable = true.sh', 'hold = true', ...lines, 'queue', ''].join('\n'));
  return pool.run('condor_submit', [name]);
}

/** condor_submit's words for a refusal; the schedd's default reason ends with a newline of its own. */
const refusal = (reason: string) => `\nERROR: Failed to commit job submission into the queue.\nERROR: ${reason}\n`;

t.test('use FEATURE : AssignAccountingGroup: a mapped user gets a group, an unmapped one is refused', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  const mapFile = path.join(pool.dir, 'groups.map');
  fs.writeFileSync(mapFile, `* foo1 abc,123\n* ${owner} cs,condor\n`);
  const feature = path.join(pool.home, 'config.d', 'accounting');
  fs.writeFileSync(feature, `use FEATURE : AssignAccountingGroup(${mapFile})\n`);

  const plain = await submit(pool, 'plain.sub', []);
  t.equal(plain.code, 0, plain.stderr);
  const groups = async (cluster: number) => (await pool.run('condor_q', [String(cluster), '-af:,', 'AccountingGroup', 'AcctGroup'])).stdout;
  t.equal(await groups(1), `cs.${owner}, cs\n`, 'the first group of the map');

  const requested = await submit(pool, 'requested.sub', ['accounting_group = CONDOR']);
  t.equal(requested.code, 0, requested.stderr);
  t.equal(await groups(2), `condor.${owner}, condor\n`, 'the group asked for, when the user has it (case aside)');

  const denied = await submit(pool, 'denied.sub', ['accounting_group = physics']);
  t.equal(denied.code, 1);
  t.equal(denied.stderr, refusal('Permission denied setting accounting_group to physics'), 'CheckRequestedGroup');

  t.equal((await pool.run('condor_q', ['1', '-af', 'userMap("AssignAccountingGroup", Owner)'])).stdout, 'undefined\n', 'condor_q has no maps of its own');
  fs.appendFileSync(path.join(pool.home, 'condor_config'), 'TOOL_CLASSAD_USER_MAP_NAMES = AssignAccountingGroup\n');
  t.equal((await pool.run('condor_q', ['1', '-af', 'userMap("AssignAccountingGroup", Owner)'])).stdout, 'cs,condor\n', 'TOOL_CLASSAD_USER_MAP_NAMES gives it the map');

  // The map file changes: the schedd reads it again. The user is no longer in it.
  fs.writeFileSync(mapFile, '* foo cs,condor\n');
  const unmapped = await submit(pool, 'unmapped.sub', []);
  t.equal(unmapped.code, 1);
  t.equal(unmapped.stderr, refusal('Submit requirement AssignAccountingGroup not met.\n'), 'the reason names no requested group: strcat is undefined, the default words');

  // As HTCondor's test: without the check of the requested group, the reason says whom it could not map.
  fs.writeFileSync(feature, `use FEATURE : AssignAccountingGroup(${mapFile}, false)\n`);
  const named = await submit(pool, 'named.sub', ['accounting_group = physics']);
  t.equal(named.code, 1);
  t.equal(named.stderr, refusal(`Submit requirement AssignAccountingGroup not met - Could not map '${owner}' to an accounting group physics`));

  // A map line with no group maps nothing (HTCondor's "usermap doesn't have group").
  fs.writeFileSync(mapFile, `* ${owner} \n`);
  t.equal((await submit(pool, 'nogroup.sub', [])).code, 1);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId'])).stdout, '1\n2\n', 'only the first two were queued');
  const schedLog = fs.readFileSync(path.join(pool.home, 'log', 'SchedLog'), 'utf8');
  t.match(schedLog, `Loading classad userMap 'AssignAccountingGroup'`);
  t.match(schedLog, `Error parsing line 1 of ${mapFile}.  (Method=*) (Principal=${owner}) (Canon=) Skipping to next line.`);
});

t.test('use POLICY : OnlyRegisteredCheckpointDestinations refuses a destination no prefix of the map file matches', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  const defaultMap = path.join(pool.home, 'checkpoint-destination-mapfile');
  t.equal((await pool.run('condor_config_val', ['CHECKPOINT_DESTINATION_MAPFILE'])).stdout.trim(), defaultMap, "param_info.in's default");
  fs.writeFileSync(defaultMap, '*  file:///srv/ckpt/  cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,/srv/ckpt\n');
  fs.appendFileSync(path.join(pool.home, 'condor_config'), 'use POLICY : OnlyRegisteredCheckpointDestinations\n');
  const checkpointing = (destination: string) => ['checkpoint_exit_code = 85', `checkpoint_destination = ${destination}`];
  const reason = 'You specified a checkpoint_destination this AP does not know how to clean up.  You may need to add a trailing / to the URL.';

  const registered = await submit(pool, 'registered.sub', checkpointing('file:///srv/ckpt/run1'));
  t.equal(registered.code, 0, registered.stderr);
  t.equal((await pool.run('condor_q', ['1', '-af', 'CheckpointDestinationValid'])).stdout, 'true\n');

  const noSlash = await submit(pool, 'noslash.sub', checkpointing('file:///srv/ckpt'));
  t.equal(noSlash.code, 1);
  t.equal(noSlash.stderr, refusal(reason));
  const elsewhere = await submit(pool, 'elsewhere.sub', checkpointing('https://storage.example.org/ckpt/'));
  t.equal(elsewhere.stderr, refusal(reason));
  t.equal((await submit(pool, 'spool.sub', ['checkpoint_exit_code = 85'])).code, 0, 'a job checkpointing to SPOOL is not checked');

  // CHECKPOINT_DESTINATION_MAPFILE names another file: the schedd's map follows it.
  const otherMap = path.join(pool.dir, 'destinations');
  fs.writeFileSync(otherMap, '*  https://storage.example.org/ckpt/  my_cleanup\n');
  fs.appendFileSync(path.join(pool.home, 'condor_config'), `CHECKPOINT_DESTINATION_MAPFILE = ${otherMap}\n`);
  t.equal((await submit(pool, 'elsewhere2.sub', checkpointing('https://storage.example.org/ckpt/'))).code, 0);
  t.equal((await submit(pool, 'registered2.sub', checkpointing('file:///srv/ckpt/run1'))).stderr, refusal(reason));
});

t.test("condor_transform_ads evaluates with XFORM_CLASSAD_USER_MAP_NAMES' maps, not the schedd's", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-usermap-xform-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const configFile = path.join(dir, 'condor_config');
  const config = (names: string) =>
    [
      names,
      'CLASSAD_USER_MAPDATA_Groups @=end',
      '  * alice physics,chemistry',
      '  * /^(.*)@example\\.org$/ guest_\\1',
      '@end',
      'JOB_TRANSFORM_Group @=end',
      '  EVALSET AcctGroup = userMap("Groups", Owner, AcctGroup)',
      '@end',
      '',
    ].join('\n');
  fs.writeFileSync(path.join(dir, 'jobs.ad'), 'Owner = "alice"\nAcctGroup = "chemistry"\n\nOwner = "bob@example.org"\n');
  const groups = async () => {
    const p = await runCommand('condor_transform_ads', ['-jobtransforms', 'Group', 'jobs.ad'], { PATH: process.env.PATH, HOME: process.env.HOME, CONDOR_CONFIG: configFile }, dir);
    t.equal(p.stderr, '');
    return [...p.stdout.matchAll(/^AcctGroup = (.*)$/gm)].map((match) => match[1]);
  };
  fs.writeFileSync(configFile, config('SCHEDD_CLASSAD_USER_MAP_NAMES = Groups'));
  t.same(await groups(), ['undefined', 'undefined']);
  fs.writeFileSync(configFile, config('XFORM_CLASSAD_USER_MAP_NAMES = Groups'));
  t.same(await groups(), ['"chemistry"', '"guest_bob"']);
});

t.test("condor_submit's $EVAL() has SUBMIT_CLASSAD_USER_MAP_NAMES' maps; a job factory's procs, the schedd's", async (t) => {
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(path.join(pool.dir, 'true.sh'), '#!/bin/sh\nexit 0\n');
  fs.appendFileSync(
    path.join(pool.home, 'condor_config'),
    ['CLASSAD_USER_MAPDATA_Submit = * alice submit_group', 'CLASSAD_USER_MAPDATA_Schedd = * alice schedd_group', 'SUBMIT_CLASSAD_USER_MAP_NAMES = Submit', 'SCHEDD_CLASSAD_USER_MAP_NAMES = Schedd', ''].join('\n'),
  );
  const lines = ['+FromSubmit = "$EVAL(userMap("Submit", "alice"))"', '+FromSchedd = "$EVAL(userMap("Schedd", "alice"))"'];
  const direct = await submit(pool, 'direct.sub', lines);
  t.equal(direct.code, 0, direct.stderr);
  t.equal((await pool.run('condor_q', ['1', '-af', 'FromSubmit', 'FromSchedd'])).stdout, 'submit_group undefined\n', "condor_submit's maps, not the schedd's");
  const factory = await submit(pool, 'factory.sub', ['max_materialize = 1', ...lines]);
  t.equal(factory.code, 0, factory.stderr);
  t.equal((await pool.run('condor_q', ['2', '-af', 'FromSubmit', 'FromSchedd'])).stdout, 'undefined schedd_group\n', 'the schedd expands a factory: its maps');
});
