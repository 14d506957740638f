// The dashboard's server side against a real pool: the /v1/events stream (every message valid by its
// schema), server-side paging and filters, login and session cookies, refused SPOOL paths.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { decodeEventStreamMessage, type EventStreamMessage } from '@tinycondor/shared/protocol';
import { writeDashboardJobs } from './helpers/dashboard-jobs.js';
import { eventually, startPool, type TestPool } from './helpers/pool.js';

interface Stream {
  messages: EventStreamMessage[];
  closed: Promise<{ code: number; reason: string }>;
  socket: WebSocket;
}

function openStream(t: Test, pool: TestPool, headers: Record<string, string>): Promise<Stream> {
  const socket = new WebSocket(`${pool.url.replace(/^http/, 'ws')}/v1/events`, { headers });
  t.teardown(() => socket.terminate());
  const messages: EventStreamMessage[] = [];
  socket.on('message', (raw) => messages.push(decodeEventStreamMessage(raw.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ messages, closed, socket }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

/** The dashboard page's policy: it may load and connect to its own origin only. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** A CSP's directives, in order of name (the header's spacing aside). */
const directives = (policy: string | null) => (policy ?? '').split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();

/** The status and headers of a GET with just these headers (fetch adds Cache-Control: no-cache to a conditional one). */
function revalidate(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      })
      .on('error', reject);
  });
}

const bearer = (pool: TestPool) => ({ authorization: `Bearer ${pool.token}` });

async function get(pool: TestPool, url: string, headers: Record<string, string> = bearer(pool)): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${pool.url}${url}`, { headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

t.test('dashboard API', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 1 });
  const jobs = writeDashboardJobs(pool.dir);
  t.teardown(() => fs.writeFileSync(jobs.stopFile, ''));

  await t.rejects(openStream(t, pool, {}), /HTTP 401/, 'the stream needs credentials');
  const stream = await openStream(t, pool, bearer(pool));
  await eventually('hello', () => stream.messages.find((m) => m.type === 'hello'));

  t.equal((await pool.run('condor_submit', [jobs.sleeperSubmit(1)])).code, 0);
  const running = await eventually('job 1.0 running', () =>
    stream.messages.find((m) => m.type === 'job' && m.jobId === '1.0' && m.status === 2 && m.changed.JobStatus === '2'),
  );
  t.match(running, { change: 'updated', row: { owner: os.userInfo().username, status: 2 } });
  t.ok(stream.messages.some((m) => m.type === 'submitted' && m.clusterId === 1 && m.procs === 1), 'submission');
  t.ok(stream.messages.some((m) => m.type === 'event' && m.jobId === '1.0' && m.code === 0 && m.text.startsWith('000 (001.000.000)')), 'submit event');
  await eventually('event 001', () => stream.messages.find((m) => m.type === 'event' && m.jobId === '1.0' && m.code === 1));
  t.ok(stream.messages.some((m) => m.type === 'slot' && m.slot.jobId === '1.0'), 'the slot was claimed');

  const hold = await fetch(`${pool.url}/v1/jobs/1.0/hold`, { method: 'POST', headers: { ...bearer(pool), 'content-type': 'application/json' }, body: '{}' });
  t.equal(hold.status, 200);
  await eventually('held', () => stream.messages.find((m) => m.type === 'job' && m.jobId === '1.0' && m.changed.JobStatus === '5'));
  await eventually('event 012', () => stream.messages.find((m) => m.type === 'event' && m.jobId === '1.0' && m.code === 12));
  // The job ran on a dynamic slot of the startd's partitionable slot: given back, it leaves the startd's slot list.
  await eventually('slot given back', () => stream.messages.find((m) => m.type === 'startd' && m.slots.every((slot) => slot.jobId === null) && m.slots.some((slot) => slot.slotType === 'Partitionable')));

  // Paging and filters over 26 held jobs.
  fs.writeFileSync(path.join(pool.dir, 'held.sub'), `executable = sleeper.sh\narguments = ${jobs.stopFile}\nhold = true\nqueue 25\n`);
  t.equal((await pool.run('condor_submit', ['held.sub'])).code, 0);
  const page = await get(pool, '/v1/queue?offset=10&limit=5&status=5');
  t.equal(page.status, 200);
  t.equal(page.body.total, 26);
  t.same((page.body.rows as { jobId: string }[]).map((r) => r.jobId), ['2.9', '2.10', '2.11', '2.12', '2.13']);
  t.notOk('counts' in page.body || 'owners' in page.body, 'owners and counts come with the first page');
  const first = await get(pool, '/v1/queue?limit=1&status=5');
  t.same(first.body.counts, { 5: 26 }, 'counts by status (of the owner filter, not the status filter)');
  t.same(first.body.owners, [os.userInfo().username]);
  t.same((await get(pool, '/v1/queue?limit=1&owner=nobody-here')).body.counts, {});
  t.equal((await get(pool, '/v1/queue?owner=nobody-here')).body.total, 0);
  t.equal((await get(pool, '/v1/queue?offset=100&limit=5')).body.total, 26, 'past the end: an empty page, the total');
  for (const bad of ['limit=0', 'limit=1001', 'status=9', 'offset=-1', 'color=red']) t.equal((await get(pool, `/v1/queue?${bad}`)).status, 400, bad);

  // The page and its files: revalidated on every load (a 304 while unchanged), the page's headers on them only.
  const html = await fetch(`${pool.url}/`);
  t.equal(html.status, 200);
  t.match(html.headers.get('content-type'), /^text\/html/);
  t.equal(html.headers.get('cache-control'), 'no-cache');
  t.same(directives(html.headers.get('content-security-policy')), directives(CONTENT_SECURITY_POLICY), 'the CSP');
  t.equal(html.headers.get('x-frame-options'), 'DENY');
  t.equal(html.headers.get('x-content-type-options'), 'nosniff');
  t.equal(html.headers.get('strict-transport-security'), null, 'plain HTTP: no HSTS');
  const etag = html.headers.get('etag') ?? '';
  t.ok(etag, 'an ETag');
  const unchanged = await revalidate(`${pool.url}/`, { 'if-none-match': etag });
  t.equal(unchanged.status, 304, 'If-None-Match: 304');
  t.equal(unchanged.headers['cache-control'], 'no-cache');
  t.equal((await revalidate(`${pool.url}/`, { 'if-none-match': '"other"' })).status, 200, 'another ETag: the page');
  for (const [file, type] of [['main.js', /^text\/javascript|^application\/javascript/], ['style.css', /^text\/css/]] as const) {
    const asset = await fetch(`${pool.url}/dashboard/${file}`);
    t.equal(asset.status, 200, file);
    t.match(asset.headers.get('content-type'), type, file);
    t.equal(asset.headers.get('cache-control'), 'no-cache', file);
    t.equal((await revalidate(`${pool.url}/dashboard/${file}`, { 'if-none-match': asset.headers.get('etag') ?? '' })).status, 304, `${file}: 304`);
  }
  for (const file of ['main.d.ts', 'nope.js', '..%2Fpackage.json', '%2E%2E%2Fpackage.json', 'tsconfig.tsbuildinfo']) {
    const { status } = await fetch(`${pool.url}/dashboard/${file}`);
    t.ok(status >= 400 && status < 500, `not served: ${file} (${status})`);
  }
  const rest = await fetch(`${pool.url}/v1/queue?limit=1`, { headers: bearer(pool) });
  for (const header of ['content-security-policy', 'x-frame-options', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'referrer-policy', 'origin-agent-cluster']) {
    t.equal(rest.headers.get(header), null, `the REST API has no ${header}`);
  }

  // Job details.
  const events = await get(pool, '/v1/jobs/1.0/events');
  t.same((events.body.events as { code: number }[]).map((e) => e.code), [0, 40, 40, 1, 12], 'submitted, input transfer, executing, held');
  t.match(events.body.timeline, { runs: [{ outcome: 'held' }] });
  t.equal((await get(pool, '/v1/jobs/9.0/events')).status, 404);
  t.same((await get(pool, '/v1/jobs/1.0/spool')).body.entries, []);
  t.same((await get(pool, '/v1/jobs/1.0/stdout')).body, { source: 'none', text: '' }, 'held, no checkpoint: no stdout to show');
  for (const bad of ['../../job_queue.sqlite', '%2Fetc%2Fpasswd', 'a/..%2F..%2Fx', '.']) {
    t.equal((await get(pool, `/v1/jobs/1.0/spool/file?path=${bad}`)).status, 400, `refused: ${bad}`);
  }

  // A log that is no event log is reported, not a failure.
  fs.writeFileSync(path.join(pool.dir, 'not-a-log.txt'), 'just some text\n');
  fs.writeFileSync(path.join(pool.dir, 'odd.sub'), `executable = sleeper.sh\narguments = ${jobs.stopFile}\nhold = true\nlog = not-a-log.txt\nqueue\n`);
  t.equal((await pool.run('condor_submit', ['odd.sub'])).code, 0);
  const odd = await get(pool, '/v1/jobs/3.0/events');
  t.equal(odd.status, 200);
  t.match(odd.body, { events: [], error: /not-a-log\.txt: event log line 1/ });

  // Hostile queries and paths: always a 2xx/3xx or a 4xx with {error}, and no file outside SPOOL.
  const fragments = ['..', '/', '%2F', '%2e%2e', '%00', '\\', '~', 'etc', 'passwd', '-1', '1e9', '0x10', '&', '=', '%', '\u00e9', 'null', '[]', '{}', '__proto__', ' '];
  let seed = 7;
  const pick = <T>(items: readonly T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return items[seed % items.length];
  };
  const junk = () => Array.from({ length: 1 + (seed % 6) }, () => pick(fragments)).join('');
  const refusals: string[] = [];
  for (let n = 0; n < 150; n++) {
    const url = pick([
      () => `/v1/queue?${pick(['offset', 'limit', 'status', 'owner', 'x'])}=${encodeURIComponent(junk())}`,
      () => `/v1/jobs/${pick(['1.0', '0.0', '1', '1.0.0', encodeURIComponent(junk())])}/events`,
      () => `/v1/jobs/1.0/spool/file?path=${pick([encodeURIComponent(junk()), junk()])}`,
      () => `/v1/jobs/1.0/stdout?bytes=${encodeURIComponent(junk())}`,
      () => `/login?token=${encodeURIComponent(junk())}`,
      () => `/dashboard/${encodeURIComponent(junk())}`,
    ])();
    const response = await fetch(`${pool.url}${url}`, { headers: bearer(pool), redirect: 'manual' });
    const text = await response.text();
    const hasError = () => {
      try {
        return typeof (JSON.parse(text) as { error?: unknown }).error === 'string';
      } catch {
        return false;
      }
    };
    const ok = response.status < 400 ? response.status !== 200 || !url.includes('/spool/file') : response.status < 500 && hasError();
    if (!ok) refusals.push(`${url} -> ${response.status} ${text.slice(0, 200)}`);
  }
  t.same(refusals, [], 'hostile queries get a clear 4xx');

  // Login: a bad link, then the pool token pasted into the form; the cookie then opens data and the stream.
  t.equal((await get(pool, '/v1/queue', {})).status, 401);
  const badLink = await fetch(`${pool.url}/login?token=nope`, { redirect: 'manual' });
  t.equal(badLink.headers.get('location'), '/?login=invalid');
  t.equal((await fetch(`${pool.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"wrong"}' })).status, 401);
  const login = await fetch(`${pool.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: pool.token }) });
  t.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const attributes = (login.headers.get('set-cookie') ?? '').split(/;\s*/).slice(1);
  t.same(attributes.filter((a) => !a.startsWith('Max-Age=')).sort(), ['HttpOnly', 'Path=/', 'SameSite=Strict'], 'HttpOnly; SameSite=Strict; Path=/');
  t.equal((await get(pool, '/v1/queue?limit=1', { cookie })).status, 200, 'the session reads data');
  const origin = pool.url;
  const release = (headers: Record<string, string>) =>
    fetch(`${pool.url}/v1/jobs/1.0/release`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{}' });
  t.equal((await release({})).status, 403, 'no Origin: refused');
  t.equal((await release({ origin: 'http://elsewhere.example' })).status, 403, 'another origin: refused');
  t.equal((await release({ origin })).status, 200, 'from the page: done');
  const cookieStream = await openStream(t, pool, { cookie, origin });
  await eventually('hello on the cookie stream', () => cookieStream.messages.find((m) => m.type === 'hello'));
  await t.rejects(openStream(t, pool, { cookie, origin: 'http://elsewhere.example' }), /HTTP 403/);

  // The stream takes no messages.
  stream.socket.send('{"type":"subscribe"}');
  t.same(await stream.closed, { code: 1008, reason: 'the event stream takes no messages' });

  const logout = await fetch(`${pool.url}/logout`, { method: 'POST', headers: { cookie } });
  t.match(logout.headers.get('set-cookie'), /Max-Age=0/);
  t.same(await cookieStream.closed, { code: 4001, reason: 'logged out' }, 'the session\'s stream ends with it');
  t.equal((await get(pool, '/v1/queue', { cookie })).status, 401, 'logged out');
});
