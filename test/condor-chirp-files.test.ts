// Issue 20, item 5: condor_chirp's file commands from inside a running job, as on HTCondor (condor_chirp.cpp
// through the starter's io_proxy_handler.cpp to the shadow's NTreceivers.cpp): with want_io_proxy a job fetches
// a file of its submit directory, puts one back, lists a directory and removes a file, paths relative to its
// Iwd; what is missing or not the job's to write is refused in condor_chirp's words and exit statuses; a
// spooled job's Iwd is its SPOOL directory, as HTCondor's schedd rewrites it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { addTestUser, closedToOthers, needsRootAndUseradd, userSubmitDirectory, resubmitAs } from './helpers/as-owner.js';
import { chirpPath, eventually, startPool, waitForEvents, writeExecutable } from './helpers/pool.js';

t.test('fetch, put, getdir, remove, whoami: a job reaches its submit directory', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  const chirp = await chirpPath(pool);
  fs.writeFileSync(path.join(pool.dir, 'input.txt'), 'from the submit side\n');
  fs.writeFileSync(path.join(pool.dir, 'empty.txt'), '');
  fs.writeFileSync(path.join(pool.dir, 'doomed.txt'), 'to be removed\n');
  fs.mkdirSync(path.join(pool.dir, 'results'));
  fs.writeFileSync(path.join(pool.dir, 'results', 'a.txt'), 'a\n');
  writeExecutable(
    path.join(pool.dir, 'job.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      '"$C" fetch input.txt got.txt; echo "fetch rc=$?"',
      '/bin/cat got.txt',
      'echo "made by the job" > result.txt',
      '"$C" put result.txt results/b.txt; echo "put rc=$?"',
      '"$C" put -perm 600 result.txt results/private.txt; echo "put perm rc=$?"',
      '"$C" getdir results; echo "getdir rc=$?"',
      '"$C" getdir -l results > long.txt; echo "getdir -l rc=$?"',
      '/usr/bin/head -n 4 long.txt',
      '"$C" remove doomed.txt; echo "remove rc=$?"',
      '"$C" remove doomed.txt; echo "remove again rc=$?"',
      '"$C" fetch missing.txt x.txt; echo "missing rc=$?"',
      '"$C" fetch empty.txt x.txt; echo "empty rc=$?"',
      '"$C" fetch results y.txt; echo "directory rc=$?"',
      '"$C" getdir nowhere; echo "no dir rc=$?"',
      '"$C" put nothing-here.txt z.txt; echo "no local rc=$?"',
      `"$C" put result.txt ${path.join(pool.home, 'planted.txt')}; echo "into the pool rc=$?"`,
      '"$C" put -mode cwa result.txt appended.txt; echo "put -mode rc=$?"',
      '"$C" whoami; echo "whoami rc=$?"',
      '"$C" whoareyou somehost; echo "whoareyou rc=$?"',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'job.sub'),
    ['executable = job.sh', 'should_transfer_files = YES', 'want_io_proxy = true', 'output = job.out', 'error = job.err', 'log = job.log', 'queue'].join('\n') + '\n',
  );
  // The same commands without want_io_proxy: the proxy allows no file call (ENABLE_CHIRP_IO's refusal).
  writeExecutable(path.join(pool.dir, 'plain.sh'), `#!/bin/sh\n"${chirp}" fetch input.txt got.txt 2>&1; echo "fetch rc=$?"\n"${chirp}" getdir . 2>&1; echo "getdir rc=$?"\n"${chirp}" remove input.txt; echo "remove rc=$?"\n`);
  fs.writeFileSync(path.join(pool.dir, 'plain.sub'), 'executable = plain.sh\nshould_transfer_files = YES\noutput = plain.out\nlog = job.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['plain.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'job.log'), (ev) => ev.filter((e) => e.code === 5).length === 2, 120_000);

  const out = fs.readFileSync(path.join(pool.dir, 'job.out'), 'utf8');
  const err = fs.readFileSync(path.join(pool.dir, 'job.err'), 'utf8');
  t.match(out, /^fetch rc=0\nfrom the submit side\n/m, 'fetch brought the submit directory’s file into the sandbox');
  t.match(out, /^put rc=0$/m);
  t.equal(fs.readFileSync(path.join(pool.dir, 'results', 'b.txt'), 'utf8'), 'made by the job\n', 'put wrote the file relative to the Iwd');
  t.match(out, /^put perm rc=0$/m);
  t.equal(fs.statSync(path.join(pool.dir, 'results', 'private.txt')).mode & 0o777, 0o600, '-perm is the new file’s mode');
  // getdir prints the shadow's buffer (names, then an empty line) and exits with its length, as condor_chirp returns it.
  t.match(out, /^a\.txt\nb\.txt\nprivate\.txt\n\ngetdir rc=25$/m);
  t.match(out, /^a\.txt\n\tdevice: \d+\n\tinode: \d+\n\tmode: 33188\n/m, 'getdir -l prints each name and its stat fields');
  t.match(fs.readFileSync(path.join(pool.dir, 'long.txt'), 'utf8'), /^\tsize: 2\n\tblksize: \d+\n\tblocks: \d+\n\tatime: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/m);
  t.match(out, /^remove rc=0$/m);
  t.notOk(fs.existsSync(path.join(pool.dir, 'doomed.txt')), 'remove unlinked the submit-side file');
  t.match(out, /^\tError: 2 \(No such file or directory\)\nremove again rc=255$/m);
  // What chirp_client.c does not return from: condor_chirp exits 1 with its words on stderr.
  t.match(out, /^missing rc=1$/m);
  t.match(err, /^chirp: couldn't getfile: No such file or directory$/m);
  t.match(out, /^empty rc=1$/m);
  t.match(err, /^chirp: couldn't getfile: File too large$/m, 'the shadow refuses an empty file (size <= 0) as EFBIG');
  t.match(out, /^directory rc=1$/m);
  t.match(err, /^chirp: couldn't getfile: Is a directory$/m);
  t.match(out, /^no dir rc=1$/m);
  t.match(err, /^chirp: couldn't getdir: No such file or directory$/m);
  t.match(out, /^\tError: 2 \(No such file or directory\)\nno local rc=255$/m);
  t.match(err, /^Can't open local file nothing-here\.txt$/m);
  t.match(out, /^into the pool rc=1$/m);
  t.match(err, /^chirp: couldn't putfile: Permission denied$/m, 'the pool’s own directory is never written for a job');
  t.notOk(fs.existsSync(path.join(pool.home, 'planted.txt')));
  t.match(out, /^put -mode rc=0$/m, 'put -mode goes through open and write');
  t.equal(fs.readFileSync(path.join(pool.dir, 'appended.txt'), 'utf8'), 'made by the job\n');
  // condor_chirp asks for 5120 bytes; the shadow (since HTCONDOR-3662) refuses more than 1024: EINVAL.
  t.match(out, /^\n\tError: 22 \(Invalid argument\)\nwhoami rc=255$/m);
  t.match(out, /^\n\tError: 22 \(Invalid argument\)\nwhoareyou rc=255$/m);

  const plain = fs.readFileSync(path.join(pool.dir, 'plain.out'), 'utf8');
  // INVALID_REQUEST: getfile and getdir are calls chirp_client.c aborts on, unlink one it returns.
  t.match(plain, /^chirp: couldn't getfile: Invalid argument\nfetch rc=1$/m, 'without want_io_proxy the proxy allows no file call');
  t.match(plain, /^chirp: couldn't getdir: Invalid argument\ngetdir rc=1$/m);
  t.match(plain, /^\tError: 22 \(Invalid argument\)\nremove rc=255$/m);
  t.ok(fs.existsSync(path.join(pool.dir, 'input.txt')));

  // A spooled job: its Iwd is its SPOOL directory, so its relative paths are there, not in the submit directory.
  writeExecutable(
    path.join(pool.dir, 'spooled.sh'),
    `#!/bin/sh\n"${chirp}" fetch spooled-in.txt got.txt; echo "fetch spooled rc=$?"; /bin/cat got.txt\n"${chirp}" fetch input.txt x.txt 2>&1; echo "fetch submit-dir rc=$?"\necho back > back.txt\n"${chirp}" put back.txt put-back.txt; echo "put rc=$?"\n`,
  );
  fs.writeFileSync(path.join(pool.dir, 'spooled-in.txt'), 'spooled input\n');
  fs.writeFileSync(
    path.join(pool.dir, 'spooled.sub'),
    'executable = spooled.sh\nshould_transfer_files = YES\ntransfer_input_files = spooled-in.txt\nwant_io_proxy = true\noutput = spooled.out\nlog = spooled.log\nqueue\n',
  );
  const submitted = await pool.run('condor_submit', ['-spool', 'spooled.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  const iwd = await eventually('the spooled job to complete', async () => {
    const [status, dir] = (await pool.run('condor_q', ['3.0', '-af', 'JobStatus', 'Iwd'])).stdout.trim().split(' ');
    return status === '4' ? dir : undefined;
  }, 120_000);
  t.ok(fs.existsSync(path.join(iwd, 'put-back.txt')), `put landed in the job's SPOOL directory ${iwd}`);
  t.notOk(fs.existsSync(path.join(pool.dir, 'put-back.txt')), 'not in the submit directory');
  t.equal((await pool.run('condor_transfer_data', ['3.0'])).code, 0);
  const spooledOut = fs.readFileSync(path.join(pool.dir, 'spooled.out'), 'utf8');
  t.match(spooledOut, /^fetch spooled rc=0\nspooled input\n/m, 'a relative path is read from SPOOL, where the input was spooled');
  t.match(spooledOut, /^chirp: couldn't getfile: No such file or directory\nfetch submit-dir rc=1$/m, 'the submit directory is not the Iwd of a spooled job');
  t.match(spooledOut, /^put rc=0$/m);
});

t.test('read, write, put -mode and from stdin, stat, lstat, statfs, rmdir, link, readlink, access, chmod, chown, truncate, utime', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const chirp = await chirpPath(pool);
  const sub = (name: string) => path.join(pool.dir, name);
  fs.writeFileSync(sub('data.txt'), '0123456789');
  fs.writeFileSync(sub('target.txt'), 'xxxxxxxxxxxxxxxxxxxx');
  fs.writeFileSync(sub('log.txt'), 'first\n');
  fs.mkdirSync(sub('empty'));
  fs.mkdirSync(path.join(sub('full'), 'inner'), { recursive: true });
  fs.writeFileSync(path.join(sub('full'), 'inner', 'f.txt'), 'f');
  writeExecutable(
    sub('io.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      "printf 'hello world\\n' > local.txt",
      '"$C" read data.txt 5; echo "read rc=$?"',
      '"$C" read -offset 3 data.txt 4; echo "pread rc=$?"',
      '"$C" read -stride 2 4 data.txt 6; echo "sread rc=$?"',
      '"$C" read data.txt 0; echo "read none rc=$?"',
      '"$C" read missing.txt 5; echo "read missing rc=$?"',
      '"$C" write target.txt local.txt; echo "write rc=$?"',
      '"$C" write -offset 14 target.txt local.txt 3; echo "write offset rc=$?"',
      '"$C" write -stride 1 3 target.txt local.txt 2; echo "swrite rc=$?"',
      '"$C" write nowhere.txt local.txt; echo "write missing rc=$?"',
      '"$C" put -mode cwa local.txt log.txt; echo "put append rc=$?"',
      'echo piped | "$C" put - piped.txt; echo "put stdin rc=$?"',
      '"$C" put -mode cwx local.txt data.txt; echo "put exclusive rc=$?"',
      '"$C" stat data.txt; echo "stat rc=$?"',
      '"$C" stat missing.txt; echo "stat missing rc=$?"',
      '"$C" link data.txt hard.txt; echo "link rc=$?"',
      '"$C" link -s data.txt soft.txt; echo "symlink rc=$?"',
      '"$C" readlink soft.txt 100; echo "readlink rc=$?"',
      '"$C" lstat soft.txt; echo "lstat rc=$?"',
      '"$C" statfs .; echo "statfs rc=$?"',
      '"$C" access data.txt rw; echo "access rw rc=$?"',
      '"$C" access data.txt x; echo "access x rc=$?"',
      '"$C" access data.txt q; echo "access bad rc=$?"',
      '"$C" chmod data.txt 640; echo "chmod rc=$?"',
      '"$C" chown data.txt -1 -1; echo "chown rc=$?"',
      '"$C" truncate log.txt 8; echo "truncate rc=$?"',
      '"$C" utime data.txt 1000000000 1000000000; echo "utime rc=$?"',
      '"$C" rmdir empty; echo "rmdir rc=$?"',
      '"$C" rmdir full; echo "rmdir full rc=$?"',
      '"$C" rmdir -r full; echo "rmdir -r rc=$?"',
      `"$C" stat ${path.join(pool.home, 'condor_config')}; echo "stat pool rc=$?"`,
      '"$C" mkdir d; echo "mkdir rc=$?"',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(sub('io.sub'), 'executable = io.sh\nshould_transfer_files = YES\nwant_io_proxy = true\noutput = io.out\nerror = io.err\nlog = io.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['io.sub'])).code, 0);
  await waitForEvents(sub('io.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  const out = fs.readFileSync(sub('io.out'), 'utf8');
  const err = fs.readFileSync(sub('io.err'), 'utf8');
  // read prints what it read and exits with how much (condor_chirp returns the call's result).
  t.match(out, /^01234\nread rc=5$/m);
  t.match(out, /^3456\npread rc=4$/m, '-offset: pread');
  t.match(out, /^014589\nsread rc=6$/m, '-stride 2 4: 2 bytes every 4');
  t.match(out, /^\tError: 22 \(Invalid argument\)\nread none rc=255$/m, 'the shadow refuses a read of 0 bytes');
  t.match(out, /^\tError: 2 \(No such file or directory\)\nread missing rc=255$/m);
  // write without a length: one pwrite of up to 1024 bytes at 0, into a file that must exist ("w", no c).
  t.match(out, /^write rc=12$/m);
  t.match(out, /^write offset rc=3$/m);
  t.match(out, /^swrite rc=2$/m);
  t.equal(fs.readFileSync(sub('target.txt'), 'utf8'), 'heleo world\nxxhelxxx', 'pwrite at 0, pwrite at 14, swrite of 1 byte at 0 then at 3');
  t.match(out, /^\tError: 2 \(No such file or directory\)\nwrite missing rc=255$/m);
  t.notOk(fs.existsSync(sub('nowhere.txt')));
  t.match(out, /^put append rc=0$/m);
  t.match(out, /^put stdin rc=0$/m);
  t.equal(fs.readFileSync(sub('piped.txt'), 'utf8'), 'piped\n', 'put - reads stdin');
  t.match(out, /^\tError: 17 \(File exists\)\nput exclusive rc=255$/m);
  t.match(err, /^Can't chirp_client_open data\.txt:-1$/m);
  t.match(out, /^device: \d+\ninode: \d+\nmode: 33188\nnlink: 1\nuid: \d+\ngid: \d+\nrdevice: 0\nsize: 10\nblksize: \d+\nblocks: \d+\natime: .+\nmtime: .+\nctime: .+\nstat rc=0$/m);
  t.match(out, /^\tError: 2 \(No such file or directory\)\nstat missing rc=255$/m);
  t.match(out, /^link rc=0$/m);
  t.match(out, /^symlink rc=0$/m);
  t.equal(fs.readlinkSync(sub('soft.txt')), 'data.txt');
  t.match(out, /^data\.txt\nreadlink rc=8$/m);
  t.match(out, /^mode: 41471\n(?:.*\n){10}lstat rc=0$/m, 'lstat: the link itself (0120777)');
  t.match(out, /^f_type: \d+\nf_bsize: \d+\nf_blocks: \d+\nf_bfree: \d+\nf_bavail: \d+\nf_files: \d+\nf_ffree: \d+\nstatfs rc=0$/m);
  t.match(out, /^access rw rc=0$/m);
  t.match(out, /^\tError: 13 \(Permission denied\)\naccess x rc=255$/m);
  t.match(out, /^access bad rc=255$/m);
  t.match(err, /^invalid mode char 'q'$/m);
  t.match(out, /^chmod rc=0$/m);
  t.match(out, /^chown rc=0$/m);
  t.match(out, /^truncate rc=0$/m);
  t.equal(fs.readFileSync(sub('log.txt'), 'utf8'), 'first\nhe', 'put -mode cwa appended, then truncate cut to 8 bytes');
  t.match(out, /^utime rc=0$/m);
  const data = fs.statSync(sub('data.txt'));
  t.equal(data.mode & 0o777, 0o640);
  t.equal(data.mtimeMs, 1e12);
  t.equal(data.nlink, 2, 'the hard link');
  t.match(out, /^rmdir rc=0$/m);
  t.notOk(fs.existsSync(sub('empty')));
  t.match(out, /^\tError: 39 \(Directory not empty\)\nrmdir full rc=255$/m);
  t.match(out, /^rmdir -r rc=0$/m);
  t.notOk(fs.existsSync(sub('full')));
  t.match(out, /^\tError: 13 \(Permission denied\)\nstat pool rc=255$/m, "the pool's own directory is refused to every call");
  t.match(out, /^Unknown command mkdir\nUsage:\n/m, 'condor_chirp has no mkdir (the protocol has)');
});

t.test("a descriptor the job leaves open is the schedd's until the run is over, then closed", { skip: !fs.existsSync('/bin/bash') && 'no /bin/bash' }, async (t) => {
  const pool = await startPool(t, { startds: 1, periodic: 1 });
  const held = path.join(pool.dir, 'held.txt');
  fs.writeFileSync(held, 'kept open\n');
  // The job speaks the protocol itself (bash's /dev/tcp): it opens a file, says so, and exits without closing it.
  writeExecutable(
    path.join(pool.dir, 'holder.sh'),
    [
      '#!/bin/bash',
      'read -r host port cookie < "$_CONDOR_CHIRP_CONFIG"',
      'exec 3<>"/dev/tcp/$host/$port"',
      "printf 'cookie %s\\nopen held.txt r 0\\n' \"$cookie\" >&3",
      'read -r authenticated <&3; read -r fd <&3; read -r stat <&3',
      'echo "cookie $authenticated fd $fd"',
      `: > ${path.join(pool.dir, 'opened')}`,
      `i=0; while [ ! -e ${path.join(pool.dir, 'go')} ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 3; sleep 0.02; done`,
    ].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'holder.sub'), 'executable = holder.sh\nshould_transfer_files = YES\nwant_io_proxy = true\noutput = holder.out\nlog = holder.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['holder.sub'])).code, 0);
  const scheddHolds = () => {
    const fds = `/proc/${pool.process.pid}/fd`;
    return fs.readdirSync(fds).some((fd) => {
      try {
        return fs.readlinkSync(path.join(fds, fd)) === fs.realpathSync(held);
      } catch {
        return false;
      }
    });
  };
  await eventually('the job to open the file', () => (fs.existsSync(path.join(pool.dir, 'opened')) ? true : undefined), 120_000);
  t.ok(scheddHolds(), 'while the run goes on, the schedd holds the descriptor');
  fs.writeFileSync(path.join(pool.dir, 'go'), '');
  await waitForEvents(path.join(pool.dir, 'holder.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  t.match(fs.readFileSync(path.join(pool.dir, 'holder.out'), 'utf8'), /^cookie 0 fd 3$/m);
  await eventually('the schedd to close the ended run’s descriptor', () => (scheddHolds() ? undefined : true), 30_000);
  t.pass('closed once the run was over');
});

// The job runs condor_chirp from this checkout (the pool's LIBEXEC) as the test user.
const libexec = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'libexec', 'condor_chirp');

t.test("a root schedd reads and writes a chirping job's files with its owner's rights", { skip: needsRootAndUseradd || closedToOthers(libexec) }, async (t) => {
  const user = addTestUser(t, 'chirp');
  const pool = await startPool(t, { startds: 1 });
  const chirp = await chirpPath(pool);
  const { secret, rootOnly } = userSubmitDirectory(pool, user);
  writeExecutable(
    path.join(pool.dir, 'owner.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      'echo mine > mine.txt',
      '"$C" put mine.txt mine.txt; echo "put own rc=$?"',
      `"$C" put mine.txt ${path.join(rootOnly, 'theirs.txt')}; echo "put root-only rc=$?"`,
      `"$C" fetch ${secret} secret.txt; echo "fetch secret rc=$?"`,
      `"$C" getdir ${rootOnly}; echo "getdir rc=$?"`,
      `"$C" read ${secret} 5; echo "read secret rc=$?"`,
      `"$C" write ${secret} mine.txt; echo "write secret rc=$?"`,
      `"$C" stat ${secret}; echo "stat secret rc=$?"`,
      `"$C" access ${secret} r; echo "access secret rc=$?"`,
      '"$C" access mine.txt rw; echo "access own rc=$?"',
      `"$C" chmod ${secret} 644; echo "chmod secret rc=$?"`,
      '"$C" chown mine.txt 0 0; echo "chown to root rc=$?"',
      `"$C" rmdir ${rootOnly}; echo "rmdir root-only rc=$?"`,
      `"$C" put -mode cwt mine.txt ${path.join(rootOnly, 'opened.txt')}; echo "open root-only rc=$?"`,
      '"$C" put -mode cwt mine.txt opened.txt; echo "open own rc=$?"',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'owner.sub'), 'executable = owner.sh\nshould_transfer_files = YES\nwant_io_proxy = true\noutput = owner.out\nerror = owner.err\nlog = root.log\nhold = true\nqueue\n');
  t.equal((await pool.run('condor_submit', ['owner.sub'])).code, 0);
  const cluster = await resubmitAs(pool, '1.0', user.name, { UserLog: JSON.stringify(path.join(pool.dir, 'owner.log')) });
  await waitForEvents(path.join(pool.dir, 'owner.log'), (ev) => ev.some((e) => e.cluster === cluster && e.code === 5), 120_000);

  const out = fs.readFileSync(path.join(pool.dir, 'owner.out'), 'utf8');
  const err = fs.readFileSync(path.join(pool.dir, 'owner.err'), 'utf8');
  t.match(out, /^put own rc=0$/m);
  t.equal(fs.statSync(path.join(pool.dir, 'mine.txt')).uid, user.uid, 'the file put belongs to the owner');
  t.match(out, /^put root-only rc=1$/m);
  t.match(err, /^chirp: couldn't putfile: Permission denied$/m, 'where the owner may not write, nothing is written');
  t.same(fs.readdirSync(rootOnly), []);
  t.match(out, /^fetch secret rc=1$/m);
  t.match(err, /^chirp: couldn't getfile: Permission denied$/m, 'what the owner may not read is not sent');
  t.match(out, /^\ngetdir rc=1$/m, 'the owner may list a directory it can read (empty: its end line)');
  // open and the path calls: the owner's rights, as the shadow switched to the owner has them.
  t.match(out, /^\tError: 13 \(Permission denied\)\nread secret rc=255$/m);
  t.match(out, /^\tError: 13 \(Permission denied\)\nwrite secret rc=255$/m);
  t.match(out, /^device: \d+\n(?:.*\n){3}uid: 0\n(?:.*\n){8}stat secret rc=0$/m, 'stat needs only the way to the file');
  t.match(out, /^\tError: 13 \(Permission denied\)\naccess secret rc=255$/m, "access answers for the owner, not the root schedd");
  t.match(out, /^access own rc=0$/m);
  t.match(out, /^\tError: 13 \(Permission denied\)\nchmod secret rc=255$/m, 'EPERM, converted to NOT_AUTHORIZED');
  t.equal(fs.statSync(secret).mode & 0o777, 0o600);
  t.match(out, /^\tError: 13 \(Permission denied\)\nchown to root rc=255$/m);
  t.equal(fs.statSync(path.join(pool.dir, 'mine.txt')).uid, user.uid);
  t.match(out, /^\tError: 13 \(Permission denied\)\nrmdir root-only rc=255$/m);
  t.ok(fs.existsSync(rootOnly));
  t.match(out, /^\tError: 13 \(Permission denied\)\nopen root-only rc=255$/m);
  t.match(err, /^Can't chirp_client_open .*opened\.txt:-1$/m);
  t.same(fs.readdirSync(rootOnly), []);
  t.match(out, /^open own rc=0$/m);
  t.equal(fs.statSync(path.join(pool.dir, 'opened.txt')).uid, user.uid, 'a file open creates is the owner\'s');
  t.equal(fs.readFileSync(path.join(pool.dir, 'opened.txt'), 'utf8'), 'mine\n');
});

t.test("open and lookup map a name as the shadow's pseudo_get_file_info_new: file_remaps, local_files, fetch_files, buffer_size", { skip: !fs.existsSync('/bin/bash') && 'no /bin/bash' }, async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const chirp = await chirpPath(pool);
  const sub = (name: string) => path.join(pool.dir, name);
  fs.mkdirSync(sub('data'));
  fs.writeFileSync(sub('data/real.txt'), 'the real file\n');
  fs.mkdirSync(sub('results'));
  fs.writeFileSync(sub('scratch.tmp'), 'here, but local\n');
  fs.writeFileSync(sub('in.dat'), 'fetched\n');
  writeExecutable(
    sub('maps.sh'),
    [
      '#!/bin/bash',
      `C="${chirp}"`,
      "printf 'via remap\\n' > local.txt",
      '"$C" read alias.txt 8; echo "read alias rc=$?"',
      '"$C" put -mode cwt local.txt outs/put.txt; echo "put -mode rc=$?"',
      '"$C" put local.txt outs-plain.txt; echo "putfile rc=$?"',
      '"$C" read scratch.tmp 4; echo "local rc=$?"',
      '"$C" read in.dat 4; echo "fetch rc=$?"',
      '"$C" read /dev/null 1; echo "dev null rc=$?"',
      // condor_chirp has no lookup command (chirp_client_lookup has): the job speaks the protocol.
      'export LC_ALL=C',
      'read -r host port cookie < "$_CONDOR_CHIRP_CONFIG"',
      'exec 3<>"/dev/tcp/$host/$port"',
      "printf 'cookie %s\\nlookup alias.txt\\nlookup x.tmp\\nlookup in.dat\\nlookup /dev/null\\n' \"$cookie\" >&3",
      'read -r authenticated <&3; echo "cookie $authenticated"',
      'for i in 1 2 3 4; do read -r n <&3; read -r -N "$n" url <&3; echo "lookup $n $url"; done',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    sub('maps.sub'),
    [
      'executable = maps.sh',
      'should_transfer_files = YES',
      'want_io_proxy = true',
      'file_remaps = "alias.txt = data/real.txt; outs = results"',
      'local_files = *.tmp',
      'fetch_files = in.dat',
      'buffer_size = 1000',
      'buffer_block_size = 100',
      'output = maps.out',
      'error = maps.err',
      'log = maps.log',
      'queue',
    ].join('\n') + '\n',
  );
  const submitted = await pool.run('condor_submit', ['maps.sub']);
  t.equal(submitted.code, 0, submitted.stderr);
  t.notMatch(submitted.stderr, /want_io_proxy|not implemented/, 'nothing said to be missing');
  await waitForEvents(sub('maps.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  const iwd = (await pool.run('condor_q', ['1.0', '-af', 'Iwd'])).stdout.trim() || pool.dir;
  const out = fs.readFileSync(sub('maps.out'), 'utf8');
  t.match(out, /^the real\nread alias rc=8$/m, 'open follows file_remaps: alias.txt is data/real.txt');
  t.match(out, /^put -mode rc=0$/m);
  t.equal(fs.readFileSync(sub('results/put.txt'), 'utf8'), 'via remap\n', 'a directory rule maps what is under it (outs/put.txt is results/put.txt)');
  t.match(out, /^putfile rc=0$/m);
  t.ok(fs.existsSync(sub('outs-plain.txt')), 'putfile (put without -mode) is not mapped: the shadow opens its name as it is');
  // The proxy opens only remote: and buffer:remote: URLs as files; the shadow takes any other as a name from the Iwd.
  t.match(out, /^\tError: 2 \(No such file or directory\)\nlocal rc=255$/m, 'local_files: a local: URL is no file of the submit side');
  t.match(out, /^\tError: 2 \(No such file or directory\)\nfetch rc=255$/m, 'fetch_files: nor is a fetch: URL');
  t.match(out, /^\tError: 2 \(No such file or directory\)\ndev null rc=255$/m, '/dev/null is local too');
  t.match(out, /^cookie 0$/m);
  t.match(out, new RegExp(`^lookup \\d+ buffer:remote:${iwd}/data/real\\.txt$`, 'm'), 'buffer_size and buffer_block_size: buffer:');
  t.match(out, new RegExp(`^lookup \\d+ local:${iwd}/x\\.tmp$`, 'm'), 'a local file is never buffered');
  t.match(out, new RegExp(`^lookup \\d+ fetch:buffer:remote:${iwd}/in\\.dat$`, 'm'));
  t.match(out, /^lookup 15 local:\/dev\/null$/m, 'the length, then the URL');
});

t.test('ENABLE_CHIRP_IO = false: the file commands are refused to a job that wants them, and its remote updates with them', async (t) => {
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_ENABLE_CHIRP_IO: 'false' } });
  const chirp = await chirpPath(pool);
  fs.writeFileSync(path.join(pool.dir, 'input.txt'), 'from the submit side\n');
  writeExecutable(
    path.join(pool.dir, 'noio.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      'echo local > local.txt',
      '"$C" fetch input.txt got.txt; echo "fetch rc=$?"',
      '"$C" put local.txt put.txt; echo "put rc=$?"',
      '"$C" getdir .; echo "getdir rc=$?"',
      '"$C" remove input.txt; echo "remove rc=$?"',
      '"$C" read input.txt 4; echo "read rc=$?"',
      '"$C" set_job_attr ChirpSet 1; echo "set rc=$?"',
      '"$C" set_job_attr_delayed ChirpDelayed 2; echo "delayed rc=$?"',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(pool.dir, 'noio.sub'), 'executable = noio.sh\nshould_transfer_files = YES\nwant_io_proxy = true\noutput = noio.out\nerror = noio.err\nlog = noio.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['noio.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'noio.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  const out = fs.readFileSync(path.join(pool.dir, 'noio.out'), 'utf8');
  const err = fs.readFileSync(path.join(pool.dir, 'noio.err'), 'utf8');
  // initIOProxy: no files, and WantRemoteUpdates defaults to the (refused) io proxy; delayed updates stay.
  t.match(out, /^fetch rc=1$/m);
  t.match(err, /^chirp: couldn't getfile: Invalid argument$/m);
  t.match(out, /^put rc=1$/m);
  t.match(err, /^chirp: couldn't putfile: Invalid argument$/m);
  t.match(out, /^getdir rc=1$/m);
  t.match(err, /^chirp: couldn't getdir: Invalid argument$/m);
  t.match(out, /^\tError: 22 \(Invalid argument\)\nremove rc=255$/m);
  t.match(out, /^\tError: 22 \(Invalid argument\)\nread rc=255$/m);
  t.match(out, /^\tError: 22 \(Invalid argument\)\nset rc=255$/m);
  t.match(out, /^delayed rc=0$/m);
  t.notOk(fs.existsSync(path.join(pool.dir, 'put.txt')));
  t.ok(fs.existsSync(path.join(pool.dir, 'input.txt')));
});

t.test("a job's LimitDirectoryAccess (LIMIT_DIRECTORY_ACCESS) bounds the files its Chirp calls and transfers reach on the submit side", async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  const chirp = await chirpPath(pool);
  const outside = fs.mkdtempSync(path.join(path.dirname(pool.dir), 'outside-'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'not for the job\n');
  fs.writeFileSync(path.join(outside, 'doomed.txt'), 'stays\n');
  fs.mkdirSync(path.join(pool.dir, 'results'));
  writeExecutable(
    path.join(pool.dir, 'limited.sh'),
    [
      '#!/bin/sh',
      `C="${chirp}"`,
      'echo made > made.txt',
      '"$C" put made.txt results/ok.txt; echo "put inside rc=$?"',
      `"$C" put made.txt ${outside}/no.txt; echo "put outside rc=$?"`,
      `"$C" fetch ${outside}/secret.txt got.txt; echo "fetch outside rc=$?"`,
      `"$C" remove ${outside}/doomed.txt; echo "remove outside rc=$?"`,
      `"$C" read ${outside}/secret.txt 3; echo "read outside rc=$?"`,
      `"$C" stat ${outside}/secret.txt > /dev/null; echo "stat outside rc=$?"`,
      `"$C" getdir ${outside} > /dev/null; echo "getdir outside rc=$?"`,
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(pool.dir, 'limited.sub'),
    [
      'executable = limited.sh',
      'should_transfer_files = YES',
      'want_io_proxy = true',
      `+LimitDirectoryAccess = "${pool.dir}"`,
      // As HTCondor's test_tom_directory_creation: a remap's directories are made inside the limit.
      'transfer_output_remaps = "made.txt = remapped/deeper/made.txt"',
      'output = limited.out',
      'error = limited.err',
      'log = limited.log',
      'queue',
      // The executable is in the submit directory, which this job's limit leaves out: its input transfer is refused.
      `+LimitDirectoryAccess = "${outside}, /nowhere"`,
      'queue',
      // A remap out of the limit: refused, and no directory made there.
      `+LimitDirectoryAccess = "${pool.dir}"`,
      'transfer_output_remaps = "made.txt = ../escaped-$(Cluster)/made.txt"',
      'output = limited.2.out',
      'error = limited.2.err',
      'queue',
    ].join('\n') + '\n',
  );
  t.equal((await pool.run('condor_submit', ['limited.sub'])).code, 0);
  const events = await waitForEvents(
    path.join(pool.dir, 'limited.log'),
    (ev) => ev.some((e) => e.code === 5 && e.proc === 0) && ev.some((e) => e.code === 12 && e.proc === 1) && ev.some((e) => e.code === 12 && e.proc === 2),
    120_000,
  );
  t.equal(fs.readFileSync(path.join(pool.dir, 'remapped', 'deeper', 'made.txt'), 'utf8'), 'made\n', 'the remap\'s directories were made inside the limit');
  const escaped = events.find((e) => e.code === 12 && e.proc === 2);
  t.match(escaped?.lines[1], /Transfer output files failure.*Permission denied: Access DENIED to file .*escaped-1\/made\.txt due to LIMIT_DIRECTORY_ACCESS/);
  t.notOk(fs.existsSync(path.join(path.dirname(pool.dir), 'escaped-1')), 'no directory made outside the limit');
  const out = fs.readFileSync(path.join(pool.dir, 'limited.out'), 'utf8');
  const err = fs.readFileSync(path.join(pool.dir, 'limited.err'), 'utf8');
  t.match(out, /^put inside rc=0$/m);
  t.equal(fs.readFileSync(path.join(pool.dir, 'results', 'ok.txt'), 'utf8'), 'made\n');
  t.match(out, /^put outside rc=1$/m);
  t.match(err, /^chirp: couldn't putfile: Permission denied$/m, 'allow_shadow_access refuses outside the limit (EACCES)');
  t.notOk(fs.existsSync(path.join(outside, 'no.txt')));
  t.match(out, /^fetch outside rc=1$/m);
  t.match(err, /^chirp: couldn't getfile: Permission denied$/m);
  t.match(out, /^\tError: 13 \(Permission denied\)\nremove outside rc=255$/m);
  t.ok(fs.existsSync(path.join(outside, 'doomed.txt')));
  t.match(out, /^\tError: 13 \(Permission denied\)\nread outside rc=255$/m, 'open is checked');
  t.match(out, /^stat outside rc=0$/m, 'stat is not checked by the shadow');
  t.match(out, /^getdir outside rc=\d+$/m, 'nor getdir');
  t.notMatch(out, /^getdir outside rc=1$/m);
  const held = events.find((e) => e.code === 12 && e.proc === 1);
  t.match(held?.lines[1], new RegExp(`Transfer input files failure .* reading from file ${pool.dir}/limited\\.sh: \\(errno 13\\) Permission denied: Access DENIED to file ${pool.dir}/limited\\.sh due to LIMIT_DIRECTORY_ACCESS`));
  t.equal(held?.lines[2], '\tCode 13 Subcode 0');
  fs.rmSync(outside, { recursive: true, force: true });
});

// HTCondor's lib_chirpio_van (src/condor_tests/lib_chirpio.cpp): a job speaking Chirp as chirp_client.c does
// copies a file of the submit directory through open, read, mkdir, write, fsync, close, rename, lseek and
// unlink, then removes the directory it made.
t.test('lib_chirpio: open, read, mkdir, write, fsync, rename, lseek, unlink and rmdir through the protocol', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const data = ['a', 'b', 'c', 'd'].map((c) => c.repeat(1024)).join('') + 'Testing message';
  fs.writeFileSync(path.join(pool.dir, 'job_chirp_io.txtdata'), data);
  writeExecutable(
    path.join(pool.dir, 'chirpio.mjs'),
    `#!${process.execPath}
import fs from 'node:fs';
import net from 'node:net';
const [host, port, cookie] = fs.readFileSync(process.env._CONDOR_CHIRP_CONFIG, 'utf8').trim().split(' ');
const socket = net.connect(Number(port), host);
let pending = Buffer.alloc(0);
let wake;
socket.on('data', (chunk) => { pending = Buffer.concat([pending, chunk]); wake?.(); });
const need = async (ready) => { for (;;) { const got = ready(); if (got !== undefined) return got; await new Promise((resolve) => (wake = resolve)); } };
const line = () => need(() => { const nl = pending.indexOf(10); if (nl < 0) return undefined; const text = pending.subarray(0, nl).toString(); pending = pending.subarray(nl + 1); return text; });
const bytes = (n) => need(() => { if (pending.length < n) return undefined; const out = pending.subarray(0, n); pending = pending.subarray(n); return out; });
const simple = async (request, payload) => { socket.write(request + '\\n'); if (payload) socket.write(payload); return Number(await line()); };
const open = async (name, flags, mode) => { const fd = await simple(\`open \${name} \${flags} \${mode}\`); if (fd >= 0) await line(); return fd; };
const read = async (fd, length) => { const n = await simple(\`read \${fd} \${length}\`); return n > 0 ? await bytes(n) : Buffer.alloc(0); };
console.log('cookie', await simple('cookie ' + cookie));
const readfd = await open('job_chirp_io.txtdata', 'rwc', 511);
console.log('Open return is', readfd);
const chunks = [];
for (let got; (got = await read(readfd, 1024)).length > 0; ) chunks.push(got);
const content = Buffer.concat(chunks);
console.log('read total', content.length);
console.log('Close result', await simple(\`close \${readfd}\`));
console.log('mkdir result', await simple('mkdir job_chirp_io_mkdir 511'));
const writefd = await open('job_chirp_io_mkdir/test_chirp_io.txtdata', 'rwc', 511);
console.log('Open return is', writefd);
for (let at = 0; at < content.length; at += 1024) {
  const piece = content.subarray(at, at + 1024);
  const written = await simple(\`write \${writefd} \${piece.length}\`, piece);
  if (written !== piece.length) console.log('Writing file failed error ret', written);
}
console.log('fsync result', await simple(\`fsync \${writefd}\`));
console.log('Close result', await simple(\`close \${writefd}\`));
console.log('Rename result', await simple('rename job_chirp_io_mkdir/test_chirp_io.txtdata job_chirp_io_mkdir/job_chirp_io2.txtdata'));
const again = await open('job_chirp_io_mkdir/job_chirp_io2.txtdata', 'r', 511);
const copied = [];
for (let got; (got = await read(again, 1000)).length > 0; ) copied.push(got);
console.log('copy matches', Buffer.concat(copied).equals(content));
console.log('lseek return is', await simple(\`lseek \${again} 4096 0\`));
console.log('Tst message', (await read(again, 15)).toString());
console.log('Close result', await simple(\`close \${again}\`));
console.log('unlink result', await simple('unlink job_chirp_io_mkdir/job_chirp_io2.txtdata'));
console.log('rmdir result', await simple('rmdir job_chirp_io_mkdir'));
socket.end();
`,
  );
  fs.writeFileSync(path.join(pool.dir, 'chirpio.sub'), 'executable = chirpio.mjs\nshould_transfer_files = YES\nwhen_to_transfer_output = ON_EXIT_OR_EVICT\nwant_io_proxy = true\noutput = chirpio.out\nerror = chirpio.err\nlog = chirpio.log\nqueue\n');
  t.equal((await pool.run('condor_submit', ['chirpio.sub'])).code, 0);
  await waitForEvents(path.join(pool.dir, 'chirpio.log'), (ev) => ev.some((e) => e.code === 5), 120_000);
  const out = fs.readFileSync(path.join(pool.dir, 'chirpio.out'), 'utf8');
  t.equal(fs.readFileSync(path.join(pool.dir, 'chirpio.err'), 'utf8'), '');
  t.equal(
    out,
    [
      'cookie 0',
      'Open return is 3',
      `read total ${data.length}`,
      'Close result 0',
      'mkdir result 0',
      'Open return is 3',
      'fsync result 0',
      'Close result 0',
      'Rename result 0',
      'copy matches true',
      'lseek return is 4096',
      'Tst message Testing message',
      'Close result 0',
      'unlink result 0',
      'rmdir result 0',
      '',
    ].join('\n'),
  );
  t.notOk(fs.existsSync(path.join(pool.dir, 'job_chirp_io_mkdir')), 'the directory the job made is gone');
  t.equal(fs.readFileSync(path.join(pool.dir, 'job_chirp_io.txtdata'), 'utf8'), data, 'the original is unchanged');
});
