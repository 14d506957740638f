import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import t from 'tap';
import { ConnectionGuard, openFileLimit } from './connection-guard.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 1048576              files
`;

t.test('openFileLimit reads the soft limit', async (t) => {
  t.equal(openFileLimit(LIMITS), 1024);
  t.equal(openFileLimit(''), undefined);
  t.equal(openFileLimit(LIMITS.replace('1024 ', 'unlimited')), undefined);
});

t.test('the oldest unauthenticated connection is closed beyond the cap; authenticated ones are not counted', async (t) => {
  const server = http.createServer();
  const guard = new ConnectionGuard(server, 2, LIMITS);
  t.equal(server.maxConnections, 1024 - 256, 'connections capped below the open-file limit');
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const open = async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.resume();
    const closed = once(socket, 'close').then(() => true);
    const [[serverSide]] = (await Promise.all([once(server, 'connection'), once(socket, 'connect')])) as [[net.Socket], unknown];
    return { socket, serverSide, closed };
  };
  const trusted = await open();
  guard.authenticated(trusted.serverSide);
  const first = await open();
  const second = await open();
  const third = await open();
  t.equal(await first.closed, true, 'the oldest unauthenticated connection was closed');
  for (const { socket } of [trusted, second, third]) t.equal(socket.destroyed, false);
  for (const { socket } of [trusted, second, third]) socket.destroy();
});
