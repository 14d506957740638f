import t from 'tap';
import { queueChangeAction } from './queue-change.js';

t.test('what the list does with a changed job', async (t) => {
  const cases: Array<[string, { onLoadedPage: boolean; left: boolean; passesFilter: boolean }, string]> = [
    ['shown, still passes the filter: redrawn in place', { onLoadedPage: true, left: false, passesFilter: true }, 'update'],
    ['shown, now fails the filter: the list and its total change', { onLoadedPage: true, left: false, passesFilter: false }, 'refresh'],
    ['shown, left the queue', { onLoadedPage: true, left: true, passesFilter: true }, 'refresh'],
    ['on no loaded page, now passes the filter', { onLoadedPage: false, left: false, passesFilter: true }, 'refresh'],
    // The race the browser test met under load: the page holding the job was asked for before the job left
    // and answered after the stream said so; without a refresh the list keeps showing it forever.
    ['on no loaded page (maybe in flight), left the queue', { onLoadedPage: false, left: true, passesFilter: false }, 'refresh'],
    ['on no loaded page (maybe in flight), now fails the filter', { onLoadedPage: false, left: false, passesFilter: false }, 'refresh'],
  ];
  for (const [name, change, action] of cases) t.equal(queueChangeAction(change), action, name);
});
