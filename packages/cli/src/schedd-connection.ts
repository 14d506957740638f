import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScheddClient } from '@tinycondor/client/schedd-client';
import { trustedCas } from '@tinycondor/client/extra-ca';
import { CliError } from './cli-error.js';
import type { PoolConfig } from './pool-config.js';

/**
 * The schedd the pool configuration names, with this user's credential. One connection, kept open
 * between the calls of a command and then let go, so the process exits.
 */
export function connectSchedd(pool: PoolConfig): ScheddClient {
  const url = pool.value('SCHEDD_URL');
  const tokenFile = pool.value('TINYCONDOR_TOKEN_FILE');
  if (!url || !tokenFile) throw new CliError(`ERROR: ${pool.file} does not name SCHEDD_URL and TINYCONDOR_TOKEN_FILE`);
  return scheddClient(url.replace(/\/+$/, ''), readToken(pool, tokenFile));
}

/**
 * The schedd at `baseUrl` (no trailing slash), called with `token` over one connection; an https schedd is
 * checked against the CAs the user trusts. `timeoutMs`: how long a call may go unanswered (undefined: no limit).
 */
export function scheddClient(baseUrl: string, token: string, timeoutMs?: number): ScheddClient {
  const ca = baseUrl.startsWith('https:') ? trustedCas(process.env, (text) => process.stderr.write(text)) : undefined;
  return new ScheddClient({ baseUrl, token, ca, maxSockets: 1, timeoutMs });
}

/**
 * The credential of this user: the pool token where she may read it (the pool's owner, a queue superuser),
 * else her own token, `<TINYCONDOR_USER_TOKEN_DIR>/<user>.token` (see `tinycondor token create`).
 */
function readToken(pool: PoolConfig, tokenFile: string): string {
  // A relative token file is next to the condor_config naming it (a client configuration and its token copy).
  const resolve = (file: string) => path.resolve(path.dirname(pool.file), file);
  let poolTokenError: Error;
  try {
    return fs.readFileSync(resolve(tokenFile), 'utf8').trim();
  } catch (err) {
    poolTokenError = err as Error;
  }
  const userTokenDir = pool.value('TINYCONDOR_USER_TOKEN_DIR');
  const userTokenFile = userTokenDir === undefined ? undefined : path.join(resolve(userTokenDir), `${os.userInfo().username}.token`);
  try {
    if (userTokenFile !== undefined && (poolTokenError as NodeJS.ErrnoException).code === 'EACCES') return fs.readFileSync(userTokenFile, 'utf8').trim();
  } catch (err) {
    throw new CliError(`ERROR: cannot read the pool token ${tokenFile} (${poolTokenError.message}) nor your own token ${userTokenFile}: ${(err as Error).message}`);
  }
  throw new CliError(`ERROR: cannot read the pool token ${tokenFile}: ${poolTokenError.message}`);
}
