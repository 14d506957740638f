import fs from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Descriptors kept free for the queue, SPOOL files, logs and the startds' supervisors. */
const RESERVED_DESCRIPTORS = 256;
/** Connections that have not yet carried an authenticated request: beyond this, the oldest is closed. */
export const MAX_UNAUTHENTICATED_CONNECTIONS = 128;

/** The soft limit on open files (from /proc/self/limits); undefined where it cannot be read or is unlimited. */
export function openFileLimit(limitsText: string): number | undefined {
  const match = /^Max open files\s+(\d+)/m.exec(limitsText);
  return match ? Number(match[1]) : undefined;
}

/**
 * Keeps connections that never authenticate from taking the schedd's descriptors: the total is capped
 * below the open-file limit (beyond it, a new connection is closed at accept), and of the connections
 * that have not yet carried a request with valid credentials only the newest MAX_UNAUTHENTICATED_CONNECTIONS
 * are kept. A slow client that never finishes its headers is closed by the server's headersTimeout.
 */
export class ConnectionGuard {
  /** Unauthenticated connections, oldest first (a Set keeps insertion order). */
  private readonly unauthenticated = new Set<Socket>();

  constructor(
    server: Server,
    private readonly maxUnauthenticated = MAX_UNAUTHENTICATED_CONNECTIONS,
    limitsText = readLimits(),
  ) {
    const limit = openFileLimit(limitsText);
    if (limit !== undefined) server.maxConnections = Math.max(limit - RESERVED_DESCRIPTORS, maxUnauthenticated);
    server.on('connection', (socket: Socket) => this.accepted(socket));
  }

  /** A request on `socket` carried valid credentials: it no longer counts as unauthenticated. */
  authenticated(socket: Socket): void {
    this.unauthenticated.delete(socket);
  }

  private accepted(socket: Socket): void {
    this.unauthenticated.add(socket);
    socket.once('close', () => this.unauthenticated.delete(socket));
    if (this.unauthenticated.size <= this.maxUnauthenticated) return;
    const [oldest] = this.unauthenticated;
    this.unauthenticated.delete(oldest);
    oldest.destroy();
  }
}

function readLimits(): string {
  try {
    return fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return '';
  }
}
