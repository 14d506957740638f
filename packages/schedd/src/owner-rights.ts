import { createRequire } from 'node:module';
import { daemonRights, type FileRights } from '@tinycondor/shared/file-rights';
import { JobUsers, type Accounts, type JobUser } from '@tinycondor/shared/job-user';

/** packages/schedd/native/owner_rights.c: the calling thread's filesystem identity. */
export interface NativeOwnerRights {
  enter(uid: number, gid: number, groups: number[]): void;
  leave(): void;
  fsuid(): number;
}

/** The native module (packages/schedd/build, built by `npm ci`), or why it did not load. */
export function loadOwnerRightsModule(): { native?: NativeOwnerRights; missing?: string } {
  try {
    return { native: createRequire(import.meta.url)('../build/Release/owner_rights.node') as NativeOwnerRights };
  } catch (err) {
    return { missing: (err as Error).message.split('\n')[0] };
  }
}

/**
 * Whose rights the schedd reads a job's inputs and writes its outputs and user log with, as HTCondor's
 * schedd and shadow decide: a schedd that is not root uses its own; a root schedd uses the job owner's
 * (`nobody`'s for an owner without an account here; root's own for root's jobs). A root schedd without
 * the native module refuses to act for another user rather than use root's rights.
 */
export class OwnerRights {
  private readonly users: JobUsers;

  constructor(
    private readonly daemonUid: number = process.getuid?.() ?? -1,
    private readonly module: { native?: NativeOwnerRights; missing?: string } = loadOwnerRightsModule(),
    accounts?: () => Accounts,
  ) {
    this.users = new JobUsers(daemonUid, accounts);
  }

  /** Why a root schedd cannot act for other users (said once at start), or undefined. */
  unavailable(): string | undefined {
    if (this.daemonUid !== 0 || this.module.native !== undefined) return undefined;
    return `the native owner-rights module did not load (${this.module.missing ?? 'not built'}): jobs of users other than root will be held rather than have their files read and written with root's rights`;
  }

  /** The user a job's files are handled as; undefined for the schedd's own rights. Throws when there is none. */
  userFor(owner: string | undefined): JobUser | undefined {
    return this.users.of(owner);
  }

  /** The rights for a job of `owner`; throws (with the reason) when they cannot be taken. */
  forOwner(owner: string | undefined): FileRights {
    const user = this.userFor(owner);
    if (user === undefined) return daemonRights;
    const { native, missing } = this.module;
    if (native === undefined) {
      throw new Error(
        `the schedd runs as root without its owner-rights module (packages/schedd/build: ${missing ?? 'not built'}); it will not read or write the files of ${user.name} with root's rights`,
      );
    }
    return (operations) => {
      native.enter(user.uid, user.gid, user.groups);
      try {
        return operations();
      } finally {
        native.leave();
      }
    };
  }
}
