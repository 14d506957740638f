import t from 'tap';
import { authorize, isPublicPath, type AuthRequest } from './auth.js';
import { SESSION_COOKIE, SessionStore } from './sessions.js';

const TOKEN = 'p'.repeat(64);

function request(over: Partial<AuthRequest> & { headers?: AuthRequest['headers'] }): AuthRequest {
  return { method: 'GET', url: '/v1/queue', cookies: {}, ...over, headers: { host: '127.0.0.1:9', ...over.headers } };
}

t.test('public paths', async (t) => {
  for (const url of ['/', '/?login=invalid', '/login?token=x', '/logout', '/dashboard/main.js']) t.ok(isPublicPath(url), url);
  for (const url of ['/v1/jobs', '/v1/events', '/login/../v1/jobs', '/dashboardx', '/v1/queue?x=/dashboard/']) t.notOk(isPublicPath(url), url);
});

t.test('bearer token, session cookie, or nothing', async (t) => {
  const sessions = new SessionStore();
  const id = sessions.openSession();
  t.equal(authorize(request({ headers: { authorization: `Bearer ${TOKEN}` } }), TOKEN, sessions), 'bearer');
  t.equal(authorize(request({ headers: { authorization: `Bearer ${TOKEN}x` } }), TOKEN, sessions), 'unauthorized');
  t.equal(authorize(request({}), TOKEN, sessions), 'unauthorized');
  t.equal(authorize(request({ url: '/' }), TOKEN, sessions), 'public');
  t.equal(authorize(request({ cookies: { [SESSION_COOKIE]: id } }), TOKEN, sessions), 'session');
  t.equal(authorize(request({ cookies: { [SESSION_COOKIE]: 'nope' } }), TOKEN, sessions), 'unauthorized');
  t.equal(authorize(request({ headers: { authorization: `Bearer ${id}` } }), TOKEN, sessions), 'unauthorized', 'a session id is not a bearer token');
});

t.test('a session may act only from the page\'s own origin', async (t) => {
  const sessions = new SessionStore();
  const cookies = { [SESSION_COOKIE]: sessions.openSession() };
  t.equal(authorize(request({ method: 'POST', cookies, headers: { origin: 'http://127.0.0.1:9' } }), TOKEN, sessions), 'session');
  t.equal(authorize(request({ method: 'POST', cookies, headers: { origin: 'http://evil.example' } }), TOKEN, sessions), 'cross-origin');
  t.equal(authorize(request({ method: 'POST', cookies }), TOKEN, sessions), 'cross-origin', 'a POST without Origin');
  t.equal(authorize(request({ url: '/v1/events', cookies, headers: { origin: 'http://evil.example' } }), TOKEN, sessions), 'cross-origin', 'websocket from elsewhere');
  t.equal(authorize(request({ cookies }), TOKEN, sessions), 'session', 'a GET (a download link) needs no Origin');
});
