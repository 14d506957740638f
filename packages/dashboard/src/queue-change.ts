/**
 * What the queue list does when the event stream says a job changed. Pure, so the races it guards against
 * are tested without a browser.
 *
 * - `update`: the row is on a loaded page and still passes the filter: redraw it in place.
 * - `refresh`: fetch the visible pages again (soon, once per burst).
 *
 * A change to a job on no loaded page refreshes too: the page it is on may be in flight (asked for before
 * the change, answered after the stream's message arrived: an HTTP reply and a websocket message on two
 * connections arrive in either order), and a job leaving the queue or the filter changes the total shown.
 */
export type QueueChangeAction = 'update' | 'refresh';

export function queueChangeAction(change: { onLoadedPage: boolean; left: boolean; passesFilter: boolean }): QueueChangeAction {
  return change.onLoadedPage && !change.left && change.passesFilter ? 'update' : 'refresh';
}
