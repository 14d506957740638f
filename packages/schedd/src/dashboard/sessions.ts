import crypto from 'node:crypto';

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

/** The value of one cookie in a Cookie header (RFC 6265 syntax; first occurrence wins). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** The Set-Cookie header value for a session (or, with id null, one that clears it). */
export function sessionCookie(id: string | null): string {
  const attributes = 'HttpOnly; SameSite=Strict; Path=/';
  return id === null ? `${SESSION_COOKIE}=; Max-Age=0; ${attributes}` : `${SESSION_COOKIE}=${id}; Max-Age=${SESSION_IDLE_SECONDS}; ${attributes}`;
}
