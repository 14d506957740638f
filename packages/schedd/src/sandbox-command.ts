import type { Caller } from './caller.js';
import type { StoredJob } from './job-store.js';
import type { SshRelay } from './ssh-relay.js';

const OUTPUT_LIMIT = 2 * 1024 * 1024;
const DEADLINE_MS = 5_000;

/** Runs a fixed command in a running job's sandbox (the condor_ssh_to_job channel) and returns its stdout. */
export function runInSandbox(relay: SshRelay, job: StoredJob, command: string[], caller: Caller): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let sessionId: string | undefined;
    const timer = setTimeout(() => {
      if (sessionId) relay.clientClosed(sessionId);
      reject(new Error(`no answer from the job's sandbox within ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    try {
      sessionId = relay.open(job.cluster, job.proc, command, {
        send: (message) => {
          if (message.type === 'output') {
            if (message.stream !== 'stdout' || size > OUTPUT_LIMIT) return;
            const chunk = Buffer.from(message.data, 'base64');
            size += chunk.length;
            chunks.push(chunk);
            return;
          }
          clearTimeout(timer);
          if (message.exitCode === 0) resolve(Buffer.concat(chunks).toString('utf8'));
          else reject(new Error(message.error ?? `${command.join(' ')} exited with ${String(message.exitCode)}`));
        },
        close: () => undefined,
      }, caller, 'sandbox');
    } catch (err) {
      clearTimeout(timer);
      reject(err as Error);
    }
  });
}
