import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { STDERR_NAME, STDOUT_NAME, stdinFile, usesFileTransfer } from '@tinycondor/shared/transfer-files';

/** Where a run's process lives and where its standard streams go. */
export interface JobLayout {
  /** false for should_transfer_files = NO: the job runs in its submit directory on a shared filesystem. */
  transfers: boolean;
  /** Where the process runs: the sandbox or Iwd, or the job's RemoteIwd. */
  cwd: string;
  executable: string;
  stdin: string;
  stdout: string;
  stderr: string;
}

export const DEV_NULL = '/dev/null';

/** An `output`/`error` that keeps nothing: unset, empty or /dev/null (HTCondor's nullFile). */
function isNullFile(name: string | undefined): boolean {
  return name === undefined || name === '' || name === DEV_NULL;
}

/**
 * With file transfer the job runs in its sandbox on the transferred executable, with stdout/stderr in
 * `_condor_stdout`/`_condor_stderr`, as HTCondor's starter renames them (jic_shadow.cpp,
 * initWithFileTransfer): a stream sent to /dev/null stays there and leaves no file, and an `error` that
 * names the `output` file shares `_condor_stdout`, so both streams end up in that one file. With
 * `should_transfer_files = NO` the job runs in Iwd and writes its `output`/`error` files directly, as
 * HTCondor does on a shared filesystem.
 */
export function jobLayout(ad: ClassAd, sandbox: string): JobLayout {
  const cmd = ad.getString('Cmd') ?? '';
  const stdin = stdinFile(ad);
  // remote_initialdir: the process runs there (jobRemoteIWD, OsProc's cwd and a container's workdir), a
  // relative one under the sandbox, where the starter works; its standard files stay where they were.
  const remoteIwd = ad.getString('RemoteIwd');
  const processDir = (iwd: string): string => (remoteIwd ? path.resolve(sandbox, remoteIwd) : iwd);
  if (!usesFileTransfer(ad)) {
    const iwd = ad.getString('Iwd') ?? sandbox;
    const inIwd = (name: string | undefined) => (isNullFile(name) ? DEV_NULL : path.resolve(iwd, name as string));
    return {
      transfers: false,
      cwd: processDir(iwd),
      executable: path.resolve(iwd, cmd),
      stdin: stdin === undefined ? DEV_NULL : path.resolve(iwd, stdin),
      stdout: inIwd(ad.getString('Out')),
      stderr: inIwd(ad.getString('Err')),
    };
  }
  const out = ad.getString('Out');
  const err = ad.getString('Err');
  return {
    transfers: true,
    cwd: processDir(sandbox),
    executable: ad.getBool('TransferExecutable') === false ? cmd : path.join(sandbox, path.basename(cmd)),
    stdin: stdin === undefined ? DEV_NULL : path.join(sandbox, path.basename(stdin)),
    stdout: isNullFile(out) ? DEV_NULL : path.join(sandbox, STDOUT_NAME),
    stderr: isNullFile(err) ? DEV_NULL : path.join(sandbox, err === out ? STDOUT_NAME : STDERR_NAME),
  };
}
