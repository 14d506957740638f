import { decodeStartdMessage, ProtocolError } from '@tinycondor/shared/protocol';
const HELLO_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 5_000;
/** The websocket each startd keeps open: hello first, then run reports; the schedd sends starts and kills. */
export async function startdChannelRoutes(app, opts) {
    const { schedd } = opts;
    app.get('/v1/startd', { websocket: true }, (socket, request) => {
        const log = request.log;
        let connection;
        let alive = true;
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
        const onHello = (hello) => {
            clearTimeout(helloTimer);
            const slots = new Map(hello.slots.map((description) => [description.name, { description, startdName: hello.startdName, run: undefined }]));
            connection = {
                identity: { startdName: hello.startdName, machine: hello.machine, opSys: hello.opSys, arch: hello.arch },
                slots,
                send: (message) => socket.send(JSON.stringify(message)),
                close: (reason) => socket.close(4000, reason.slice(0, 120)),
            };
            connection.send({ type: 'welcome', scheddName: schedd.settings.name });
            schedd.startdConnected(connection, hello.runs);
        };
        socket.on('message', (raw, isBinary) => {
            alive = true;
            try {
                if (isBinary)
                    throw new ProtocolError('binary frames are not part of the protocol');
                const message = decodeStartdMessage(raw.toString());
                if (message.type === 'hello') {
                    if (connection)
                        throw new ProtocolError('hello sent twice');
                    onHello(message);
                }
                else {
                    if (!connection)
                        throw new ProtocolError(`'${message.type}' before hello`);
                    schedd.startdMessage(connection, message);
                }
            }
            catch (err) {
                log.warn({ err, startd: connection?.identity.startdName }, 'bad message from startd; closing its channel');
                socket.close(1008, err.message.slice(0, 120));
            }
        });
        socket.on('close', () => {
            clearTimeout(helloTimer);
            clearInterval(pinger);
            if (connection)
                schedd.startdDisconnected(connection);
        });
        socket.on('error', (err) => log.warn({ err }, 'startd channel error'));
    });
}
//# sourceMappingURL=startd-channel.js.map