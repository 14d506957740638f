import crypto from 'node:crypto';
import fs from 'node:fs';
import { writeFileAtomic } from '@tinycondor/transfer/atomic-write';

/** Reads the pool token, creating it (mode 0600, written atomically) when it does not exist yet. */
export function loadOrCreateToken(file: string): string {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = crypto.randomBytes(32).toString('hex');
  writeFileAtomic(file, token + '\n', 0o600);
  return token;
}

/** Constant-time comparison of a presented bearer token with the pool's. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
