import crypto from 'node:crypto';
import type { FastifyReply } from 'fastify';

export const SESSION_COOKIE = 'tinycondor_session';
/** A dashboard session lasts this long after its last use. */
export const SESSION_IDLE_SECONDS = 7 * 24 * 3600;
const MAX_SESSIONS = 1000;
const MAX_LOGIN_TOKENS = 100;

function digest(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

function randomSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Dashboard logins: one-time login tokens (printed by `tinycondor pool`, as Jupyter does) are exchanged
 * for a session id held in an HttpOnly cookie. Secrets are kept only as SHA-256 digests, so a lookup
 * compares digests, and neither the map nor its timing tells anything about a valid secret.
 */
export class SessionStore {
  private readonly loginTokens = new Set<string>();
  /** Session digest → expiry (ms since epoch). */
  private readonly sessions = new Map<string, number>();
  /** Session digest → what to end when the session is closed (its open event streams). */
  private readonly enders = new Map<string, Set<() => void>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new one-time login token; the oldest is forgotten when too many are outstanding. */
  mintLoginToken(): string {
    const token = randomSecret();
    if (this.loginTokens.size >= MAX_LOGIN_TOKENS) this.loginTokens.delete(this.loginTokens.values().next().value as string);
    this.loginTokens.add(digest(token));
    return token;
  }

  /** Consumes a one-time login token: true the first time only. */
  consumeLoginToken(token: string): boolean {
    return this.loginTokens.delete(digest(token));
  }

  /** Starts a session; returns the id to put in the cookie. */
  openSession(): string {
    this.dropExpired();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    const id = randomSecret();
    this.sessions.set(digest(id), this.now() + SESSION_IDLE_SECONDS * 1000);
    return id;
  }

  /** True for a live session; each use extends it. */
  validSession(id: string | undefined): boolean {
    if (id === undefined || id === '') return false;
    const key = digest(id);
    const expiry = this.sessions.get(key);
    if (expiry === undefined) return false;
    if (expiry <= this.now()) {
      this.sessions.delete(key);
      return false;
    }
    this.sessions.set(key, this.now() + SESSION_IDLE_SECONDS * 1000);
    return true;
  }

  /** Calls `end` when the session is closed (logout); returns a function that forgets it. */
  onClose(id: string, end: () => void): () => void {
    const key = digest(id);
    const set = this.enders.get(key) ?? new Set();
    set.add(end);
    this.enders.set(key, set);
    return () => {
      set.delete(end);
      if (set.size === 0 && this.enders.get(key) === set) this.enders.delete(key);
    };
  }

  closeSession(id: string | undefined): void {
    if (!id) return;
    const key = digest(id);
    this.sessions.delete(key);
    const enders = this.enders.get(key);
    this.enders.delete(key);
    for (const end of enders ?? []) end();
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, expiry] of this.sessions) if (expiry <= now) this.sessions.delete(key);
  }
}

/** The session cookie's attributes: out of the page's scripts' reach, never sent by another site, for every path. */
const SESSION_COOKIE_OPTIONS = { httpOnly: true, sameSite: 'strict', path: '/' } as const;

/** Sets the session cookie (lasting as long as an idle session). */
export function setSessionCookie(reply: FastifyReply, id: string): FastifyReply {
  return reply.setCookie(SESSION_COOKIE, id, { ...SESSION_COOKIE_OPTIONS, maxAge: SESSION_IDLE_SECONDS });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(reply: FastifyReply): FastifyReply {
  return reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
}
