import type { EventStreamMessage, SlotRow } from '@tinycondor/shared/protocol';
import * as api from './api.js';
import { byId, element } from './dom.js';
import { statusName } from './format.js';
import { JobView } from './job-view.js';
import { QueueView } from './queue-view.js';
import { renderSlots } from './slots-view.js';
import { connectStream } from './stream.js';

/** Shows the login form; `message` (when given) says why. */
function showLogin(message?: string): void {
  byId('app').hidden = true;
  byId('logout').hidden = true;
  byId('login').hidden = false;
  if (message !== undefined) byId('login-error').textContent = message;
}

function confirmDialog(text: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-text').textContent = text;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

function start(): void {
  let loggedIn = false;
  const onError = (err: unknown) => {
    if (err instanceof api.Unauthorized) showLogin(loggedIn ? 'Your session has ended: log in again.' : undefined);
    else byId('notice').textContent = (err as Error).message;
  };
  const jobView = new JobView(confirmDialog, onError);
  const ownerSelect = byId<HTMLSelectElement>('filter-owner');
  const statusSelect = byId<HTMLSelectElement>('filter-status');
  let slots = new Map<string, SlotRow>();

  const showPage = (page: api.QueuePage) => {
    if (!loggedIn) {
      loggedIn = true;
      byId('login').hidden = true;
      byId('app').hidden = false;
      byId('logout').hidden = false;
      startStream();
    }
    byId('queue-count').textContent = `${page.total} job(s)`;
    if (!page.counts || !page.owners) return;
    byId('totals').textContent = Object.entries(page.counts)
      .map(([status, count]) => `${count} ${statusName(Number(status)).toLowerCase()}`)
      .join(', ');
    const current = ownerSelect.value;
    const owners = ['', ...page.owners];
    if (owners.join('\n') !== [...ownerSelect.options].map((o) => o.value).join('\n')) {
      ownerSelect.replaceChildren(...owners.map((owner) => Object.assign(element('option', undefined, owner || 'all'), { value: owner })));
      ownerSelect.value = owners.includes(current) ? current : '';
    }
  };
  const select = (jobId: string) => {
    queue.selected = jobId;
    queue.queueRender();
    jobView.open(jobId);
  };
  const queue = new QueueView(byId('queue-viewport'), byId('queue-spacer'), showPage, select, onError);
  const filterChanged = () => queue.setFilter({ status: statusSelect.value, owner: ownerSelect.value });
  statusSelect.addEventListener('change', filterChanged);
  ownerSelect.addEventListener('change', filterChanged);

  const drawSlots = () => renderSlots(byId('slots'), [...slots.values()], select);
  const loadSlots = async () => {
    try {
      slots = new Map((await api.slots()).slots.map((s) => [`${s.slot}@${s.startd}`, s]));
      drawSlots();
    } catch (err) {
      onError(err);
    }
  };

  const onMessage = (message: EventStreamMessage) => {
    switch (message.type) {
      case 'job':
        queue.jobChanged(message.row, message.change === 'left');
        jobView.changed(message.jobId);
        return;
      case 'submitted':
        queue.refreshSoon();
        return;
      case 'event':
        jobView.changed(message.jobId);
        return;
      case 'slot':
        slots.set(`${message.slot.slot}@${message.slot.startd}`, message.slot);
        drawSlots();
        return;
      case 'startd':
        for (const [key, slot] of slots) if (slot.startd === message.startd) slots.delete(key);
        if (message.connected) for (const slot of message.slots) slots.set(`${slot.slot}@${slot.startd}`, slot);
        drawSlots();
        return;
      case 'hello':
        return;
    }
  };
  const startStream = () => {
    void loadSlots();
    connectStream({
      onMessage,
      onResync: () => {
        queue.reload();
        void loadSlots();
        if (jobView.jobId) jobView.changed(jobView.jobId);
      },
      onState: (live) => {
        // A stream that cannot connect may mean the session ended: the next read tells (and shows the login).
        if (!live) queue.refreshSoon();
        else byId('notice').textContent = '';
        const badge = byId('live');
        badge.textContent = live ? 'live' : 'offline';
        badge.classList.toggle('on', live);
      },
    });
  };

  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
    tab.addEventListener('click', () => {
      for (const other of document.querySelectorAll<HTMLButtonElement>('.tabs button')) other.classList.toggle('active', other === tab);
      byId('queue-view').hidden = tab.dataset.tab !== 'queue';
      byId('slots-view').hidden = tab.dataset.tab !== 'slots';
    });
  }

  byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    api
      .login(byId<HTMLInputElement>('login-token').value.trim())
      .then(() => location.replace('/'))
      .catch(() => showLogin('That token is not valid (a login token works once).'));
  });
  byId('logout').addEventListener('click', () => void api.logout().then(() => location.replace('/')));

  if (new URLSearchParams(location.search).get('login') === 'invalid') showLogin('That login link is not valid any more (each works once): paste a token.');
  queue.reload();
}

start();
