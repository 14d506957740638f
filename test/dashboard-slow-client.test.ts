// A client of /v1/events that stops reading is closed with 4000 ("resync") once its socket backs up,
// so the schedd's memory does not grow with it; a client that reads keeps its stream.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t from 'tap';
import WebSocket from 'ws';
import { startSchedd } from '@tinycondor/schedd';
import { eventually } from './helpers/pool.js';

t.test('a stalled event-stream client is told to resync', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-slow-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const running = await startSchedd({ home, port: 0, logger: pino({ level: 'silent' }) });
  t.teardown(() => running.close());
  const token = fs.readFileSync(running.tokenFile, 'utf8').trim();
  const open = async () => {
    const socket = new WebSocket(`${running.url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    t.teardown(() => socket.terminate());
    const frames: string[] = [];
    socket.on('message', (raw) => frames.push(raw.toString()));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    await eventually('hello', () => (frames.length > 0 ? true : undefined));
    return { socket, frames, closed };
  };
  const stalled = await open();
  const reading = await open();
  const feed = running.dashboard.feed;
  t.equal(feed.size, 2);

  // Stop reading: the kernel's buffers fill, then the server's queue for this socket.
  (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  const text = 'x'.repeat(64 * 1024);
  let published = 0;
  for (let burst = 0; burst < 100 && feed.size === 2; burst++) {
    for (let i = 0; i < 20; i++) feed.publish({ type: 'event', jobId: '1.0', code: 8, time: 0, text });
    published += 20;
    // Let the sockets write between bursts, as the schedd's event loop does.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.equal(feed.size, 1, `the stalled client was dropped after ${published} frames of 64 KiB`);
  (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  t.equal(await stalled.closed, 4000, 'closed with the resync code');
  t.ok(stalled.frames.length < published, 'it did not get everything');
  await eventually('the reading client got every frame', () => (reading.frames.length === published + 1 ? true : undefined));
  t.equal(reading.socket.readyState, WebSocket.OPEN, 'the reading client keeps its stream');
});
