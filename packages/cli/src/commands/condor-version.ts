import fs from 'node:fs';
import os from 'node:os';
import { HTCONDOR_RELEASE_DATE, HTCONDOR_VERSION } from '@tinycondor/shared/htcondor-version';
import type { Command } from '../cli-error.js';

/**
 * The version line as scripts parse HTCondor's (`$CondorVersion: X.Y.Z DATE BuildID: … $`): the release
 * tinycondor follows, its date, and tinycondor named where HTCondor puts its build number.
 */
export const CONDOR_VERSION_LINE = `$CondorVersion: ${HTCONDOR_VERSION} ${HTCONDOR_RELEASE_DATE} BuildID: tinycondor $`;

/**
 * HTCondor's platform string as its build makes it (CondorConfigure.cmake: `SYS_ARCH-LINUX_NAME_LINUX_VER`):
 * the machine (upper case, as uname -m) and the distribution's name and version from os-release.
 */
export function condorPlatform(machine: string, osRelease: string | undefined): string {
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(osRelease ?? '')?.[1];
  const name = field('NAME')?.split(/\s+/)[0];
  const version = field('VERSION_ID');
  const system = name && version ? `${name}_${version}` : `${os.type().toUpperCase()}_${os.release()}`;
  return `$CondorPlatform: ${machine.toUpperCase()}-${system} $`;
}

/** CondorVersionInfo's split of the platform string: the architecture before the first '-', the OS after it. */
export function platformParts(platform: string): { arch: string; opsys: string } {
  const body = platform.replace(/^\$CondorPlatform: /, '').replace(/ \$$/, '');
  const dash = body.indexOf('-');
  return dash < 0 ? { arch: body, opsys: '' } : { arch: body.slice(0, dash), opsys: body.slice(dash + 1) };
}

function usage(): string {
  // condor_version's own text (src/condor_tools/version.cpp), its missing newline included.
  return (
    'Usage: condor_version [options]\n' +
    '   If no options are specified, print the version and platform strings\n   where the tool was built.' +
    '  Valid options are:\n' +
    '   -help\t(this message)\n' +
    '   -arch\t(print the ARCH string)\n' +
    '   -opsys\t(print the OPSYS string)\n'
  );
}

function readOsRelease(): string | undefined {
  try {
    return fs.readFileSync('/etc/os-release', 'utf8');
  } catch {
    return undefined;
  }
}

/** What `condor_version` and every tool's -version print: the version line and the platform line. */
export function condorVersionText(): string {
  return `${CONDOR_VERSION_LINE}\n${condorPlatform(os.machine(), readOsRelease())}\n`;
}

/** condor_version [-arch] [-opsys] [-help]: as HTCondor's, options are told apart by their first letter. */
export const condorVersion: Command = async (args, io) => {
  let printArch = false;
  let printOpsys = false;
  let opsysFirst = false;
  for (const arg of args) {
    if (!arg.startsWith('-')) {
      io.stderr(`ERROR: invalid argument: '${arg}'\n${usage()}`);
      return 1;
    }
    switch (arg[1]) {
      case 'a':
        printArch = true;
        break;
      case 'o':
        printOpsys = true;
        if (!printArch) opsysFirst = true;
        break;
      case 'h':
        io.stderr(usage());
        return 0;
      default:
        io.stderr(`ERROR: unrecognized argument: '${arg}'\n${usage()}`);
        return 1;
    }
  }
  const platform = condorPlatform(os.machine(), readOsRelease());
  const { arch, opsys } = platformParts(platform);
  if (opsysFirst) io.stdout(`${opsys}\n`);
  if (printArch) io.stdout(`${arch}\n`);
  if (!opsysFirst && printOpsys) io.stdout(`${opsys}\n`);
  if (!printArch && !printOpsys) io.stdout(condorVersionText());
  return 0;
};
