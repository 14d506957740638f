import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { binCommand, runCommand, waitForEvents, writeExecutable, type CommandResult, type Teardown } from './pool.js';

/** A schedd and startds as separate real processes, for tests that kill and restart them. */
export interface Daemons {
  home: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  url(): string;
  token(): string;
  schedd: ChildProcess;
  startSchedd(extra?: string[]): Promise<ChildProcess>;
  startStartd(name: string, extra?: string[]): Promise<ChildProcess>;
  run(command: string, args: string[]): Promise<CommandResult>;
}

function startDaemon(t: Teardown, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(...binCommand('tinycondor.js', args), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready: ${out}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited ${code}: ${out}`));
    });
  });
}

/** Kills a process with SIGKILL and waits until it is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return gone;
}

export async function startDaemons(t: Teardown, scheddArgs: string[] = []): Promise<Daemons> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-daemons-'));
  if (!process.env.TINYCONDOR_KEEP_TEST_DIRS) t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const home = path.join(base, 'home');
  const dir = path.join(base, 'submit');
  fs.mkdirSync(dir);
  const env = { ...process.env, CONDOR_CONFIG: path.join(home, 'condor_config') };
  const config = () => fs.readFileSync(path.join(home, 'condor_config.pool'), 'utf8');
  const daemons: Daemons = {
    home,
    dir,
    env,
    url: () => /^SCHEDD_URL = (.*)$/m.exec(config())?.[1] ?? '',
    token: () => fs.readFileSync(path.join(home, 'pool.token'), 'utf8').trim(),
    schedd: undefined as unknown as ChildProcess,
    startSchedd: async (extra = []) => {
      daemons.schedd = await startDaemon(t, ['schedd', '--home', home, ...scheddArgs, ...extra], process.env, /schedd ready/);
      return daemons.schedd;
    },
    startStartd: (name, extra = []) => startDaemon(t, ['startd', '--name', name, '--cpus', '1', ...extra], env, new RegExp(`startd ${name} ready`)),
    run: (command, args) => runCommand(command, args, env, dir),
  };
  await daemons.startSchedd(['--port', '0']);
  return daemons;
}

/** A startd played by the test: it speaks the protocol itself, to inject late, duplicate or broken messages. */
export interface FakeStartd {
  socket: WebSocket;
  /** The key the schedd's welcome gave it, for its transfers (header x-tinycondor-startd-key). */
  key: string;
  send(message: unknown): void;
  next(type: string, deadlineMs?: number): Promise<Record<string, unknown>>;
}

export async function fakeStartd(t: Teardown, url: string, token: string, name = 'fake'): Promise<FakeStartd> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/startd`, { headers: { authorization: `Bearer ${token}` } });
  t.teardown(() => socket.terminate());
  const inbox: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (raw) => {
    inbox.push(JSON.parse(raw.toString()) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const fake: FakeStartd = {
    socket,
    key: '',
    send: (message) => socket.send(JSON.stringify(message)),
    next: async (type, deadlineMs = 20_000) => {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const index = inbox.findIndex((m) => m.type === type);
        if (index >= 0) return inbox.splice(index, 1)[0];
        if (Date.now() > deadline) throw new Error(`no '${type}' message within ${deadlineMs} ms (have: ${inbox.map((m) => m.type).join(', ')})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
  fake.send({
    type: 'hello',
    startdName: name,
    machine: 'fakehost',
    opSys: 'LINUX',
    arch: 'X86_64',
    slots: [{ name: 'slot1', cpus: 1, memoryMb: 1024, diskKb: 1_000_000 }],
    runs: [],
  });
  fake.key = String((await fake.next('welcome')).key);
  return fake;
}

/**
 * Daemons (lease 30 s), a fake startd, and one self-checkpointing job (`checkpoint_exit_code = 85` and
 * `submitLines`, logging to job.log) that the fake startd was given and reported executing: where a test that
 * plays the startd's transfers begins.
 */
export async function fakeStartdRunningJob(t: Teardown, submitLines = ''): Promise<{ d: Daemons; fake: FakeStartd; jobId: string; runId: string }> {
  const d = await startDaemons(t, ['--lease', '30']);
  const fake = await fakeStartd(t, d.url(), d.token());
  writeExecutable(path.join(d.dir, 'job.sh'), '#!/bin/sh\nexit 0\n');
  fs.writeFileSync(path.join(d.dir, 'job.sub'), `executable = job.sh\ncheckpoint_exit_code = 85\n${submitLines}log = job.log\nqueue\n`);
  const submitted = await d.run('condor_submit', ['job.sub']);
  if (submitted.code !== 0) throw new Error(`condor_submit job.sub: ${submitted.stderr}`);
  const { jobId, runId } = (await fake.next('start')) as { jobId: string; runId: string };
  fake.send({ type: 'executing', jobId, runId, seq: 1 });
  await waitForEvents(path.join(d.dir, 'job.log'), (ev) => ev.some((e) => e.code === 1));
  return { d, fake, jobId, runId };
}
