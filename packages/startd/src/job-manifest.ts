import fs from 'node:fs';
import path from 'node:path';
import type { FileRights } from '@tinycondor/shared/file-rights';
import type { JobUser } from '@tinycondor/shared/job-user';
import { formatEnvironmentV2Raw } from '@tinycondor/shared/submit/environment';

/**
 * `manifest` / `manifest_dir`: the starter's record of a run in a sandbox directory that goes back with the
 * output (Starter::OpenManifestFile, JICShadow::recordSandboxContents): `in`, the sandbox after the input
 * transfer; `environment`, the job's environment (V2 raw, OsProc::StartJob); `out`, the sandbox as the
 * output transfer starts. Written with the job user's `rights`, as the starter writes them with PRIV_USER,
 * and never through a link the job left: the directory must be one inside the sandbox.
 */
export function writeManifestFile(sandbox: string, dir: string, name: 'in' | 'out' | 'environment', content: () => string, rights: FileRights, user: JobUser | undefined): void {
  const dirPath = path.resolve(sandbox, dir);
  if (path.relative(sandbox, dirPath).startsWith('..') || dirPath === sandbox) throw new Error(`manifest directory ${dir} is not inside the sandbox`);
  rights(() => {
    try {
      fs.mkdirSync(dirPath, { mode: 0o700 });
      if (user) fs.chownSync(dirPath, user.uid, user.gid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!fs.lstatSync(dirPath).isDirectory()) throw new Error(`manifest directory ${dirPath} is not a directory`);
    // Opened before the listing is taken, as the starter's fopen comes first: an `in` or `out` lists itself.
    const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
    const fd = fs.openSync(path.join(dirPath, name), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644);
    try {
      if (user) fs.fchownSync(fd, user.uid, user.gid);
      fs.writeSync(fd, content());
    } finally {
      fs.closeSync(fd);
    }
  });
}

/** print_directory: every entry under the sandbox, `./name`, a directory as `./name/` followed by its own. */
export function sandboxListing(sandbox: string): string {
  const lines: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.isDirectory()) {
        lines.push(`${prefix}/${entry.name}/`);
        walk(path.join(dir, entry.name), `${prefix}/${entry.name}`);
      } else {
        lines.push(`${prefix}/${entry.name}`);
      }
    }
  };
  walk(sandbox, '.');
  return lines.map((line) => `${line}\n`).join('');
}

/** The `environment` file's text: the environment as Env::getDelimitedStringForDisplay writes it, and a newline. */
export function manifestEnvironment(env: NodeJS.ProcessEnv): string {
  const entries = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${formatEnvironmentV2Raw(entries)}\n`;
}
