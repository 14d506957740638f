import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { CREDENTIALS_NOT_REQUESTED, NO_PAT_PRODUCER, PAT_PRODUCER_TIMEOUT_SECONDS, patProducerAnswer, type DockerCredentialsAnswer } from '@tinycondor/shared/docker-credentials';
import type { JobUser } from '@tinycondor/shared/job-user';

/** The most of the producer's stdout kept: a docker config.json is small. */
const MAX_PRODUCER_OUTPUT = 1024 * 1024;

/** getpwuid's home directory of `uid` (through NSS, as getent answers), or undefined. */
function homeOf(uid: number): string | undefined {
  try {
    return execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).split(':')[5]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * CONDOR_get_docker_creds, as the shadow answers it: DOCKER_PAT_PRODUCER run with no arguments, as the job's
 * owner (or as the schedd, when it is the owner), with only PATH (the schedd's) and HOME (the owner's home
 * directory) in its environment, for at most 120 s; its stdout, a docker config.json, is the answer.
 */
export async function dockerCredentials(jobAd: ClassAd, opts: { producer: string | undefined; user: JobUser | undefined; log: Pick<Logger, 'warn'> }): Promise<DockerCredentialsAnswer> {
  if (jobAd.getBool('DockerSendCredentials') !== true) return { error: CREDENTIALS_NOT_REQUESTED };
  const producer = opts.producer?.trim() ?? '';
  if (producer === '') return { error: NO_PAT_PRODUCER };
  const home = opts.user === undefined ? os.userInfo().homedir : homeOf(opts.user.uid);
  if (home === undefined) opts.log.warn({ user: opts.user?.name }, "Failed to find user's home directory to set HOME for docker pat producer");
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', ...(home === undefined ? {} : { HOME: home }) };
  const { exitedZero, stdout } = await new Promise<{ exitedZero: boolean; stdout: string }>((resolve) => {
    let out = '';
    const child = spawn(producer, [], { stdio: ['ignore', 'pipe', 'ignore'], env, ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}) });
    child.stdout.on('data', (chunk: Buffer) => {
      if (out.length < MAX_PRODUCER_OUTPUT) out += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PAT_PRODUCER_TIMEOUT_SECONDS * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      opts.log.warn({ producer, err: err.message }, 'could not run DOCKER_PAT_PRODUCER');
      resolve({ exitedZero: false, stdout: '' });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitedZero: code === 0, stdout: out });
    });
  });
  return patProducerAnswer(exitedZero, stdout);
}
