import fs from 'node:fs';
import path from 'node:path';
import { CliError, type Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';

export const TOKEN_USAGE = `Usage:
  tinycondor token create USER [--out FILE]   (a user's own token: she acts on her own jobs only;
                                              needs the pool token; replaces USER's earlier token)`;

/**
 * `tinycondor token create USER`: issues USER's token. A schedd running as root writes it for the user
 * (TINYCONDOR_USER_TOKEN_DIR/USER.token, owned by USER), where her condor_* commands find it; otherwise
 * it is written to --out FILE (mode 0600) or printed, for the pool's owner to hand over.
 */
export const tinycondorToken: Command = async (args, io) => {
  const [what, user, ...rest] = args;
  if (what !== 'create' || user === undefined || user.startsWith('-')) throw new CliError(TOKEN_USAGE);
  let out: string | undefined;
  if (rest.length === 2 && rest[0] === '--out') out = path.resolve(io.cwd, rest[1]);
  else if (rest.length > 0) throw new CliError(`tinycondor token create: unknown argument '${rest[0]}'\n${TOKEN_USAGE}`);
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  const reply = await api.createToken(user);
  if (out !== undefined) {
    try {
      fs.writeFileSync(out, `${reply.token}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw new CliError(`tinycondor token create: cannot write ${out}: ${(err as Error).message}`);
    }
    io.stdout(`token of ${reply.user} written to ${out}\n`);
  } else if (reply.file !== undefined) io.stdout(`token of ${reply.user} written to ${reply.file}\n`);
  else io.stdout(`${reply.token}\n`);
  return 0;
};
