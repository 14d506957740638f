import fs from 'node:fs';

/** The process group `pgid` reads in /proc: the pid of each process whose stat names it (none off Linux). */
export function processGroupMembers(pgid: number, procDir = '/proc'): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(procDir);
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`${procDir}/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) members.push(Number(name));
  }
  return members;
}

/**
 * Sends `signal` to a job's family, as the starter signals every process it tracks: the process group
 * and any other process in the job's cgroups (one that left the group). Returns how many processes it reached.
 */
export function signalFamily(pgid: number, cgroupPids: readonly number[], signal: NodeJS.Signals): number {
  const family = new Set([...processGroupMembers(pgid), ...cgroupPids]);
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone; its members, if any, are signalled one by one
  }
  let reached = 0;
  for (const pid of family) {
    try {
      process.kill(pid, signal);
      reached++;
    } catch {
      // already gone
    }
  }
  return reached;
}
