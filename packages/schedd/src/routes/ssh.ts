import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { decodeSshClientMessage, type SshServerMessage } from '@tinycondor/shared/protocol';
import { SshRefused, type SshRelay } from '../ssh-relay.js';
import { callerOf } from '../caller.js';
import { JobIdParams } from '@tinycondor/shared/rest-schemas';

/** The client end of condor_ssh_to_job: `open` with the command, then `input` frames; output and exit come back. */
export async function sshRoutes(app: FastifyInstance, opts: { relay: SshRelay }): Promise<void> {
  const { relay } = opts;
  app.withTypeProvider<TypeBoxTypeProvider>().get('/v1/jobs/:jobId/ssh', {
      websocket: true,
      schema: { description: 'A websocket: condor_ssh_to_job (`open` with the command, then `input` frames; SshClientMessage, SshServerMessage).', params: JobIdParams },
    }, (socket: WebSocket, request) => {
    const [cluster, proc] = request.params.jobId.split('.').map(Number);
    let sessionId: string | undefined;
    const send = (message: SshServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    socket.on('message', (raw) => {
      try {
        const message = decodeSshClientMessage(raw.toString());
        if (message.type === 'open') {
          if (sessionId) throw new Error('session already open');
          sessionId = relay.open(cluster, proc, message.command, { send, close: () => socket.close(1000, 'done') }, callerOf(request));
        } else if (sessionId) {
          relay.input(sessionId, message.data, message.eof);
        } else {
          throw new Error("'input' before 'open'");
        }
      } catch (err) {
        send({ type: 'exit', exitCode: null, error: (err as Error).message });
        socket.close(err instanceof SshRefused ? 1000 : 1008, 'refused');
      }
    });
    socket.on('close', () => {
      if (sessionId) relay.clientClosed(sessionId);
    });
  });
}
