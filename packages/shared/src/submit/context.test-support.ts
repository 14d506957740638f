// The submit context the unit tests of the submit language run in (not built into dist: see tsconfig.json).
import type { SubmitContext } from './context.js';

/** Alice submitting from /home/alice/jobs at a fixed time, with no files around her but executables of 100 bytes. */
export function testSubmitContext(overrides: Partial<SubmitContext> = {}): SubmitContext {
  return {
    fileName: 'job.sub',
    submitDir: '/home/alice/jobs',
    env: { HOME: '/home/alice', PATH: '/usr/bin:/bin', LANG: 'C' },
    owner: 'alice',
    now: new Date(1_700_000_000_000),
    readFile: (path) => {
      throw new Error(`ENOENT: no such file, open '${path}'`);
    },
    listDir: () => [],
    probeFile: () => ({ size: 100, firstLine: '#!/bin/sh\n' }),
    runCommand: () => {
      throw new Error('No such file or directory');
    },
    ...overrides,
  };
}
