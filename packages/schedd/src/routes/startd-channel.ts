import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { closeReason } from '@tinycondor/shared/close-reason';
import { decodeStartdMessage, ProtocolError, runReportsOf, type StartdMessage } from '@tinycondor/shared/protocol';
import { RecentClusters } from '@tinycondor/shared/recent-clusters';
import { callerOf, requirePoolToken } from '../caller.js';
import type { Schedd } from '../schedd.js';
import type { SshRelay } from '../ssh-relay.js';
import type { Slot, StartdConnection } from '../startd-registry.js';

const HELLO_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 5_000;

/** The websocket each startd keeps open: hello first, then run reports; the schedd sends starts and kills. */
export async function startdChannelRoutes(app: FastifyInstance, opts: { schedd: Schedd; relay: SshRelay }): Promise<void> {
  const { schedd, relay } = opts;

  // Only the pool's daemons (the pool token) may say hello as a startd.
  app.addHook('preHandler', async (request) => requirePoolToken(callerOf(request), 'a startd channel'));

  app.get('/v1/startd', { websocket: true, schema: { description: 'A websocket: the startd channel (StartdMessage, ScheddMessage in protocol.ts); the pool token only.' } }, (socket: WebSocket, request) => {
    const log = request.log;
    let connection: StartdConnection | undefined;
    let alive = true;
    let corked = false;
    const uncork = (): void => {
      corked = false;
      request.socket.uncork();
    };
    const helloTimer = setTimeout(() => socket.close(1008, 'no hello'), HELLO_TIMEOUT_MS);
    // A startd that stops answering pings is treated as gone; its jobs then run on their lease.
    const pinger = setInterval(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, PING_INTERVAL_MS);
    socket.on('pong', () => {
      alive = true;
    });

    const onHello = (hello: Extract<StartdMessage, { type: 'hello' }>): void => {
      clearTimeout(helloTimer);
      const admitted = schedd.admitStartd(hello.startdName, hello.key);
      if ('refused' in admitted) throw new ProtocolError(admitted.refused);
      const slots = new Map<string, Slot>(
        hello.slots.map((description) => [description.name, { description, startdName: hello.startdName, run: undefined, queued: undefined }]),
      );
      const host = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      const port = request.socket.remotePort ?? 0;
      connection = {
        identity: {
          startdName: hello.startdName,
          machine: hello.machine,
          opSys: hello.opSys,
          arch: hello.arch,
          ...(hello.docker ? { docker: hello.docker } : {}),
          ...(hello.fileTransferPluginMethods ? { fileTransferPluginMethods: hello.fileTransferPluginMethods } : {}),
          ...(hello.resources ? { resources: hello.resources } : {}),
          ...(hello.pslotRollup ? { pslotRollup: hello.pslotRollup } : {}),
        },
        sinfulAddress: `<${host}:${port}?addrs=${host}-${port}&alias=${hello.machine}>`,
        slots,
        killable: hello.killable ?? false,
        ...(hello.requestModifiers ? { requestModifiers: hello.requestModifiers } : {}),
        ...(hello.claimWorklife === undefined ? {} : { claimWorklife: hello.claimWorklife }),
        recentClusters: new RecentClusters<true>(),
        send: (message) => {
          // What one turn of the event loop sends (a batch's ack, then the start matchmaking sends after it)
          // leaves in one write: one syscall here, one wake-up for the startd.
          if (!corked) {
            corked = true;
            request.socket.cork();
            setImmediate(uncork);
          }
          socket.send(JSON.stringify(message));
        },
        close: (reason) => socket.close(4000, closeReason(reason)),
      };
      connection.send({ type: 'welcome', scheddName: schedd.settings.name, key: admitted.key });
      schedd.startdConnected(connection, hello.runs);
    };

    socket.on('message', (raw, isBinary) => {
      alive = true;
      try {
        if (isBinary) throw new ProtocolError('binary frames are not part of the protocol');
        const message = decodeStartdMessage(raw.toString());
        if (message.type === 'hello') {
          if (connection) throw new ProtocolError('hello sent twice');
          onHello(message);
        } else {
          if (!connection) throw new ProtocolError(`'${message.type}' before hello`);
          if (message.type === 'ssh-output' || message.type === 'ssh-exit') relay.fromStartd(connection.identity.startdName, message);
          else {
            const from = connection;
            const reports = runReportsOf(message);
            // A batch in one transaction with the starts on the slots it freed: a short run's start and end and
            // the next job's start cost one commit; the last seq acknowledges all.
            schedd.store.transaction(() => {
              reports.forEach((report) => schedd.startdMessage(from, report));
              schedd.matchmakeNow();
            });
            const last = reports[reports.length - 1].seq;
            schedd.reportOrder.handledThrough(from.identity.startdName, last);
            connection.send({ type: 'ack', seq: last });
          }
        }
      } catch (err) {
        log.warn({ err, startd: connection?.identity.startdName }, 'bad message from startd; closing its channel');
        socket.close(1008, closeReason((err as Error).message));
      }
    });

    socket.on('close', () => {
      clearTimeout(helloTimer);
      clearInterval(pinger);
      if (connection) {
        relay.startdGone(connection.identity.startdName);
        schedd.startdDisconnected(connection);
      }
    });
    socket.on('error', (err) => log.warn({ err }, 'startd channel error'));
  });
}
