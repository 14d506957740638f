import crypto from 'node:crypto';

function digestOf(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/**
 * The credential of each startd: a random key the schedd gives it in the welcome on its authenticated
 * channel, which the startd presents on its transfers. Only digests are kept (in memory: a schedd that
 * restarts gives every startd a new key at its next hello). A name's key outlives a dropped channel, so
 * the startd's transfers and its reconnect within the lease keep working; a new hello without it gets a
 * new key, and the old one stops working.
 */
export class StartdKeys {
  private readonly digestByName = new Map<string, string>();
  private readonly nameByDigest = new Map<string, string>();

  /** A new key for the startd, replacing the one it had. */
  issue(startdName: string): string {
    this.revoke(startdName);
    const key = crypto.randomBytes(32).toString('base64url');
    const digest = digestOf(key);
    this.digestByName.set(startdName, digest);
    this.nameByDigest.set(digest, startdName);
    return key;
  }

  /** Whether `key` is the startd's current key. */
  holds(startdName: string, key: string | undefined): boolean {
    return key !== undefined && this.startdOf(key) === startdName;
  }

  /** The startd whose current key this is; undefined for any other text. */
  startdOf(key: string): string | undefined {
    return this.nameByDigest.get(digestOf(key));
  }

  revoke(startdName: string): void {
    const digest = this.digestByName.get(startdName);
    if (digest === undefined) return;
    this.digestByName.delete(startdName);
    this.nameByDigest.delete(digest);
  }
}
