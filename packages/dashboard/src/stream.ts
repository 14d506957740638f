import type { EventStreamMessage } from '@tinycondor/shared/protocol';

/**
 * The live event stream. When it closes (the schedd went away, or it told us we fell behind), it
 * reconnects and calls `onResync`, since messages may have been missed meanwhile.
 */
export function connectStream(handlers: { onMessage(message: EventStreamMessage): void; onResync(): void; onState(live: boolean): void }): void {
  let delay = 500;
  let connectedBefore = false;
  const open = () => {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/events`);
    socket.onopen = () => {
      delay = 500;
      handlers.onState(true);
      if (connectedBefore) handlers.onResync();
      connectedBefore = true;
    };
    socket.onmessage = (event) => {
      let message: EventStreamMessage;
      try {
        message = JSON.parse(String(event.data)) as EventStreamMessage;
      } catch {
        return;
      }
      handlers.onMessage(message);
    };
    socket.onclose = () => {
      handlers.onState(false);
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
}
