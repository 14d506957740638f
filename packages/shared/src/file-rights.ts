/**
 * Runs synchronous file operations with the rights of the user a daemon acts for: opening, creating,
 * listing and renaming are checked as that user's, as HTCondor's daemons switch identity for a job's
 * files. Reads and writes on descriptors already open need no rights, so they may go on asynchronously.
 */
export type FileRights = <T>(operations: () => T) => T;

/** The daemon's own rights: the operations run as they are. */
export const daemonRights: FileRights = (operations) => operations();
