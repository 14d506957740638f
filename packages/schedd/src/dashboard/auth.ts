import { tokenMatches } from '../token.js';
import { SESSION_COOKIE, type SessionStore } from './sessions.js';

/** Paths served without credentials: the page itself (it shows a login form), its assets and the login. */
export function isPublicPath(url: string): boolean {
  const pathname = url.split('?')[0];
  return pathname === '/' || pathname === '/login' || pathname === '/logout' || pathname.startsWith('/dashboard/');
}

export interface AuthRequest {
  method: string;
  url: string;
  headers: { authorization?: string; origin?: string; host?: string };
  /** The request's cookies, as @fastify/cookie parsed them. */
  cookies: Record<string, string | undefined>;
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

export type AuthVerdict = 'bearer' | 'session' | 'public' | 'unauthorized' | 'cross-origin';

/**
 * Who may call a route: the pool token as a bearer token (CLI, startds, scripts), or a dashboard session
 * cookie. A request carried by the cookie must come from the page's own origin whenever the browser says
 * where it comes from, so another site cannot act through the user's session (SameSite=Strict aside).
 */
export function authorize(request: AuthRequest, poolToken: string, sessions: SessionStore): AuthVerdict {
  if (tokenMatches(bearerToken(request.headers.authorization), poolToken)) return 'bearer';
  if (isPublicPath(request.url)) return 'public';
  if (!sessions.validSession(request.cookies[SESSION_COOKIE])) return 'unauthorized';
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) return 'cross-origin';
  if (origin === undefined && request.method !== 'GET' && request.method !== 'HEAD') return 'cross-origin';
  return 'session';
}
