// Jobs for the dashboard tests: a self-checkpointing job that checkpoints twice and then runs until told
// to stop, and a job that just runs until told to stop. Both stop when the file named in their arguments exists.
import fs from 'node:fs';
import path from 'node:path';
import { writeExecutable } from './pool.js';

const CHECKPOINTER = `#!/bin/bash
n=$(cat state 2>/dev/null || echo 0)
echo "resumed at step $n"
while true; do
  n=$((n + 1))
  echo "step $n"
  if [ "$n" -eq 2 ] || [ "$n" -eq 4 ]; then
    head -c 20000 /dev/zero > payload.bin
    echo "$n" > state
    exit 85
  fi
  [ -e "$1" ] && exit 0
  sleep 0.3
done
`;

const SLEEPER = `#!/bin/bash
echo "running until $1 exists"
while [ ! -e "$1" ]; do sleep 0.1; done
`;

export interface DashboardJobs {
  /** Creating this file lets every job finish. */
  stopFile: string;
  checkpointSubmit: string;
  sleeperSubmit: (count: number) => string;
}

export function writeDashboardJobs(dir: string): DashboardJobs {
  const stopFile = path.join(path.dirname(dir), 'stop-jobs');
  writeExecutable(path.join(dir, 'checkpointer.sh'), CHECKPOINTER);
  writeExecutable(path.join(dir, 'sleeper.sh'), SLEEPER);
  fs.writeFileSync(
    path.join(dir, 'checkpointer.sub'),
    `executable = checkpointer.sh\narguments = ${stopFile}\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state, payload.bin\n` +
      `should_transfer_files = yes\nlog = checkpointer.log\noutput = checkpointer.out\nqueue 1\n`,
  );
  return {
    stopFile,
    checkpointSubmit: 'checkpointer.sub',
    sleeperSubmit: (count) => {
      const file = `sleeper-${count}.sub`;
      fs.writeFileSync(path.join(dir, file), `executable = sleeper.sh\narguments = ${stopFile}\nlog = sleeper.log\nqueue ${count}\n`);
      return file;
    },
  };
}
