// Issue 24: text a wrapper parses in old ClassAd syntax, byte for byte as HTCondor writes and reads it
// (src/classad/sink.cpp ClassAdUnParser::UnparseString with SetOldClassAd(true, true): only the quote is
// escaped; src/classad/lexer.cpp tokenizeStringOld: a backslash is no escape). A submit file's
// `+Attr = "a\b"` (AssignJobExpr: ParseClassAdRvalExpr), condor_qedit's values, chirp set_job_attr, and what
// prints them back: condor_q -long, the job's _CONDOR_JOB_AD (Starter::WriteAdFiles: fPrintAd), chirp
// get_job_attr (ExprTreeToString), the HISTORY file (AppendHistory: sPrintAd) and condor_history -long.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { chirpPath, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('backslashes, tabs and quotes go in and come out as HTCondor writes them', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const chirp = await chirpPath(pool);
  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      'if [ "$1" = delayed ]; then',
      '  "$C" set_job_attr_delayed ChirpHalf 0.5; "$C" get_job_attr_delayed ChirpHalf; "$C" get_job_attr_delayed Win; exit 0',
      'fi',
      '/bin/cat "$_CONDOR_JOB_AD" > job.ad.copy',
      '"$C" get_job_attr Win; "$C" get_job_attr Quoted',
      '"$C" set_job_attr FromJob \'"E:\\tmp\\"\'; echo "set rc=$?"',
      '"$C" get_job_attr FromJob',
      'i=0; until [ "$("$C" get_job_attr Go)" = true ] || [ $i -ge 600 ]; do /bin/sleep 0.1; i=$((i + 1)); done',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    [
      'executable = job.sh',
      'should_transfer_files = YES',
      'transfer_output_files = job.ad.copy',
      'output = job.$(ProcId).out',
      'log = job.log',
      '+WantRemoteUpdates = true',
      '+Win = "C:\\dir\\x.exe"',
      '+Quoted = "say \\"hi\\"\tnow"',
      'requirements = Win == "C:\\dir\\x.exe" || TARGET.Memory > 0',
      'queue',
      '+WantRemoteUpdates = false',
      'arguments = delayed',
      'transfer_output_files =',
      'queue',
    ].join('\n') + '\n',
  );
  const submitted = await pool.run('condor_submit', ['job.sub']);
  t.equal(submitted.code, 0, submitted.stderr);

  t.equal((await pool.run('condor_q', ['1.0', '-af', 'Win', 'Quoted'])).stdout, 'C:\\dir\\x.exe say "hi"\tnow\n', 'the values: the backslashes are no escapes');
  const long = (await pool.run('condor_q', ['1.0', '-long', '-attributes', 'Win,Quoted'])).stdout;
  t.equal(long, 'Quoted = "say \\"hi\\"\tnow"\nWin = "C:\\dir\\x.exe"\n\n', 'condor_q -long writes them as the submit file did');
  t.equal((await pool.run('condor_q', ['1.0', '-af:r', 'Requirements'])).stdout, 'Win == "C:\\dir\\x.exe" || TARGET.Memory > 0\n', 'requirements read in old syntax too');
  t.equal((await pool.run('condor_q', ['-constraint', 'Win == "C:\\dir\\x.exe"', '-af', 'ProcId'])).stdout, '0\n1\n', '-constraint in old syntax');
  t.equal((await pool.run('condor_qedit', ['-constraint', 'Win == "C:\\dir\\x.exe"', 'ByConstraint', 'true'])).code, 0);
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'ByConstraint'])).stdout, 'true\n', 'condor_qedit -constraint in old syntax');
  t.equal((await pool.run('condor_qedit', ['1.0', 'Edited', '"F:\\x"'])).code, 0);
  t.equal((await pool.run('condor_q', ['1.0', '-af', 'Edited'])).stdout, 'F:\\x\n', 'condor_qedit reads old syntax');

  await eventually('the job to set FromJob', async () => ((await pool.run('condor_q', ['1.0', '-af', 'FromJob'])).stdout === 'E:\\tmp\\\n' ? true : undefined), 60_000);
  t.equal((await pool.run('condor_qedit', ['-forward', '1.0', 'Go', 'true'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.filter((e) => e.code === 5).length === 2, 120_000);

  t.equal(fs.readFileSync(path.join(pool.dir, 'job.1.out'), 'utf8'), '5.000000000000000E-01\n"C:\\\\dir\\\\x.exe"\n', 'get_job_attr_delayed: new syntax (io_proxy_handler.cpp\'s plain ClassAdUnParser)');
  t.equal(fs.readFileSync(path.join(pool.dir, 'job.0.out'), 'utf8'), '"C:\\dir\\x.exe"\n"say \\"hi\\"\tnow"\nset rc=0\n"E:\\tmp\\"\n', 'chirp get_job_attr: old syntax');
  const jobAd = fs.readFileSync(path.join(pool.dir, 'job.ad.copy'), 'utf8');
  t.match(jobAd, /^Win = "C:\\dir\\x\.exe"$/m, '_CONDOR_JOB_AD in old syntax');
  t.match(jobAd, /^Quoted = "say \\"hi\\"\tnow"$/m);

  const history = (await pool.run('condor_history', ['1.0', '-long', '-attributes', 'Win,FromJob'])).stdout;
  t.equal(history, 'FromJob = "E:\\tmp\\"\nWin = "C:\\dir\\x.exe"\n\n', 'condor_history -long');
  const historyFile = path.join((await pool.run('condor_config_val', ['SPOOL'])).stdout.trim(), 'history');
  const text = await eventually('the HISTORY file to hold the job', () => {
    const content = fs.existsSync(historyFile) ? fs.readFileSync(historyFile, 'utf8') : '';
    return content.split('\n*** ').length === 3 ? content : undefined;
  });
  t.match(text, /^Win = "C:\\dir\\x\.exe"$/m, 'the HISTORY file in old syntax');
  t.match(text, /^FromJob = "E:\\tmp\\"$/m, 'a string ending in a backslash too');
  const fromFile = (await pool.run('condor_history', ['-file', historyFile, '1.0', '-af', 'Win', 'FromJob'])).stdout;
  t.equal(fromFile, 'C:\\dir\\x.exe E:\\tmp\\\n', 'and condor_history -file reads it back');
});
