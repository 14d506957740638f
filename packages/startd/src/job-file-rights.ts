import { createRequire } from 'node:module';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import type { JobUser } from '@tinycondor/shared/job-user';

/** The owner-rights module (packages/schedd/native/owner_rights.c, built here too): the calling thread's filesystem identity. */
interface NativeOwnerRights {
  enter(uid: number, gid: number, groups: number[]): void;
  leave(): void;
}

export interface OwnerRightsModule {
  native?: NativeOwnerRights;
  missing?: string;
}

let loaded: OwnerRightsModule | undefined;

/** The native module (packages/startd/build, built by `npm ci`), or why it did not load; loaded once. */
export function ownerRightsModule(): OwnerRightsModule {
  if (loaded === undefined) {
    try {
      loaded = { native: createRequire(import.meta.url)('../build/Release/owner_rights.node') as NativeOwnerRights };
    } catch (err) {
      loaded = { missing: (err as Error).message.split('\n')[0] };
    }
  }
  return loaded;
}

/** How the startd reads what a job leaves in its sandbox: with `rights`, symlinks followed unless `refusal` refuses. */
export interface SandboxReader {
  rights: FileRights;
  refusal: (realPath: string) => string | undefined;
}

/**
 * How a startd reads a job's outputs and checkpoint files, symlinks followed as HTCondor's starter follows
 * them (its FileTransfer runs with PRIV_USER): with the rights of the user the job runs as.
 *
 * A startd that is not root runs the job as itself (and a root startd runs root's jobs as root): its own
 * rights are the job's, so a followed symlink reads nothing the job could not read and copy itself.
 *
 * A root startd takes the job user's filesystem identity around each synchronous lstat, stat, readdir and
 * open (setfsuid/setfsgid and the thread's groups, the schedd's owner-rights module), then reads the open
 * descriptors asynchronously as it does any file. Chosen over the alternatives: a child process spawned as
 * the user per symlink cannot hand its descriptor back to Node (no SCM_RIGHTS), and would have to stream the
 * content through a pipe; checking with stat and access(2) and then opening as root leaves a race between
 * the check and the open, and access(2) judges by the real uid (root's). With the user's identity the
 * kernel itself judges each open at the moment it happens, as it judges the job's own opens: a link to
 * /etc/shadow fails with EACCES, and the target may be anywhere the user can read.
 *
 * A root startd without the module reads the sandbox with its own rights, as before, but follows no
 * symlink: following one as root could send what the job's user may not read.
 */
export function sandboxReader(user: JobUser | undefined, module: OwnerRightsModule = ownerRightsModule()): SandboxReader {
  if (user === undefined) return { rights: daemonRights, refusal: () => undefined };
  const { native, missing } = module;
  if (native === undefined) {
    const refused = `the startd runs as root without its owner-rights module (packages/startd/build: ${missing ?? 'not built'}); it does not follow a symlink of ${user.name}'s with root's rights`;
    return { rights: daemonRights, refusal: () => refused };
  }
  const rights: FileRights = (operations) => {
    native.enter(user.uid, user.gid, user.groups);
    try {
      return operations();
    } finally {
      native.leave();
    }
  };
  return { rights, refusal: () => undefined };
}
