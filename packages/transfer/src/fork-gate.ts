/**
 * Keeps the descriptors of files being written out of forked children. A child that child_process
 * (libuv) forks holds a copy of each of its parent's descriptors until its exec closes them
 * (close-on-exec), and nothing makes the parent wait until all are closed: an executable still open for
 * writing in such a child cannot be executed (ETXTBSY) by the next start. Writers count the files they
 * hold open across turns of the event loop; a fork waits until none is open, and while one waits, new
 * files wait for it, so that a stream of writes cannot keep it waiting.
 */
let filesOpen = 0;
const waitingForks: Array<() => void> = [];
const waitingOpens: Array<() => void> = [];

/**
 * Runs `fork` (which forks synchronously, as child_process.spawn does, and must not throw) when no file
 * is open for writing: now, or as the last one is closed.
 */
export function forkWhenNoFileIsBeingWritten(fork: () => void): void {
  if (filesOpen === 0) fork();
  else waitingForks.push(fork);
}

/** Waits, when a fork is waiting, until it has run; call before openedForWriting. */
export async function mayOpenForWriting(): Promise<void> {
  if (waitingForks.length > 0) await new Promise<void>((resolve) => waitingOpens.push(resolve));
}

/** A file is (about to be) open for writing. */
export function openedForWriting(): void {
  filesOpen += 1;
}

/** A file counted by openedForWriting is closed (or failed to open). */
export function closedForWriting(): void {
  filesOpen -= 1;
  if (filesOpen > 0) return;
  for (const fork of waitingForks.splice(0)) fork();
  for (const open of waitingOpens.splice(0)) open();
}

/** How many files are open for writing and how many forks wait for them (for tests and logs). */
export function forkGateState(): { filesOpen: number; waitingForks: number } {
  return { filesOpen, waitingForks: waitingForks.length };
}
