import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { ExitStatus, Usage } from '@tinycondor/shared/protocol';
import { WriteBehind } from '@tinycondor/transfer/tar/write-behind';
import { cgroupV1Paths } from './job-cgroup.js';
import { forkSpawner, jobSpawner, type JobProcessSpec, type JobSpawner, type SpawnFailure } from './job-process.js';

type Outcome = { pid: number; exit: ExitStatus; usage: Usage } | { failure: SpawnFailure };

/** Runs `spec` (with stdin from `input`) and returns how it ended and what it wrote. */
function run(spawner: JobSpawner, spec: Omit<JobProcessSpec, 'stdio' | 'cwd' | 'cgroupDirs'> & { cwd?: string; cgroupDirs?: string[] }, input = ''): Promise<Outcome & { output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-job-process-'));
  fs.writeFileSync(path.join(dir, 'in'), input);
  const stdio: [number, number, number] = [fs.openSync(path.join(dir, 'in'), 'r'), fs.openSync(path.join(dir, 'out'), 'a'), fs.openSync(path.join(dir, 'out'), 'a')];
  return new Promise((resolve) => {
    let pid = 0;
    const end = (outcome: Outcome) => {
      stdio.forEach((fd) => fs.closeSync(fd));
      const output = fs.readFileSync(path.join(dir, 'out'), 'utf8');
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ ...outcome, output });
    };
    spawner.start(
      { cwd: dir, cgroupDirs: [], ...spec, stdio },
      {
        spawned: (started) => (pid = started),
        failed: (failure) => end({ failure }),
        exited: (exit, usage) => end({ pid, exit, usage }),
      },
    );
  });
}

const sh = (script: string, env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }) => ({ executable: '/bin/sh', args: ['-c', script], env });

const { spawner: built, fallbackReason } = jobSpawner();

/** This process's memory cgroup, where the test may make its own (root with cgroup v1), or why not. */
const memoryCgroup = ((): { parent: string; skip: false } | { parent: string; skip: string } => {
  const parent = cgroupV1Paths(fs.readFileSync('/proc/self/cgroup', 'utf8')).memory;
  if (parent === undefined) return { parent: '', skip: 'no cgroup v1 memory hierarchy' };
  try {
    fs.accessSync(parent, fs.constants.W_OK);
    return { parent, skip: false };
  } catch (err) {
    return { parent, skip: `needs a writable cgroup v1 memory hierarchy: ${(err as Error).message}` };
  }
})();

t.equal(built.method, 'vfork', `the native spawner is built (npm ci / npm run build); ${fallbackReason ?? ''}`);

for (const spawner of [built, forkSpawner()]) {
  t.test(`${spawner.method}: exit codes and signals`, async (t) => {
    t.match(await run(spawner, sh('exit 7')), { exit: { bySignal: false, exitCode: 7 } });
    t.match(await run(spawner, sh('exit 0')), { exit: { bySignal: false, exitCode: 0 } });
    t.match(await run(spawner, sh('kill -TERM $$')), { exit: { bySignal: true, signal: 15 } });
  });

  t.test(`${spawner.method}: the job's environment, directory and standard streams, nothing of the startd's`, async (t) => {
    const cwd = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-job-cwd-')));
    const outcome = await run(spawner, { ...sh('echo "$A|${HOME-unset}|$(pwd)"; cat; echo oops >&2', { PATH: '/usr/bin:/bin', A: 'a b' }), cwd }, 'from stdin\n');
    t.equal(outcome.output, `a b|unset|${cwd}\nfrom stdin\noops\n`);
    fs.rmSync(cwd, { recursive: true });
  });

  t.test(`${spawner.method}: the process leads its own session, with default signal dispositions and none blocked`, async (t) => {
    // Node ignores SIGPIPE in the startd; a job must not inherit that (a pipeline's writer would never die).
    // grep replaces the shell (exec keeps the mask and what is ignored): the shell's own status is read
    // while it forks the reader, when it blocks every signal for a moment.
    const outcome = await run(spawner, sh('cut -d" " -f6 /proc/$$/stat; exec grep -E "^Sig(Blk|Ign)" /proc/self/status'));
    if (!('exit' in outcome)) return t.fail('did not start');
    const [session, blocked, ignored] = outcome.output.trim().split('\n');
    t.equal(Number(session), outcome.pid, 'session id is the pid (so is the process group, which kill signals)');
    t.equal(BigInt(`0x${blocked.split(/\s+/)[1]}`), 0n, 'no signal blocked');
    t.equal(BigInt(`0x${ignored.split(/\s+/)[1]}`), 0n, "no signal ignored: SIGPIPE, and glibc's own 32 and 33 (which its posix_spawn leaves ignored)");
  });

  t.test(`${spawner.method}: a program that cannot start is a failure with errno and strerror's text`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-job-exe-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'not-executable'), '#!/bin/sh\n', { mode: 0o644 });
    const missing = await run(spawner, { executable: path.join(dir, 'missing'), args: [], env: {} });
    t.match(missing, { failure: { errno: 2, message: /no such file or directory/i } });
    const notExecutable = await run(spawner, { executable: path.join(dir, 'not-executable'), args: [], env: {} });
    t.match(notExecutable, { failure: { errno: 13, message: /permission denied/i } });
    const nul = await run(spawner, { executable: '/bin/sh', args: ['-c', 'exit 0\0'], env: {} });
    t.match(nul, { failure: { errno: os.constants.errno.EINVAL } });
  });

  t.test(`${spawner.method}: a bare program name is found in the job's PATH`, async (t) => {
    t.match(await run(spawner, { executable: 'true', args: [], env: { PATH: '/usr/bin:/bin' } }), { exit: { bySignal: false, exitCode: 0 } });
  });
}

t.test('vfork: a script without #! fails with Exec format error, as on HTCondor (execvp would run it with sh)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-job-exe-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'no-shebang'), 'echo hello\n', { mode: 0o755 });
  t.match(await run(built, { executable: path.join(dir, 'no-shebang'), args: [], env: {} }), { failure: { errno: 8, message: /exec format error/i } });
});

t.test('vfork: the exit comes with the CPU time of the process and the children it waited for', async (t) => {
  // The busy loop runs in a child of the job's shell: wait4 counts the children the job waited for.
  const outcome = await run(built, sh('sh -c \'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done\''));
  if (!('usage' in outcome)) return t.fail('did not start');
  t.ok(outcome.usage.userSeconds + outcome.usage.systemSeconds > 0.05, `CPU seconds reported: ${JSON.stringify(outcome.usage)}`);
  const idle = await run(built, sh('exit 0'));
  t.ok('usage' in idle && idle.usage.userSeconds < 0.05, 'a process that does nothing used (almost) no CPU');
});

t.test('vfork: the process is in its cgroups before it runs the executable', { skip: memoryCgroup.skip }, async (t) => {
  const cgroup = path.join(memoryCgroup.parent, `tinycondor-test-${process.pid}-vfork`);
  fs.mkdirSync(cgroup);
  t.teardown(() => fs.rmdirSync(cgroup));
  const relative = cgroup.slice('/sys/fs/cgroup/memory'.length);
  const outcome = await run(built, { executable: '/bin/cat', args: ['/proc/self/cgroup'], env: {}, cgroupDirs: [cgroup] });
  t.match(outcome.output, new RegExp(`^\\d+:memory:${relative}$`, 'm'));
  const refused = await run(built, { executable: '/bin/true', args: [], env: {}, cgroupDirs: [path.join(cgroup, 'no-such-cgroup')] });
  t.match(refused, { failure: { errno: 2 } }, 'a cgroup it cannot join: the job does not run');
});

t.test('fork: the process is in its cgroups once it is reported started', { skip: memoryCgroup.skip }, async (t) => {
  const cgroup = path.join(memoryCgroup.parent, `tinycondor-test-${process.pid}-fork`);
  fs.mkdirSync(cgroup);
  t.teardown(() => fs.rmdirSync(cgroup));
  const relative = cgroup.slice('/sys/fs/cgroup/memory'.length);
  const devNull = fs.openSync('/dev/null', 'r+');
  t.teardown(() => fs.closeSync(devNull));
  const membership = await new Promise<string>((resolve, reject) => {
    forkSpawner().start(
      { executable: '/bin/sleep', args: ['30'], env: {}, cwd: '/', stdio: [devNull, devNull, devNull], cgroupDirs: [cgroup] },
      {
        spawned: (pid) => {
          resolve(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
          process.kill(pid, 'SIGKILL');
        },
        failed: (failure) => reject(new Error(failure.message)),
        exited: () => undefined,
      },
    );
  });
  t.match(membership, new RegExp(`^\\d+:memory:${relative}$`, 'm'));
  await new Promise<void>((resolve) => {
    const poll = () => (fs.readFileSync(path.join(cgroup, 'cgroup.procs'), 'utf8').trim() === '' ? resolve() : setTimeout(poll, 10));
    poll();
  });
});

const asRoot = process.getuid?.() === 0 ? false : 'needs root to change identity';

for (const spawner of [built, forkSpawner()]) {
  t.test(`${spawner.method}: the process runs as the job's user`, { skip: asRoot }, async (t) => {
    const user = { name: 'nobody', uid: 65534, gid: 65534, groups: [65534, 100] };
    const outcome = await run(spawner, { executable: '/bin/sh', args: ['-c', 'echo "$(id -u) $(id -g) $(id -G)"'], env: { PATH: '/usr/bin:/bin' }, cwd: '/', user });
    // libuv drops supplementary groups when it changes identity; the native spawner sets the user's.
    t.equal(outcome.output, spawner.method === 'vfork' ? '65534 65534 65534 100\n' : '65534 65534 65534\n');
  });
}
// Issue 18, item 1: a transferred executable, written and closed by the startd while another slot's job
// started, failed to execute with ETXTBSY: the other job's vfork child still held the file open for
// writing, since the kernel wakes the vfork parent before the child's exec closes its close-on-exec
// descriptors. Before the fix about one start in five failed here.
t.test('vfork: a file written while another job starts can be executed the moment it is closed', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-job-written-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const program = fs.readFileSync('/bin/true');
  const busy: number[] = [];
  for (let i = 0; i < 300; i++) {
    const executable = path.join(dir, `true-${i}`);
    const fd = fs.openSync(executable, 'w', 0o755);
    fs.writeSync(fd, program);
    const other = run(built, { executable: '/bin/true', args: [], env: {} });
    fs.closeSync(fd);
    const outcome = await run(built, { executable, args: [], env: {} });
    await other;
    if ('failure' in outcome && outcome.failure.errno === os.constants.errno.ETXTBSY) busy.push(i);
  }
  t.same(busy, [], 'no start failed with Text file busy');
});

t.test('vfork: the job gets no descriptor but its standard streams', async (t) => {
  // The job lists its descriptors from a child (its own shell's would include the one ls opens).
  const outcome = await run(built, sh('exec /bin/ls /proc/$$/fd'));
  if (!('exit' in outcome)) return t.fail('did not start');
  t.same(outcome.output.trim().split('\n').map(Number).sort((a, b) => a - b).slice(0, 3), [0, 1, 2]);
  t.same(outcome.output.trim().split('\n').filter((fd) => Number(fd) > 2).length, 1, 'only the one ls opened to list them');
});

t.test('fork: the child is forked only once no file is being written', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-job-fork-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const writer = new WriteBehind();
  const file = await writer.create(path.join(dir, 'being-written'), 0o755);
  const children = () => fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
  const before = children();
  const outcome = run(forkSpawner(), { executable: '/bin/true', args: [], env: {} });
  t.equal(children(), before, 'no child was forked while the file is open for writing');
  writer.end(file);
  t.not(children(), before, 'the child was forked as the file was closed');
  await writer.finish();
  t.match(await outcome, { exit: { bySignal: false, exitCode: 0 } });
});

t.test("vfork: the job's core and stack limits (OsProc::StartJob, sysapi_set_resource_limits)", async (t) => {
  const limitsOf = async (limits: JobProcessSpec['limits']) => {
    const outcome = await run(built, { ...sh('grep -E "^Max (core file|stack) size" /proc/self/limits'), limits });
    return Object.fromEntries(outcome.output.trim().split('\n').map((line) => {
      const [soft, hard] = line.replace(/^Max (core file|stack) size\s+/, '').split(/\s+/);
      return [line.startsWith('Max core') ? 'core' : 'stack', { soft, hard }];
    }));
  };
  const own = await limitsOf(undefined);
  const set = await limitsOf({ coreBytes: 4096, stackBytes: 16 * 1024 * 1024 });
  t.same(set.core, { soft: '4096', hard: '4096' }, 'core_size: soft and hard');
  t.same(set.stack, { soft: String(16 * 1024 * 1024), hard: own.stack.hard }, 'stack_size: soft only');
  const defaults = await limitsOf({ coreBytes: 0, stackBytes: -1 });
  t.same(defaults.core, { soft: '0', hard: '0' }, 'no core_size: no core dump');
  t.same(defaults.stack, { soft: own.stack.hard, hard: own.stack.hard }, 'no stack_size: as large as the hard limit allows');
});

t.test('vfork: a mount namespace of its own, with bind mounts and a fresh /dev/shm (MOUNT_UNDER_SCRATCH)', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async (t) => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-scratch-source-'));
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-scratch-target-'));
  t.teardown(() => [source, target].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  fs.writeFileSync(path.join(target, 'host.txt'), 'the host\'s\n');
  const shm = `tinycondor-job-process-${process.pid}`;
  const mounts = { binds: [{ source, target }], privateDevShm: true };
  const outcome = await run(built, { ...sh(`ls -A ${target}; echo job > ${target}/job.txt; echo x > /dev/shm/${shm}`), mounts });
  t.match(outcome, { exit: { bySignal: false, exitCode: 0 } }, outcome.output);
  t.equal(outcome.output, '', 'the target shows the (empty) source');
  t.equal(fs.readFileSync(path.join(source, 'job.txt'), 'utf8'), 'job\n', 'what the job wrote is in the source');
  t.same(fs.readdirSync(target), ['host.txt'], "the host's directory is untouched");
  t.notOk(fs.existsSync(path.join('/dev/shm', shm)), "nor is the host's /dev/shm");
  const missing = await run(built, { ...sh('exit 0'), mounts: { binds: [{ source: path.join(source, 'nowhere'), target }], privateDevShm: false } });
  t.match(missing, { failure: { errno: os.constants.errno.ENOENT } }, 'a mount that fails is a failure to start, with its errno');
  t.match(await run(forkSpawner(), { ...sh('exit 0'), mounts }), { failure: { errno: os.constants.errno.ENOSYS, message: 'Function not implemented' } }, 'child_process cannot make one');
});

t.test('vfork: suspend_job_at_exec stops the job at its exec, as the starter starts it (DCJOBOPT_SUSPEND_ON_EXEC), until SIGCONT', async (t) => {
  const outcome = run(built, { ...sh('echo ran'), suspendAtExec: true });
  // run() resolves at the exit: the child is found in /proc, once its SIGSTOP (sent as it was detached) has stopped it.
  const stat = await new Promise<string[]>((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const look = () => {
      const stopped = fs
        .readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .map((name) => {
          try {
            return fs.readFileSync(`/proc/${name}/stat`, 'utf8').split(' ');
          } catch {
            return [];
          }
        })
        .find((fields) => fields[3] === String(process.pid) && fields[1] === '(sh)' && fields[2] === 'T');
      if (stopped) resolve(stopped);
      else if (Date.now() > deadline) reject(new Error('no stopped child found'));
      else setTimeout(look, 10);
    };
    look();
  });
  const pid = Number(stat[0]);
  t.equal(fs.readlinkSync(`/proc/${pid}/exe`), fs.realpathSync('/bin/sh'), "stopped after its exec: it is the job's program");
  t.notOk(/^TracerPid:\s*[1-9]/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')), 'stopped (SIGSTOP) and no longer traced');
  process.kill(pid, 'SIGCONT');
  t.match(await outcome, { exit: { bySignal: false, exitCode: 0 }, output: 'ran\n' }, 'continued, it runs from its start');
});
