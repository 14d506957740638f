// condor_q -jobads FILE and condor_history -file FILE: the queue or the history read from a file of ads, as
// HTCondor's tools read one (a file condor_q -long wrote, a history file copied from another pool).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCommand } from './helpers/pool.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-q-files-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const me = os.userInfo().username;

const job = (cluster: number, proc: number, status: number, owner = me) =>
  [`ClusterId = ${cluster}`, `ProcId = ${proc}`, `Owner = "${owner}"`, `JobStatus = ${status}`, 'QDate = 1796630000', 'Cmd = "/bin/true"', 'RemoteUserCpu = 0.0', 'JobPrio = 0', 'ImageSize = 0', 'Args = ""'].join('\n');

t.test('condor_q -jobads', async (t) => {
  const file = path.join(dir, 'jobs.ads');
  fs.writeFileSync(file, `-- Schedd: elsewhere : <10.0.0.1:9618?...\n${job(1, 0, 1)}\n\n${job(1, 1, 5)}\n\n${job(2, 0, 2, 'someone-else')}\n`);
  const af = await runCommand('condor_q', ['-jobads', file, '-af', 'ClusterId', 'ProcId', 'JobStatus'], env, dir);
  t.same([af.code, af.stdout], [0, '1 0 1\n1 1 5\n2 0 2\n'], "every job of the file: show_file_queue asks for no user's jobs");
  t.equal((await runCommand('condor_q', ['-jobads', file, '-allusers', '-constraint', 'JobStatus == 2', '-af', 'Owner'], env, dir)).stdout, 'someone-else\n');
  const table = await runCommand('condor_q', ['-jobads', file, '-nobatch'], env, dir);
  t.match(table.stdout, new RegExp(`^\\n\\n-- Jobads: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} @ \\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\n`));
  t.match(table.stdout, /^ +1\.0 /m);
  const missing = await runCommand('condor_q', ['-jobads', path.join(dir, 'nope')], env, dir);
  t.same([missing.code, missing.stderr.startsWith('Error opening job ads file')], [1, true]);
  t.match((await runCommand('condor_q', ['-jobads:json', file], env, dir)).stderr, /long form only/);
  t.match(table.stdout, /\nTotal for query: 3 jobs; 0 completed, 0 removed, 1 idle, 1 running, 1 held, 0 suspended {7}\n\n$/, 'no per-user totals');
});

t.test('condor_q -long:FORM: CondorClassAdListWriter\'s forms (jsonl, new, newl) and nosort', async (t) => {
  const file = path.join(dir, 'forms.ads');
  fs.writeFileSync(file, `${job(1, 0, 1)}\nLoad = 0.5\n\n${job(1, 1, 5)}\nLoad = 0.5\n`);
  const run = async (...args: string[]) => (await runCommand('condor_q', ['-jobads', file, ...args, '-attributes', 'ProcId,Load,JobStatus'], env, dir)).stdout;
  t.equal(await run('-long:jsonl'), '{"JobStatus": 1,"Load": 0.5,"ProcId": 0}\n{"JobStatus": 5,"Load": 0.5,"ProcId": 1}\n');
  t.equal(await run('-long:new'), '{\n[ JobStatus = 1; Load = 5.000000000000000E-01; ProcId = 0 ]\n,\n[ JobStatus = 5; Load = 5.000000000000000E-01; ProcId = 1 ]\n}\n');
  t.equal(await run('-l:newl'), '[ JobStatus = 1; Load = 5.000000000000000E-01; ProcId = 0 ]\n[ JobStatus = 5; Load = 5.000000000000000E-01; ProcId = 1 ]\n');
  t.equal(await run('-long:nosort', '1.1'), 'ProcId = 1\nJobStatus = 5\nLoad = 0.5\n\n', 'the ad\'s own order');
  const refused = await runCommand('condor_q', ['-jobads', file, '-jobset'], env, dir);
  t.same([refused.code, refused.stderr], [1, 'condor_q: -jobset is not supported by tinycondor: it keeps no job set ads\n']);
});

t.test('condor_history -file', async (t) => {
  const file = path.join(dir, 'history');
  const banner = (cluster: number) => `*** ProcId = 0 ClusterId = ${cluster} Owner = "${me}" CompletionDate = 1796630100`;
  fs.writeFileSync(file, `${job(1, 0, 4)}\n${banner(1)}\n${job(2, 0, 4)}\n${banner(2)}\n${job(3, 0, 3)}\n${banner(3)}\n`);
  t.equal((await runCommand('condor_history', ['-file', file, '-af', 'ClusterId'], env, dir)).stdout, '3\n2\n1\n', 'newest first');
  t.equal((await runCommand('condor_history', ['-file', file, '-forwards', '-limit', '2', '-af', 'ClusterId'], env, dir)).stdout, '1\n2\n');
  t.equal((await runCommand('condor_history', ['-file', file, '-since', '1.0', '-af', 'ClusterId'], env, dir)).stdout, '3\n2\n');
  t.equal((await runCommand('condor_history', ['-file', file, '-constraint', 'JobStatus == 3', '-af', 'ClusterId'], env, dir)).stdout, '3\n');
  t.equal((await runCommand('condor_history', ['-file', file, '-scanlimit', '2', '-constraint', 'JobStatus == 4', '-af', 'ClusterId'], env, dir)).stdout, '2\n', '-scanlimit: two ads read, one selected');
  t.equal((await runCommand('condor_history', ['-file', file, '-constraint', 'JobStatus == 4', '-limit', '1', '-af', 'ClusterId'], env, dir)).stdout, '2\n', '-limit counts the ads selected');
  // HTCondor's test_condor_history history_scanlimit: the other clusters' ads are skipped unread, uncounted.
  fs.writeFileSync(file, [[1, 0], [2, 0], [3, 0], [4, 0], [4, 1], [5, 0]].map(([c, p]) => `${job(c, p, 4)}\n*** ProcId = ${p} ClusterId = ${c} Owner = "${me}"\n`).join(''));
  t.equal((await runCommand('condor_history', ['-file', file, '4', '3', '2', '-scanlimit', '3', '-af', 'ClusterId', 'ProcId'], env, dir)).stdout, '4 1\n4 0\n3 0\n');
  t.equal((await runCommand('condor_history', ['-file', file, '4.0', '3', '-scanlimit', '2', '-af', 'ClusterId', 'ProcId'], env, dir)).stdout, '4 0\n', '4.1 is read (its cluster is named) and counted, not shown');
  // history.cpp's -jsonl (one ad a line, ClassAdJsonUnParser's one-line form), -xml and -attributes.
  t.equal((await runCommand('condor_history', ['-file', file, '-jsonl', '-attributes', 'ClusterId,ProcId'], env, dir)).stdout, '{"ClusterId": 5,"ProcId": 0}\n{"ClusterId": 4,"ProcId": 1}\n{"ClusterId": 4,"ProcId": 0}\n{"ClusterId": 3,"ProcId": 0}\n{"ClusterId": 2,"ProcId": 0}\n{"ClusterId": 1,"ProcId": 0}\n');
  const xml = await runCommand('condor_history', ['-file', file, '-xml', '-attributes', 'ClusterId', '-limit', '1'], env, dir);
  t.match(xml.stdout, /^<\?xml version="1\.0"\?>[\s\S]*<a n="ClusterId"><i>5<\/i><\/a>[\s\S]*<\/classads>\n$/);
  t.notMatch(xml.stdout, /ProcId/, 'only the attributes asked for');
});

t.test('condor_history -wide[:N]: the default table cut at N columns, uncut with -wide, -wide:80 the legacy table', async (t) => {
  const file = path.join(dir, 'wide-history');
  const ad = [job(12, 3, 4, 'an-owner-of-twenty-ch'), 'CompletionDate = 1796630100', 'RemoteWallClockTime = 100.0', 'Cmd = "/usr/local/bin/a-rather-long-command"', 'Args = "x"'].join('\n');
  fs.writeFileSync(file, `${ad}\n*** ProcId = 3 ClusterId = 12 CompletionDate = 1796630100\n`);
  const utc = { ...env, TZ: 'UTC' };
  const header = ' ID          OWNER            SUBMITTED   RUN_TIME   ST   COMPLETED CMD';
  const row = '12.3         an-owner-of-tw 12/7  07:53   0+00:01:40 C  12/7  07:55 a-rather-long-command x';
  t.equal((await runCommand('condor_history', ['-file', file], utc, dir)).stdout, `${header}\n${row}\n`, 'not a terminal: cut at 1024');
  t.equal((await runCommand('condor_history', ['-file', file, '-wide'], utc, dir)).stdout, `${header}\n${row}\n`);
  t.equal((await runCommand('condor_history', ['-file', file, '-wide:60'], utc, dir)).stdout, `${header.slice(0, 60)}\n${row.slice(0, 60)}\n`);
  t.equal(
    (await runCommand('condor_history', ['-file', file, '-wide:80'], utc, dir)).stdout,
    ' ID      OWNER            SUBMITTED     RUN_TIME ST   COMPLETED CMD            \n  12.3   an-owner-of-tw 12/7  07:53   0+00:01:40 C  12/7  07:55 /usr/local/bin/\n',
  );
});

t.test('condor_history -print-format FILE: its headings, WHERE and-ed with the constraint, rows cut at the console width - 1 (history.cpp)', async (t) => {
  const file = path.join(dir, 'pf-history');
  const banner = (cluster: number) => `*** ProcId = 0 ClusterId = ${cluster} CompletionDate = 1796630100`;
  fs.writeFileSync(file, [job(1, 0, 4, 'ann'), banner(1), job(2, 0, 4, 'bartholomew-the-long'), banner(2), job(3, 0, 3, 'cy'), banner(3), ''].join('\n'));
  const cpf = path.join(dir, 'owners.cpf');
  fs.writeFileSync(cpf, ['SELECT', '  ClusterId AS ID PRINTF %3d', '  Owner AS WHO', '  JobStatus AS ST PRINTAS JOB_STATUS', 'WHERE JobStatus == 4', 'SUMMARY STANDARD', ''].join('\n'));
  t.equal((await runCommand('condor_history', ['-file', file, '-print-format', cpf], env, dir)).stdout, 'ID WHO ST\n  2 bartholomew-the-long C \n  1 ann                  C \n', 'headings at the initial widths; WHO widens from the first longer owner on; no summary');
  t.equal((await runCommand('condor_history', ['-file', file, '-pr', '-', '-constraint', 'ClusterId != 2'], env, dir, fs.readFileSync(cpf, 'utf8'))).stdout, 'ID WHO ST\n  1 ann C \n', 'from stdin, the WHERE and -constraint both hold');
  t.equal((await runCommand('condor_history', ['-file', file, '-pr', cpf, '-long', '-limit', '1'], env, dir)).stdout, `ClusterId = 2\nJobStatus = 4\nOwner = "bartholomew-the-long"\n\n`, "-long: the ads, projected to the columns' attributes");
  const wide = path.join(dir, 'wide.cpf');
  fs.writeFileSync(wide, `SELECT\n  Owner AS WHO WIDTH 100\n`);
  const cut = (await runCommand('condor_history', ['-file', file, '-limit', '1', '-pr', wide], env, dir)).stdout.split('\n');
  t.same(cut.map((l) => l.length), [79, 79, 0], 'not a terminal: cut at 80 - 1');
  t.same((await runCommand('condor_history', ['-file', file, '-limit', '1', '-wide', '-pr', wide], env, dir)).stdout.split('\n').map((l) => l.length), [100, 100, 0], '-wide first: not cut');
  const missing = await runCommand('condor_history', ['-file', file, '-pr', path.join(dir, 'none.cpf')], env, dir);
  t.same([missing.code, missing.stderr], [1, `Can't open select file: ${path.join(dir, 'none.cpf')}\nError: cannot execute print-format file ${path.join(dir, 'none.cpf')}\n`]);
  const unique = path.join(dir, 'unique.cpf');
  fs.writeFileSync(unique, 'SELECT UNIQUE\n  Owner\n');
  t.match((await runCommand('condor_history', ['-file', file, '-pr', unique], env, dir)).stderr, `UNIQUE aggregation is not supported.\nError: cannot execute print-format file ${unique}`);
});

t.test('condor_history -search PATH (and its rotated files) and -extract FILE, as history.cpp reads and copies them', async (t) => {
  const sub = fs.mkdtempSync(path.join(dir, 'search-'));
  const record = (cluster: number) => `${job(cluster, 0, 4)}\n*** Offset = 0 ClusterId = ${cluster} ProcId = 0 Owner = "${me}" CompletionDate = 0 CurrentTime = ${cluster}\n`;
  const file = path.join(sub, 'history');
  fs.writeFileSync(`${file}.20240101T000000`, record(1) + record(2));
  fs.writeFileSync(`${file}.20250101T000000`, record(3));
  fs.writeFileSync(`${file}.old`, record(9));
  fs.writeFileSync(file, record(4) + record(5));
  t.equal((await runCommand('condor_history', ['-search', file, '-af', 'ClusterId'], env, dir)).stdout, '5\n4\n3\n2\n1\n', 'newest first, through the rotations (named by time) only');
  t.equal((await runCommand('condor_history', ['-search', file, '-forwards', '-limit', '3', '-af', 'ClusterId'], env, dir)).stdout, '1\n2\n3\n');
  t.equal((await runCommand('condor_history', ['-search', path.join(sub, 'none'), '-af', 'ClusterId'], env, dir)).stdout, '', 'no files: no ads');
  const out = path.join(sub, 'extracted');
  const extract = await runCommand('condor_history', ['-search', file, '-extract', out, '-constraint', 'ClusterId > 1 && ClusterId < 5', '-af', 'ClusterId'], env, dir);
  t.same([extract.code, extract.stdout], [0, `4\n3\n2\n\nWriting 3 matched ads to ${out}...\n`]);
  t.equal(fs.readFileSync(out, 'utf8'), record(2) + record(3) + record(4), 'oldest first, each ad with its banner');
  const forwards = await runCommand('condor_history', ['-file', file, '-forwards', '-extract', out, '5', '-af', 'ClusterId'], env, dir);
  t.same([forwards.stdout, fs.readFileSync(out, 'utf8')], ['5\n', record(5)], 'forwards: copied as read, nothing said');
  const none = await runCommand('condor_history', ['-file', file, '-extract', out], env, dir);
  t.same([none.code, none.stderr], [1, 'Error: -extract requires a constraint for which ClassAds to copy\n']);
  // readHistoryFromDirectory: the job history has no per-job files to find there.
  const noDir = await runCommand('condor_history', ['-directory', '-af', 'ClusterId'], env, dir);
  t.same([noDir.code, noDir.stderr], [1, 'Error: No search directory found for locating history files.\n']);
  t.same((await runCommand('condor_history', ['-dir', '-search', file, '-af', 'ClusterId'], env, dir)).stderr, `Error: ${file} is not a valid directory.\n`);
  t.same((await runCommand('condor_history', ['-dir', '-search', sub, '-af', 'ClusterId'], env, dir)).stdout, '');
  const help = await runCommand('condor_history', ['-help'], env, dir);
  t.same([help.code, help.stdout.startsWith('Usage: condor_history')], [0, true]);
  const unknown = await runCommand('condor_history', ['-file', file, '-totals'], env, dir);
  t.same([unknown.code, unknown.stderr.split('\n')[0]], [1, 'Error: Unknown argument -totals']);
});

t.test('-format, as scripts use it', async (t) => {
  const file = path.join(dir, 'format.ads');
  fs.writeFileSync(file, `${job(4, 0, 1)}\n\n${job(4, 1, 2)}\n`);
  const out = await runCommand('condor_q', ['-jobads', file, '-format', '%d.', 'ClusterId', '-format', '%d ', 'ProcId', '-format', '%s\\n', 'Owner'], env, dir);
  t.same([out.code, out.stdout], [0, `4.0 ${me}\n4.1 ${me}\n`]);
  t.match((await runCommand('condor_q', ['-jobads', file, '-format', '%d'], env, dir)).stderr, /-format requires format and attribute parameters/);
});

t.test('old ClassAd syntax: ads read and printed as HTCondor\'s sPrintAd writes them, byte for byte', async (t) => {
  // As HTCondor's condor_q -long writes these values (ClassAdUnParser, SetOldClassAd(true, true)): only the
  // quote escaped; a backslash, a tab and non-ASCII text raw; a string ending in a backslash as `"dir\"`.
  const lines = ['Cmd = "C:\\bin\\x.exe"', 'Description = "say \\"hi\\"\tthere"', 'Dir = "D:\\out\\"', 'Load = 0.5', 'Note = "é✓"'];
  const file = path.join(dir, 'old-syntax.ads');
  fs.writeFileSync(file, `${job(1, 0, 1)}\n${lines.join('\n')}\n`);
  const run = async (...args: string[]) => (await runCommand('condor_q', ['-jobads', file, ...args], env, dir)).stdout;
  const attrs = ['-attributes', 'Cmd,Description,Dir,Load,Note'];
  t.equal(await run('-long', ...attrs), `${lines.join('\n')}\n\n`, '-long gives the lines back unchanged');
  t.equal(await run('-af', 'Cmd', 'Dir', 'Note'), 'C:\\bin\\x.exe D:\\out\\ é✓\n', 'the values: backslashes are no escapes');
  t.equal(await run('-af:r', 'Cmd', 'Description'), '"C:\\bin\\x.exe" "say \\"hi\\"\tthere"\n', '-af:r unparses in old syntax');
  t.equal(await run('-af:V', 'Dir'), '"D:\\out\\"\n');
  t.equal(await run('-constraint', 'Cmd == "C:\\bin\\x.exe"', '-constraint', 'Dir == "D:\\out\\"', '-af', 'ClusterId'), '1\n', '-constraint is read in old syntax too');
  t.equal(await run('-af', 'strcat(Dir, "\\n")'), 'D:\\out\\\\n\n', 'and an -af expression');
  t.equal(
    await run('-long:newl', ...attrs),
    '[ Cmd = "C:\\\\bin\\\\x.exe"; Description = "say \\"hi\\"\\tthere"; Dir = "D:\\\\out\\\\"; Load = 5.000000000000000E-01; Note = "\\303\\251\\342\\234\\223" ]\n',
    '-long:new escapes as the new-syntax unparser does (octal for each non-ASCII byte)',
  );
  const history = path.join(dir, 'old-syntax-history');
  fs.writeFileSync(history, `${job(1, 0, 4)}\n${lines.join('\n')}\n*** ProcId = 0 ClusterId = 1 Owner = "${me}"\n`);
  const long = await runCommand('condor_history', ['-file', history, '-long', ...attrs], env, dir);
  t.equal(long.stdout, `${lines.join('\n')}\n\n`, 'condor_history -file -long too');
  const extract = path.join(dir, 'extracted');
  await runCommand('condor_history', ['-file', history, '-forwards', '-constraint', 'ClusterId == 1', '-extract', extract, '-af', 'ClusterId'], env, dir);
  t.match(fs.readFileSync(extract, 'utf8'), /^Cmd = "C:\\bin\\x\.exe"$/m, '-extract copies the ad in old syntax');
});
