import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { formatJobId } from '@tinycondor/shared/job-id';
import { JobStatus } from '@tinycondor/shared/job-status';
import { ErrorReply, JobIdParams, TailQuery, TailReply } from '@tinycondor/shared/rest-schemas';
import { splitFileList, STDERR_NAME, STDOUT_NAME, usesFileTransfer } from '@tinycondor/shared/transfer-files';
import { callerOf, permissionDenied, refusal } from '../caller.js';
import { runInSandbox } from '../sandbox-command.js';
import type { Schedd } from '../schedd.js';
import type { SshRelay } from '../ssh-relay.js';

/**
 * Run in the sandbox, as the job (its environment may have no PATH, hence the absolute paths): prints the
 * file's size, where the bytes sent start (an offset past the end, or none: the last bytes), then the bytes
 * in base64. $1 the file, $2 the offset or -1, $3 the most bytes.
 */
const TAIL_SCRIPT = [
  'size=$(/usr/bin/wc -c < "$1") || exit 1',
  'off=$2',
  'if [ "$off" -lt 0 ] || [ "$off" -gt "$size" ]; then off=$(( size > $3 ? size - $3 : 0 )); fi',
  'echo "$size"',
  'echo "$off"',
  '/usr/bin/tail -c +$(( off + 1 )) "$1" | /usr/bin/head -c "$3" | /usr/bin/base64 -w0',
].join('\n');

/** A word for the shell the condor_ssh_to_job channel runs commands with (it joins them as ssh does). */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The sandbox file condor_tail names: stdout, stderr, or a name the job's transfer_output_files lists (the
 * starter's rule for peeking, starter.cpp Starter::peek); undefined for any other.
 */
function sandboxFile(ad: ClassAd, file: string): string | undefined {
  const transfers = usesFileTransfer(ad);
  if (file === 'stdout') return transfers ? STDOUT_NAME : ad.getString('Out');
  if (file === 'stderr') return transfers ? STDERR_NAME : ad.getString('Err');
  const listed = splitFileList(ad.getString('TransferOutput')).includes(file);
  return listed && !file.startsWith('/') && !file.split('/').includes('..') ? file : undefined;
}

/** condor_tail: a file of a running job's sandbox, read there through the condor_ssh_to_job channel. */
export async function tailRoutes(app: FastifyInstance, opts: { schedd: Schedd; relay: SshRelay }): Promise<void> {
  const { schedd, relay } = opts;
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/jobs/:jobId/tail',
    { schema: { params: JobIdParams, querystring: TailQuery, response: { 200: TailReply, 400: ErrorReply, 404: ErrorReply, 409: ErrorReply, 500: ErrorReply } } },
    async (request, reply) => {
      const { jobId } = request.params;
      const [cluster, proc] = jobId.split('.').map(Number);
      const job = schedd.store.getJob(cluster, proc);
      if (!job) throw refusal(404, `Job ${jobId} not found`);
      const caller = callerOf(request);
      const denied = permissionDenied(caller, formatJobId(cluster, proc), job.ad.getString('Owner'));
      if (denied !== undefined) throw refusal(403, denied);
      const { file, offset, maxBytes } = request.query;
      const name = sandboxFile(job.ad, file);
      if (name === undefined) return reply.code(400).send({ error: `${file} is not stdout, stderr or a file in the job's transfer_output_files` });
      if (job.status !== JobStatus.Running || !job.ad.has('JobCurrentStartExecutingDate')) {
        // The schedd's words for GET_JOB_CONNECT_INFO (schedd.cpp): condor_tail waits for the job to run.
        return reply.code(409).send({ error: `Job ${jobId} is not running.` });
      }
      let printed: string;
      try {
        const command = ['/bin/sh', '-c', shellWord(TAIL_SCRIPT), 'condor_tail', shellWord(name), String(offset ?? -1), String(maxBytes)];
        printed = await runInSandbox(relay, job, command, caller);
      } catch (err) {
        return reply.code(500).send({ error: `Failed to peek at file from starter: ${(err as Error).message}` });
      }
      const [size, start, data = ''] = printed.split('\n');
      return { size: Number(size), offset: Number(start), data };
    },
  );
}
