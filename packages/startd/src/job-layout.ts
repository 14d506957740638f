import path from 'node:path';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { STDERR_NAME, STDOUT_NAME, stdinFile, usesFileTransfer } from '@tinycondor/shared/transfer-files';

/** Where a run's process lives and where its standard streams go. */
export interface JobLayout {
  /** false for should_transfer_files = NO: the job runs in its submit directory on a shared filesystem. */
  transfers: boolean;
  cwd: string;
  executable: string;
  stdin: string;
  stdout: string;
  stderr: string;
}

const DEV_NULL = '/dev/null';

/**
 * With file transfer the job runs in its sandbox on the transferred executable, with stdout/stderr in
 * `_condor_stdout`/`_condor_stderr`; with `should_transfer_files = NO` it runs in Iwd and writes its
 * `output`/`error` files directly, as HTCondor does on a shared filesystem.
 */
export function jobLayout(ad: ClassAd, sandbox: string): JobLayout {
  const cmd = ad.getString('Cmd') ?? '';
  const stdin = stdinFile(ad);
  if (!usesFileTransfer(ad)) {
    const iwd = ad.getString('Iwd') ?? sandbox;
    const inIwd = (name: string | undefined) => (name === undefined || name === '' || name === DEV_NULL ? DEV_NULL : path.resolve(iwd, name));
    return {
      transfers: false,
      cwd: iwd,
      executable: path.resolve(iwd, cmd),
      stdin: stdin === undefined ? DEV_NULL : path.resolve(iwd, stdin),
      stdout: inIwd(ad.getString('Out')),
      stderr: inIwd(ad.getString('Err')),
    };
  }
  return {
    transfers: true,
    cwd: sandbox,
    executable: ad.getBool('TransferExecutable') === false ? cmd : path.join(sandbox, path.basename(cmd)),
    stdin: stdin === undefined ? DEV_NULL : path.join(sandbox, path.basename(stdin)),
    stdout: path.join(sandbox, STDOUT_NAME),
    stderr: path.join(sandbox, STDERR_NAME),
  };
}
