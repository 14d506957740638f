import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { USER_NAME } from '@tinycondor/shared/rest-schemas';
import { writeFileAtomic } from '@tinycondor/transfer/atomic-write';

/** A local account as /etc/passwd names it. */
export interface Account {
  uid: number;
  gid: number;
}

/** The account of `user` in an /etc/passwd text; undefined when there is none. */
export function accountIn(passwd: string, user: string): Account | undefined {
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === user && /^[0-9]+$/.test(uid ?? '') && /^[0-9]+$/.test(gid ?? '')) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

function digestOf(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * Per-user tokens: a request carrying one acts as its user and no one else (the pool token is the
 * daemons' and the queue superuser's). The schedd keeps only their digests, in `file` (0600, beside the
 * pool token); a token is shown once, when issued. Where the schedd runs as root and the user has a local
 * account, the token is also written for that user to `<dir>/<user>.token`, owned by the user, mode 0600,
 * where the condor_* commands of that user find it.
 */
export class UserTokens {
  private readonly userByDigest = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly dir: string,
  ) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const stored = JSON.parse(text) as Record<string, unknown>;
    for (const [digest, user] of Object.entries(stored)) {
      if (!/^[0-9a-f]{64}$/.test(digest) || typeof user !== 'string' || !USER_NAME.test(user)) throw new Error(`${file}: entry ${digest} is not a token digest and a user name`);
      this.userByDigest.set(digest, user);
    }
  }

  /** The user a presented token belongs to; undefined for any other text. */
  userOf(token: string | undefined): string | undefined {
    return token === undefined ? undefined : this.userByDigest.get(digestOf(token));
  }

  /**
   * A new token for `user`, replacing the ones issued before (they stop working). Returns the token and the
   * file it was written to for the user, if it was.
   */
  issue(user: string, passwd: () => string = () => fs.readFileSync('/etc/passwd', 'utf8')): { token: string; file?: string } {
    if (!USER_NAME.test(user)) throw new Error(`'${user}' is not a user name`);
    const token = crypto.randomBytes(32).toString('base64url');
    const next = new Map([...this.userByDigest].filter(([, owner]) => owner !== user));
    next.set(digestOf(token), user);
    writeFileAtomic(this.file, `${JSON.stringify(Object.fromEntries(next), null, 1)}\n`, 0o600);
    this.userByDigest.clear();
    for (const [digest, owner] of next) this.userByDigest.set(digest, owner);
    const account = process.getuid?.() === 0 ? accountIn(passwd(), user) : undefined;
    if (!account) return { token };
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    const file = path.join(this.dir, `${user}.token`);
    writeFileAtomic(file, `${token}\n`, 0o600);
    fs.chownSync(file, account.uid, account.gid);
    return { token, file };
  }
}
