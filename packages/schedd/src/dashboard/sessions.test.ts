import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { clearSessionCookie, SESSION_COOKIE, SESSION_IDLE_SECONDS, SessionStore, setSessionCookie } from './sessions.js';

t.test('a login token works once and opens a session', async (t) => {
  const store = new SessionStore();
  const token = store.mintLoginToken();
  t.match(token, /^[A-Za-z0-9_-]{43}$/);
  t.notOk(store.consumeLoginToken('not-it'));
  t.ok(store.consumeLoginToken(token));
  t.notOk(store.consumeLoginToken(token), 'second use refused');
  const id = store.openSession();
  t.ok(store.validSession(id));
  t.notOk(store.validSession(id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A')), 'a different id is no session');
  t.notOk(store.validSession(undefined));
  t.notOk(store.validSession(''));
  store.closeSession(id);
  t.notOk(store.validSession(id), 'closed');
});

t.test('closing a session ends what it opened', async (t) => {
  const store = new SessionStore();
  const id = store.openSession();
  const other = store.openSession();
  const ended: string[] = [];
  store.onClose(id, () => ended.push('stream 1'));
  const forget = store.onClose(id, () => ended.push('stream 2'));
  store.onClose(other, () => ended.push('other'));
  forget();
  store.closeSession(id);
  t.same(ended, ['stream 1']);
  store.closeSession(id);
  t.same(ended, ['stream 1'], 'once');
});

t.test('sessions expire when idle, and each use extends them', async (t) => {
  let now = 1_000_000;
  const store = new SessionStore(() => now);
  const id = store.openSession();
  now += (SESSION_IDLE_SECONDS - 1) * 1000;
  t.ok(store.validSession(id), 'used just before expiry');
  now += (SESSION_IDLE_SECONDS - 1) * 1000;
  t.ok(store.validSession(id), 'the use extended it');
  now += SESSION_IDLE_SECONDS * 1000;
  t.notOk(store.validSession(id), 'expired');
});

t.test('outstanding login tokens are bounded', async (t) => {
  const store = new SessionStore();
  const first = store.mintLoginToken();
  for (let i = 0; i < 100; i++) store.mintLoginToken();
  t.notOk(store.consumeLoginToken(first), 'the oldest was forgotten');
});

/** A fastify app with the cookie plugin, reading, setting and clearing the session cookie as the schedd does. */
async function cookieApp(t: Test): Promise<FastifyInstance> {
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(cookie);
  app.get('/read', async (request) => ({ session: request.cookies[SESSION_COOKIE] ?? null }));
  app.get('/open', async (_request, reply) => setSessionCookie(reply, 'id1').send());
  app.get('/close', async (_request, reply) => clearSessionCookie(reply).send());
  return app;
}

t.test('cookie header parsing', async (t) => {
  const app = await cookieApp(t);
  const read = async (cookie?: string) => (await app.inject({ url: '/read', headers: cookie === undefined ? {} : { cookie } })).json<{ session: string | null }>().session;
  t.equal(await read(`a=1; ${SESSION_COOKIE}=abc; b=2`), 'abc');
  t.equal(await read(`x${SESSION_COOKIE}=no; ${SESSION_COOKIE}=yes; ${SESSION_COOKIE}=later`), 'yes', 'exact name, first wins');
  t.equal(await read('garbage;;=;'), null);
  t.equal(await read(undefined), null);
});

t.test('the session cookie is HttpOnly, SameSite=Strict, Path=/', async (t) => {
  const app = await cookieApp(t);
  t.equal((await app.inject('/open')).headers['set-cookie'], `${SESSION_COOKIE}=id1; Max-Age=${SESSION_IDLE_SECONDS}; Path=/; HttpOnly; SameSite=Strict`);
  t.equal(
    (await app.inject('/close')).headers['set-cookie'],
    `${SESSION_COOKIE}=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict`,
  );
});
