// Issue 20: condor_chirp from inside a running job, as on HTCondor (src/condor_chirp/condor_chirp.cpp talking to
// the starter's io_proxy_handler.cpp, which asks the shadow): the job finds it at $(LIBEXEC)/condor_chirp with
// no PATH, sets and reads its own attributes (WantRemoteUpdates), sends delayed updates (every job may), writes
// a generic event to its log, and is refused what the shadow and the proxy refuse, in condor_chirp's words
// (the file commands, which need want_io_proxy: condor-chirp-files.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('a job chirps: set_job_attr, get_job_attr, set_job_attr_delayed, ulog, and refusals', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const libexec = (await pool.run('condor_config_val', ['LIBEXEC'])).stdout.trim();
  const chirp = path.join(libexec, 'condor_chirp');
  t.ok(fs.statSync(chirp).mode & 0o111, `condor_config_val LIBEXEC names the directory of an executable condor_chirp: ${chirp}`);
  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      'if [ "$1" = updates ]; then',
      '  "$C" set_job_attr ChirpProgress \'"half way"\'; echo "set rc=$?"',
      '  "$C" get_job_attr ChirpProgress; echo "get rc=$?"',
      // The test sets ChirpGo with condor_qedit -forward once condor_q shows ChirpProgress: the job reads it
      // back from the shadow's copy, which an edit without -forward (ChirpQueued, set before it) does not reach.
      '  i=0; until [ "$("$C" get_job_attr ChirpGo)" = true ] || [ $i -ge 600 ]; do /bin/sleep 0.1; i=$((i + 1)); done',
      '  echo "go after $i"',
      '  echo "queued $("$C" get_job_attr ChirpQueued)"',
      '  "$C" ulog "step one done"; echo "ulog rc=$?"',
      '  "$C" set_job_attr Owner \'"mallory"\'; echo "owner rc=$?"',
      '  "$C" get_job_attr_delayed ChirpDelayed; echo "get delayed rc=$?"',
      'else',
      '  "$C" set_job_attr ChirpProgress 1; echo "set rc=$?"',
      '  "$C" ulog "not allowed"; echo "ulog rc=$?"',
      '  "$C" get_job_attr_delayed ChirpDelayed; echo "get delayed rc=$?"',
      'fi',
      '"$C" set_job_attr_delayed ChirpDelayed "40 + 2"; echo "delayed rc=$?"',
      '"$C" set_job_attr_delayed NotChirp 1; echo "not chirp rc=$?"',
      '"$C" fetch remote.txt local.txt; echo "fetch rc=$?"',
      '"$C" nonsense 2>&1 | /usr/bin/head -n 1; echo "unknown"',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    [
      'executable = job.sh',
      // No node on this PATH: condor_chirp is run by its path and finds node itself.
      'environment = "PATH=/nonexistent"',
      'should_transfer_files = YES',
      'output = job.$(ProcId).out',
      'error = job.$(ProcId).err',
      'log = job.log',
      'leave_in_queue = True',
      '+WantRemoteUpdates = true',
      'arguments = updates',
      'queue',
      '+WantRemoteUpdates = false',
      'arguments = plain',
      'queue',
    ].join('\n') + '\n',
  );
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);

  const progress = await eventually('condor_q to show ChirpProgress', async () => {
    const value = (await pool.run('condor_q', ['1.0', '-af', 'ChirpProgress'])).stdout.trim();
    return value === 'half way' ? value : undefined;
  }, 60_000);
  t.equal(progress, 'half way', 'set_job_attr reached the job ad while the job runs');
  t.equal((await pool.run('condor_qedit', ['1.0', 'ChirpQueued', 'true'])).code, 0);
  t.equal((await pool.run('condor_qedit', ['-forward', '1.0', 'ChirpGo', 'true'])).code, 0);

  const events = await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.filter((e) => e.code === 5).length === 2, 120_000);
  const generic = events.filter((e) => e.code === 8);
  t.same(generic.map((e) => [e.cluster, e.proc, e.lines[0]]), [[1, 0, 'step one done']], 'ulog wrote a generic event (008) with its text');
  t.match(generic[0].text, /^008 \(001\.000\.000\) \S+ \S+ step one done\n\.\.\.\n$/);

  const updates = fs.readFileSync(path.join(pool.dir, 'job.0.out'), 'utf8');
  t.match(updates, /^set rc=0$/m);
  t.match(updates, /^"half way"\nget rc=0$/m, 'get_job_attr prints the expression');
  t.match(updates, /^go after \d+$/m);
  t.notMatch(updates, /^go after 600$/m, 'get_job_attr saw the condor_qedit -forward');
  t.match(updates, /^queued UNDEFINED$/m, 'not the condor_qedit without -forward');
  t.match(updates, /^ulog rc=0$/m);
  t.match(updates, /^\tError: 13 \(Permission denied\)\nowner rc=255$/m, 'Owner is immutable: the shadow refuses (EACCES)');
  // With updates allowed the proxy reads "get_job_attr_delayed X" as get_job_attr of "_delayed" (its command order).
  t.match(updates, /^UNDEFINED\nget delayed rc=0$/m);
  const plain = fs.readFileSync(path.join(pool.dir, 'job.1.out'), 'utf8');
  t.match(plain, /^\tError: 22 \(Invalid argument\)\nset rc=255$/m, 'no remote updates: the proxy refuses set_job_attr');
  t.match(plain, /^\tError: 22 \(Invalid argument\)\nulog rc=255$/m);
  t.match(plain, /^\(null\)\nget delayed rc=0$/m, 'nothing delayed yet: ENOENT, which condor_chirp prints as (null)');
  for (const out of [updates, plain]) {
    t.match(out, /^delayed rc=0$/m);
    t.match(out, /^not chirp rc=1$/m, 'a delayed update outside CHIRP_DELAYED_UPDATE_PREFIX is answered 1');
    t.match(out, /^fetch rc=1$/m, 'file commands are refused as without ENABLE_CHIRP_IO: getfile is a call chirp_client.c aborts on');
    t.match(out, /^Unknown command nonsense\nunknown$/m);
  }
  const ads = (await pool.run('condor_q', ['-af', 'ChirpDelayed', 'NotChirp', 'Owner'])).stdout.trim().split('\n');
  t.equal(ads.length, 2);
  for (const line of ads) t.match(line, /^42 undefined \S+$/, 'the delayed update (40 + 2) arrived with the exit; NotChirp and Owner did not change');
  t.notMatch(ads.join('\n'), /mallory/);
  for (const proc of [0, 1]) {
    t.equal(fs.readFileSync(path.join(pool.dir, `job.${proc}.err`), 'utf8'), "chirp: couldn't getfile: Invalid argument\n", 'condor_chirp wrote to stderr only for fetch');
  }
});
