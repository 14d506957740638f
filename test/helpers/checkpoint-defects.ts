// Small self-checkpointing bash jobs for `tinycondor test-checkpointing` and the fault-injection tests:
// one correct job and variants that each carry exactly one defect real users get burned by.
import fs from 'node:fs';
import path from 'node:path';

export type JobVariant =
  | 'correct'
  | 'restarts-from-scratch'
  | 'missing-checkpoint-file'
  | 'non-atomic-checkpoint'
  | 'output-lost'
  | 'first-start-needs-checkpoint'
  | 'checkpoint-file-as-input'
  | 'nondeterministic-output';

/**
 * Counts `STEPS` steps of `NAP` seconds, printing each; after every third step it writes its progress
 * to state.txt (a temp file renamed over it) and exits 85 so that HTCondor checkpoints it. The variants
 * change only the lines their defect needs.
 */
function script(variant: JobVariant): string {
  const load: Record<JobVariant, string> = {
    correct: 'if [ -f state.txt ]; then n=$(cat state.txt); fi',
    // It keeps its real progress in a file HTCondor is not told about, and silently starts over without it.
    'restarts-from-scratch': 'if [ -f progress.dat ]; then n=$(cat progress.dat); fi',
    // Its results so far live in data.txt, which transfer_checkpoint_files does not name.
    'missing-checkpoint-file': 'if [ -f state.txt ]; then n=$(cat state.txt); cat data.txt > /dev/null || exit 2; fi',
    'non-atomic-checkpoint': 'if [ -f state.txt ]; then n=$(sed -n \'s/^n=\\([0-9][0-9]*\\);$/\\1/p\' state.txt); [ -n "$n" ] || { echo "state.txt: corrupt checkpoint" >&2; exit 3; }; fi',
    'output-lost': 'if [ -f state.txt ]; then n=$(cat state.txt); fi',
    // It reads its checkpoint unconditionally, so the very first start fails.
    'first-start-needs-checkpoint': 'n=$(cat state.txt) || exit 1',
    'checkpoint-file-as-input': 'if [ -f state.txt ]; then n=$(cat state.txt); fi',
    'nondeterministic-output': 'if [ -f state.txt ]; then n=$(cat state.txt); fi',
  };
  const save: Record<JobVariant, string> = {
    correct: 'echo $n > state.tmp && mv state.tmp state.txt',
    'restarts-from-scratch': 'echo $n > progress.dat; date +%s > state.txt',
    'missing-checkpoint-file': 'echo $n > state.tmp && mv state.tmp state.txt',
    'non-atomic-checkpoint': 'true',
    'output-lost': 'echo $n > state.tmp && mv state.tmp state.txt',
    'first-start-needs-checkpoint': 'echo $n > state.tmp && mv state.tmp state.txt',
    'checkpoint-file-as-input': 'echo $n > state.tmp && mv state.tmp state.txt',
    'nondeterministic-output': 'echo $n > state.tmp && mv state.tmp state.txt',
  };
  const step: Record<JobVariant, string> = {
    correct: 'echo "step $n"',
    'restarts-from-scratch': 'echo "step $n"',
    'missing-checkpoint-file': 'echo "step $n"; echo "result $n" >> data.txt',
    // The state file is rewritten in place at every step, in two writes with the step's work between them.
    'non-atomic-checkpoint': 'echo "step $n"; printf "n=" > state.txt',
    'output-lost': 'echo "step $n"; echo "result $n" >> results.log',
    'first-start-needs-checkpoint': 'echo "step $n"',
    'checkpoint-file-as-input': 'echo "step $n"',
    'nondeterministic-output': 'echo "step $n at $(date +%s%N)"',
  };
  const afterNap = variant === 'non-atomic-checkpoint' ? '\n  printf "%d;\\n" $((n+1)) >> state.txt' : '';
  return `#!/bin/bash
STEPS=\${1:-9}
NAP=\${2:-0.1}
n=0
${load[variant]}
echo "Starting from $n"
while [ "$n" -lt "$STEPS" ]; do
  ${step[variant]}
  sleep $NAP${afterNap}
  n=$((n+1))
  if [ $((n % 3)) -eq 0 ] && [ "$n" -lt "$STEPS" ]; then
    ${save[variant]}
    exit 85
  fi
done
echo "Computation complete"
`;
}

function submitFile(variant: JobVariant, steps: number, nap: number): string {
  const checkpointFiles: Partial<Record<JobVariant, string>> = {
    'restarts-from-scratch': 'state.txt',
    'missing-checkpoint-file': 'state.txt',
    'output-lost': 'state.txt',
  };
  const extra: Partial<Record<JobVariant, string[]>> = {
    // The state file goes to SPOOL at eviction too, mid-write if the eviction falls there.
    'non-atomic-checkpoint': ['when_to_transfer_output = ON_EXIT_OR_EVICT'],
    'output-lost': ['transfer_output_files = results.log'],
    // Listing the checkpoint as an input "so that it comes back" fails the first start: it does not exist yet.
    'checkpoint-file-as-input': ['transfer_input_files = state.txt'],
  };
  return [
    'executable = job.sh',
    `arguments = ${steps} ${nap}`,
    'checkpoint_exit_code = 85',
    ...(checkpointFiles[variant] ? [`transfer_checkpoint_files = ${checkpointFiles[variant]}`] : []),
    ...(extra[variant] ?? []),
    'should_transfer_files = YES',
    'output = job.out',
    'error = job.err',
    'log = job.log',
    'queue',
    '',
  ].join('\n');
}

/** Writes `job.sh` and `job.sub` of a variant into a new directory `dir`; returns the submit file's path. */
export function writeCheckpointJob(dir: string, variant: JobVariant, opts: { steps?: number; nap?: number } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'job.sh'), script(variant), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'job.sub'), submitFile(variant, opts.steps ?? 9, opts.nap ?? 0.1));
  return path.join(dir, 'job.sub');
}
