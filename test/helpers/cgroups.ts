import fs from 'node:fs';
import path from 'node:path';

/**
 * Why this machine does not let a startd make cgroup v1 memory groups (root with the memory controller mounted),
 * or undefined when it does: the reason a test of memory limits is skipped.
 */
export function memoryCgroupsUnusable(): string | undefined {
  const own = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(fs.readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
  if (own === undefined) return 'no cgroup v1 memory hierarchy';
  const probe = path.join('/sys/fs/cgroup/memory', own, `tinycondor-probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return undefined;
  } catch (err) {
    return `cannot make a memory cgroup: ${(err as Error).message}`;
  }
}
