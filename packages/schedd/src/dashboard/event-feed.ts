import type { WebSocket } from 'ws';
import type { EventStreamMessage } from '@tinycondor/shared/protocol';

/** A subscriber may fall this far behind (bytes queued in its socket) before it is told to resync. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Close code telling an event-stream client it fell behind and must re-read what it shows. */
export const RESYNC_CLOSE_CODE = 4000;

export type Subscriber = Pick<WebSocket, 'send' | 'close' | 'bufferedAmount' | 'readyState' | 'OPEN'>;

/**
 * Fans committed changes out to the websocket subscribers of /v1/events. Publishers ask `active` first,
 * so nothing is built or serialised when nobody listens; a subscriber whose socket backs up beyond
 * MAX_BUFFERED_BYTES is closed with RESYNC_CLOSE_CODE instead of buffering without bound.
 */
export class EventFeed {
  private readonly subscribers = new Set<Subscriber>();

  get active(): boolean {
    return this.subscribers.size > 0;
  }

  get size(): number {
    return this.subscribers.size;
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  publish(message: EventStreamMessage): void {
    if (this.subscribers.size === 0) return;
    const frame = JSON.stringify(message);
    for (const subscriber of this.subscribers) {
      if (subscriber.readyState !== subscriber.OPEN) continue;
      if (subscriber.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.subscribers.delete(subscriber);
        subscriber.close(RESYNC_CLOSE_CODE, 'resync: too far behind');
        continue;
      }
      subscriber.send(frame);
    }
  }

  closeAll(reason: string): void {
    for (const subscriber of this.subscribers) subscriber.close(1001, reason);
    this.subscribers.clear();
  }
}
