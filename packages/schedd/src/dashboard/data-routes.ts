import fs from 'node:fs';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { parseEventLog, type ParsedEvent } from '@tinycondor/shared/eventlog/index';
import { formatJobId } from '@tinycondor/shared/job-id';
import { JobStatus } from '@tinycondor/shared/job-status';
import type { EventStreamMessage } from '@tinycondor/shared/protocol';
import { STDOUT_NAME } from '@tinycondor/shared/transfer-files';
import type { StoredJob } from '../job-store.js';
import { openRegularFile } from '../regular-file.js';
import {
  ErrorReply,
  EventStreamQuery,
  JobEventsReply,
  JobIdParams,
  QueuePageQuery,
  QueuePageReply,
  SlotsReply,
  SpoolFileQuery,
  SpoolListReply,
  StdoutQuery,
  StdoutReply,
} from '@tinycondor/shared/rest-schemas';
import type { Schedd } from '../schedd.js';
import type { DashboardPublisher } from './publisher.js';
import type { SshRelay } from '../ssh-relay.js';
import { slotRow } from './publisher.js';
import { listSpoolFiles, resolveSpoolFile } from './spool-files.js';
import { runInSandbox } from '../sandbox-command.js';
import { callerOf, requirePoolToken } from '../caller.js';
import { SESSION_COOKIE, type SessionStore } from './sessions.js';
import { jobTimeline } from './timeline.js';
import { bytesReply } from '../routes/byte-replies.js';

/** The event log is read from its end: at most this much of it. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;

/** The last `max` bytes of a file, starting at a line boundary when cut. */
function readTail(file: string, max: number): { text: string; truncated: boolean } {
  // A user log named by the submit file may be a FIFO: open() must not wait for a writer.
  const { fd, size } = openRegularFile(file, fs.constants.O_RDONLY);
  try {
    const length = Math.min(size, max);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    if (length === size) return { text, truncated: false };
    return { text: text.slice(text.indexOf('\n') + 1), truncated: true };
  } finally {
    fs.closeSync(fd);
  }
}

/** A log's tail cut at an event boundary (text: after a "..." line; XML: at a record). */
function eventsFromLogTail(file: string): { events: ParsedEvent[]; truncated: boolean } {
  const tail = readTail(file, MAX_LOG_BYTES);
  let text = tail.text;
  if (tail.truncated) {
    const xml = text.indexOf('<c>');
    const end = text.indexOf('\n...\n');
    text = xml >= 0 && (end < 0 || xml < end) ? text.slice(xml) : end >= 0 ? text.slice(end + 5) : '';
  }
  return { events: parseEventLog(text).events, truncated: tail.truncated };
}

function jobOf(schedd: Schedd, jobId: string): StoredJob {
  const [cluster, proc] = jobId.split('.').map(Number);
  const job = schedd.store.getJob(cluster, proc);
  if (!job) throw Object.assign(new Error(`Job ${jobId} not found in the queue`), { statusCode: 404 });
  return job;
}

/** What the dashboard reads: queue pages, a job's events, timeline, SPOOL files and stdout, and the live stream. */
export async function dashboardDataRoutes(
  app: FastifyInstance,
  opts: { schedd: Schedd; dashboard: DashboardPublisher; relay: SshRelay; sessions: SessionStore },
): Promise<void> {
  // The dashboard shows every job's files and events: it is the pool owner's (dashboard session or pool token).
  app.addHook('preHandler', async (request) => requirePoolToken(callerOf(request), 'the dashboard'));
  const { schedd, dashboard, relay, sessions } = opts;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/v1/queue', { schema: { querystring: QueuePageQuery, response: { 200: QueuePageReply, 400: ErrorReply } } }, async (request) => {
    const { offset = 0, limit = 100, status, owner } = request.query;
    const page = schedd.store.page({ offset, limit, status, owner });
    const rows = page.jobs.map((job) => dashboard.rowOf(formatJobId(job.cluster, job.proc), job.cluster, job.proc, job.ad));
    if (offset > 0) return { total: page.total, offset, rows };
    const counts: Record<string, number> = {};
    for (const { status: s, count } of schedd.store.statusCounts(owner)) counts[s] = count;
    return { total: page.total, offset, rows, owners: schedd.store.owners(), counts };
  });

  api.get(
    '/v1/slots',
    { schema: { response: { 200: SlotsReply } } },
    async () => ({ slots: schedd.registry.allSlots().map((slot) => slotRow(slot, slot.description.partitionable ? schedd.registry.childrenOf(slot) : [])) }),
  );

  api.get('/v1/jobs/:jobId/events', { schema: { params: JobIdParams, response: { 200: JobEventsReply, 404: ErrorReply } } }, async (request) => {
    const job = jobOf(schedd, request.params.jobId);
    const timeline = jobTimeline(schedd.store.timeline(job.cluster, job.proc) ?? []);
    const logFile = job.ad.getString('UserLog');
    if (!logFile || !fs.existsSync(logFile)) return { events: [], timeline, logFile: logFile ?? null, truncated: false };
    let parsed: { events: ParsedEvent[]; truncated: boolean };
    try {
      parsed = eventsFromLogTail(logFile);
    } catch (err) {
      return { events: [], timeline, logFile, truncated: false, error: `cannot read ${logFile}: ${(err as Error).message}` };
    }
    const { truncated } = parsed;
    const events = parsed.events.filter((e) => e.cluster === job.cluster && e.proc === job.proc);
    return { events: events.map((e) => ({ code: e.code, time: Math.floor(e.time.getTime() / 1000), text: e.text })), timeline, logFile, truncated };
  });

  api.get('/v1/jobs/:jobId/spool', { schema: { params: JobIdParams, response: { 200: SpoolListReply, 404: ErrorReply } } }, async (request) => {
    const job = jobOf(schedd, request.params.jobId);
    const directory = schedd.spool.jobDir(job.cluster, job.proc);
    return { directory, ...listSpoolFiles(directory) };
  });

  api.get(
    '/v1/jobs/:jobId/spool/file',
    { schema: { params: JobIdParams, querystring: SpoolFileQuery, response: { 200: bytesReply('application/octet-stream'), 400: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const job = jobOf(schedd, request.params.jobId);
      const file = resolveSpoolFile(schedd.spool.jobDir(job.cluster, job.proc), request.query.path);
      const name = path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-content-type-options', 'nosniff')
        .send(fs.createReadStream(file));
    },
  );

  // stdout of a running job comes from its sandbox on the startd (through the condor_ssh_to_job channel);
  // otherwise from the copy its last checkpoint committed to SPOOL.
  api.get(
    '/v1/jobs/:jobId/stdout',
    { schema: { params: JobIdParams, querystring: StdoutQuery, response: { 200: StdoutReply, 404: ErrorReply } } },
    async (request) => {
      const job = jobOf(schedd, request.params.jobId);
      const bytes = request.query.bytes ?? 64 * 1024;
      if (job.status === JobStatus.Running && job.ad.has('JobCurrentStartExecutingDate')) {
        const text = await runInSandbox(relay, job, ['tail', '-c', String(bytes), STDOUT_NAME], callerOf(request)).catch((err: Error) => {
          request.log.debug({ err, jobId: request.params.jobId }, 'stdout from the sandbox failed; trying SPOOL');
          return undefined;
        });
        if (text !== undefined) return { source: 'sandbox' as const, text };
      }
      try {
        const file = resolveSpoolFile(schedd.spool.jobDir(job.cluster, job.proc), STDOUT_NAME);
        return { source: 'spool' as const, text: readTail(file, bytes).text };
      } catch {
        return { source: 'none' as const, text: '' };
      }
    },
  );

  api.get('/v1/events', { websocket: true, schema: { description: 'A websocket: the event stream (EventStreamMessage in protocol.ts), server to client only.', querystring: EventStreamQuery } }, (socket: WebSocket, request) => {
    const hello: EventStreamMessage = { type: 'hello', version: 1, jobs: schedd.store.countJobs() };
    socket.send(JSON.stringify(hello));
    const unsubscribe = dashboard.feed.subscribe(socket);
    // A stream opened with a session ends when that session is logged out.
    const session = request.headers.authorization ? undefined : request.cookies[SESSION_COOKIE];
    const forget = session ? sessions.onClose(session, () => socket.close(4001, 'logged out')) : () => undefined;
    socket.on('message', () => socket.close(1008, 'the event stream takes no messages'));
    const ended = () => {
      unsubscribe();
      forget();
    };
    socket.on('close', ended);
    socket.on('error', ended);
  });
}
