import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { formatJobId } from '@tinycondor/shared/job-id';
import { JobStatus } from '@tinycondor/shared/job-status';
import type { SshServerMessage, StartdMessage } from '@tinycondor/shared/protocol';
import { permissionDenied, type Caller } from './caller.js';
import type { Schedd } from './schedd.js';

interface Session {
  startdName: string;
  send(message: SshServerMessage): void;
  close(): void;
}

export class SshRefused extends Error {}

/**
 * condor_ssh_to_job: relays a command's stdin/stdout/stderr between a client websocket and the startd
 * running the job, which runs the command inside the job's sandbox with the job's environment.
 */
export class SshRelay {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly schedd: Schedd,
    private readonly log: Logger,
  ) {}

  /** Opens a session on the job's current run; throws SshRefused when the job is not running or not the caller's. */
  open(cluster: number, proc: number, command: string[], client: Omit<Session, 'startdName'>, caller: Caller, place: 'job' | 'sandbox' = 'job'): string {
    const jobId = formatJobId(cluster, proc);
    const job = this.schedd.store.getJob(cluster, proc);
    if (!job) throw new SshRefused(`Job ${jobId} not found`);
    const owner = job.ad.getString('Owner');
    const denied = permissionDenied(caller, jobId, owner);
    if (denied !== undefined) throw new SshRefused(denied);
    const startd = job.startd ? this.schedd.registry.get(job.startd) : undefined;
    if (job.status !== JobStatus.Running || !startd || !job.runId) throw new SshRefused(`Job ${jobId} is not running`);
    const sessionId = crypto.randomUUID();
    this.sessions.set(sessionId, { ...client, startdName: startd.identity.startdName });
    startd.send({ type: 'ssh-open', sessionId, jobId, runId: job.runId, command, ...(place === 'sandbox' ? { place } : {}) });
    this.log.info({ jobId, sessionId, command }, 'ssh_to_job session opened');
    return sessionId;
  }

  input(sessionId: string, data: string, eof: boolean | undefined): void {
    const session = this.sessions.get(sessionId);
    this.schedd.registry.get(session?.startdName ?? '')?.send({ type: 'ssh-input', sessionId, data, eof });
  }

  /** The client went away: stop the command on the startd. */
  clientClosed(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    this.schedd.registry.get(session.startdName)?.send({ type: 'ssh-close', sessionId });
  }

  fromStartd(startdName: string, message: Extract<StartdMessage, { type: 'ssh-output' | 'ssh-exit' }>): void {
    const session = this.sessions.get(message.sessionId);
    if (!session || session.startdName !== startdName) return;
    if (message.type === 'ssh-output') {
      session.send({ type: 'output', stream: message.stream, data: message.data });
      return;
    }
    this.sessions.delete(message.sessionId);
    session.send({ type: 'exit', exitCode: message.exitCode, signal: message.signal, error: message.error });
    session.close();
  }

  /** The startd went away: its sessions end with an error. */
  startdGone(startdName: string): void {
    for (const [sessionId, session] of this.sessions) {
      if (session.startdName !== startdName) continue;
      this.sessions.delete(sessionId);
      session.send({ type: 'exit', exitCode: null, error: 'the execute node disconnected' });
      session.close();
    }
  }
}
