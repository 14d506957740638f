import t from 'tap';
import { EventFeed, MAX_BUFFERED_BYTES, RESYNC_CLOSE_CODE, type Subscriber } from './event-feed.js';

function subscriber(): Subscriber & { frames: string[]; closed?: [number, string] } {
  const s = {
    frames: [] as string[],
    closed: undefined as [number, string] | undefined,
    bufferedAmount: 0,
    readyState: 1,
    OPEN: 1,
    send(frame: string) {
      s.frames.push(frame);
    },
    close(code: number, reason: string) {
      s.closed = [code, reason];
      s.readyState = 3;
    },
  };
  return s as unknown as Subscriber & { frames: string[]; closed?: [number, string] };
}

t.test('publishes one frame per message to every subscriber', async (t) => {
  const feed = new EventFeed();
  t.notOk(feed.active, 'nobody listens');
  const a = subscriber();
  const b = subscriber();
  const unsubscribeA = feed.subscribe(a);
  feed.subscribe(b);
  feed.publish({ type: 'submitted', clusterId: 3, procs: 2 });
  t.same(a.frames, ['{"type":"submitted","clusterId":3,"procs":2}']);
  t.same(b.frames, a.frames);
  unsubscribeA();
  feed.publish({ type: 'submitted', clusterId: 4, procs: 1 });
  t.equal(a.frames.length, 1, 'unsubscribed');
  t.equal(b.frames.length, 2);
});

t.test('a subscriber that falls behind is told to resync and dropped', async (t) => {
  const feed = new EventFeed();
  const slow = subscriber();
  const fast = subscriber();
  feed.subscribe(slow);
  feed.subscribe(fast);
  (slow as { bufferedAmount: number }).bufferedAmount = MAX_BUFFERED_BYTES + 1;
  feed.publish({ type: 'submitted', clusterId: 1, procs: 1 });
  t.same(slow.closed, [RESYNC_CLOSE_CODE, 'resync: too far behind']);
  t.equal(slow.frames.length, 0);
  t.equal(fast.frames.length, 1);
  t.equal(feed.size, 1, 'the slow one is gone');
});
