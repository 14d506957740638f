import { minOf } from '@tinycondor/shared/extremes';
import type { FileComparison } from './compare.js';
import type { ProgressFinding } from './progress.js';

export type DiagnosisCode =
  | 'held'
  | 'never-checkpointed'
  | 'checkpoint-file-not-created'
  | 'first-start-needs-checkpoint'
  | 'missing-checkpoint-file'
  | 'restarted-from-scratch'
  | 'checkpoint-differs'
  | 'state-lost-at-eviction'
  | 'non-atomic-checkpoint'
  | 'output-lost'
  | 'output-differs'
  | 'exit-differs'
  | 'did-not-finish'
  | 'eviction-missed';

export interface Diagnosis {
  code: DiagnosisCode;
  /** What was seen, with the evidence. */
  message: string;
  /** What to change. */
  advice: string;
}

/** What is known of one run after it ended; everything here was observed, nothing is guessed. */
export interface RunEvidence {
  /** How the job ended: terminated with an exit code or a signal, held, or not at all within the deadline. */
  end: { kind: 'exit'; exitCode: number } | { kind: 'signal'; signal: number } | { kind: 'held'; reason: string; code: number } | { kind: 'unfinished' };
  /** The reference run's exit (undefined when judging the reference itself). */
  referenceExitCode?: number;
  /** Byte-exact comparison with the reference, or the verdict of the user's --compare command. */
  comparison: { kind: 'files'; files: FileComparison[] } | { kind: 'command'; command: string; matched: boolean; output: string } | { kind: 'none' };
  /** The files named by transfer_checkpoint_files (empty: HTCondor then checkpoints the output set). */
  checkpointFiles: string[];
  /** What a checkpoint must carry: transfer_checkpoint_files, else transfer_output_files; undefined: whatever changed. */
  checkpointSet?: string[];
  /** The submit file promises a checkpoint exit (checkpoint_exit_code or the 8.8/8.6 attributes). */
  promisesCheckpoints?: boolean;
  /** Checkpoints the run committed in all. */
  checkpointsCommitted?: number;
  /** Vacated, the job had its grace to save state (its script handles the signal), but nothing was sent at the eviction (ON_EXIT). */
  graceLost?: boolean;
  /** The submit file's output/error names, to say "stdout"/"stderr" when those are lost. */
  stdoutName?: string;
  stderrName?: string;
  /** The job's stderr as it came back. */
  stderr: string;
  /** Progress the job reported on stdout, in order; and the reference's. */
  progress: number[];
  referenceProgress: number[];
  /** Checkpoints committed before the run first failed or was evicted. */
  checkpointsBeforeTrouble: number;
  /** The run was evicted and started again from what SPOOL held (a checkpoint, or files sent at eviction). */
  restored: boolean;
  /**
   * Files the run got back from SPOOL. Like HTCondor, a file restored and not changed afterwards is not
   * transferred back at the end, so its absence from the outputs is no defect.
   */
  restoredFiles: string[];
  /** Where the run resumed from, judged by its checkpoints against the reference's. */
  progressFinding?: ProgressFinding;
  /** Files the sandbox held at the last checkpoint before the eviction that SPOOL did not (inputs aside). */
  unsavedFiles: string[];
  /** A planned eviction that did not happen (the job was not running at that moment, or never reached that checkpoint). */
  evictionMissed?: string;
}

const MISSING_FILE_PATTERNS = [
  /(?:^|\s)([^\s:'"]+): No such file or directory/m,
  // HTCondor's transfer failures: "reading from file /home/u/state.txt: (errno 2) No such file or directory".
  /([^\s:'"]+):? \(errno 2\)/,
  /No such file or directory:? '([^']+)'/,
  /ENOENT[^'\n]*'([^']+)'/,
  /(?:cannot|can't|could not|failed to) (?:open|read|access|stat) [`'"]?([^\s'"`]+)/i,
  /\bnot found: ['"]?([^\s'"]+)/i,
];

/** File names the job (or the hold reason) says it could not find. */
export function missingFiles(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    for (const pattern of MISSING_FILE_PATTERNS) {
      const match = pattern.exec(line);
      // An absolute path is the sandbox's or the submit side's: its base name is what the job lists.
      if (match) names.add((match[1].startsWith('/') ? match[1].replace(/^.*\//, '') : match[1].replace(/^\.\//, '')).replace(/[.,;)]+$/, ''));
    }
  }
  return [...names].filter((n) => n !== '');
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function failed(evidence: RunEvidence): boolean {
  const { end } = evidence;
  if (end.kind === 'held' || end.kind === 'signal' || end.kind === 'unfinished') return true;
  return end.exitCode !== (evidence.referenceExitCode ?? 0);
}

/** A drop of the reported progress back to where the job began, after it had got further. */
function progressReset(evidence: RunEvidence): { from: number; to: number } | undefined {
  const floor = minOf(evidence.referenceProgress.length > 0 ? evidence.referenceProgress : evidence.progress, (p) => p);
  let before = -Infinity;
  for (let i = 1; i < evidence.progress.length; i++) {
    before = Math.max(before, evidence.progress[i - 1]);
    if (evidence.progress[i] < before && evidence.progress[i] <= floor) return { from: before, to: evidence.progress[i] };
  }
  return undefined;
}

/** The comparison found a difference (files that differ or are missing, or the user's command said so). */
function outputsDiffer(comparison: RunEvidence['comparison']): boolean {
  if (comparison.kind === 'command') return !comparison.matched;
  return comparison.kind === 'files' && comparison.files.some((f) => f.status !== 'same');
}

const LIST_ADVICE = 'HTCondor restores only transfer_checkpoint_files (plus stdout and stderr) into the next sandbox';

/** Diagnoses of one run, most telling first; an empty list means the run matched the reference. */
export function diagnoseRun(evidence: RunEvidence): Diagnosis[] {
  const found: Diagnosis[] = [];
  const { end } = evidence;
  const complaint = `${evidence.stderr}\n${end.kind === 'held' ? end.reason : ''}`;
  const missing = missingFiles(complaint);
  const listedPaths = evidence.checkpointFiles.map((f) => f.replace(/\/+$/, ''));
  const listed = new Set([...listedPaths, ...listedPaths.map((f) => f.replace(/^.*\//, ''))]);

  if (evidence.evictionMissed) {
    found.push({ code: 'eviction-missed', message: evidence.evictionMissed, advice: 'run again with another --seed, or a longer job, to test this moment' });
  }
  if (end.kind === 'held') {
    found.push({ code: 'held', message: `the job was held (code ${end.code}): ${end.reason}`, advice: 'see HoldReason; condor_release after fixing the cause' });
  }
  if (end.kind === 'unfinished') {
    found.push({ code: 'did-not-finish', message: 'the job did not finish (the deadline passed, or it was removed)', advice: 'a job that never gets further after a restore loops forever: check that it resumes from its checkpoint' });
  }
  const troubled = failed(evidence);
  const judgingReference = evidence.referenceExitCode === undefined;
  if (judgingReference && !troubled && evidence.promisesCheckpoints && evidence.checkpointsCommitted === 0) {
    found.push({
      code: 'never-checkpointed',
      message: 'undisturbed, the job finished without a single checkpoint, though the submit file promises checkpoint exits: every eviction loses all its work',
      advice:
        'make the job exit with checkpoint_exit_code after writing its checkpoint; a job that saves its state only when signalled is never told to: HTCondor sends no signal before a checkpoint, and with when_to_transfer_output = ON_EXIT nothing is saved at an eviction',
    });
  }
  if (end.kind === 'held' && evidence.checkpointsBeforeTrouble === 0 && /failed to upload checkpoint/i.test(end.reason)) {
    const set = evidence.checkpointSet ?? [];
    const from = evidence.checkpointFiles.length > 0 ? 'transfer_checkpoint_files' : 'transfer_output_files, as transfer_checkpoint_files is not given';
    found.push({
      code: 'checkpoint-file-not-created',
      message: `the first checkpoint could not be sent: the checkpoint is ${set.join(', ') || 'the output list'} (${from}), and at the checkpoint exit one of them did not exist yet`,
      advice: 'create every file the checkpoint names before the first checkpoint exit (an empty one will do), or give transfer_checkpoint_files naming only the state the job resumes from',
    });
  }
  if (troubled && evidence.checkpointsBeforeTrouble === 0 && !evidence.restored) {
    const needed = missing.filter((name) => listed.has(name) || /ckpt|checkpoint|state|restart|resume/i.test(name));
    if (needed.length > 0) {
      found.push({
        code: 'first-start-needs-checkpoint',
        message: `the first start failed because ${needed.join(', ')} does not exist yet (${lastLine(complaint)})`,
        advice: `start from scratch when the checkpoint file is absent (e.g. [ -f ${needed[0]} ] && resume), and do not list it in transfer_input_files`,
      });
    }
  }
  if (troubled && evidence.restored) {
    const unlisted = missing.filter((name) => !listed.has(name) && !listed.has(name.split('/')[0]));
    if (unlisted.length > 0 && evidence.checkpointFiles.length > 0) {
      // A file inside a directory comes back when the directory is listed.
      const toList = [...new Set(unlisted.map((name) => name.split('/')[0]))];
      found.push({
        code: 'missing-checkpoint-file',
        message: `after the restore the job could not find ${unlisted.join(', ')}, which transfer_checkpoint_files does not name (${lastLine(complaint)})`,
        advice: `add ${toList.join(', ')} to transfer_checkpoint_files: ${LIST_ADVICE}`,
      });
    } else if (end.kind === 'exit' || end.kind === 'signal') {
      const how = end.kind === 'exit' ? `exit code ${end.exitCode}` : `signal ${end.signal}`;
      found.push({
        code: 'non-atomic-checkpoint',
        message: `the restart crashed (${how}) on the restored checkpoint: ${lastLine(evidence.stderr) || 'no stderr'}`,
        advice: 'a checkpoint file rewritten in place can be restored half-written: write it to a temporary name, then rename it over the old one',
      });
    }
  }
  const reset = evidence.restored ? progressReset(evidence) : undefined;
  const finding = evidence.progressFinding;
  const scratch = [...(finding?.kind === 'restarted-from-scratch' ? finding.evidence : []), ...(reset ? [`its progress went from ${reset.from} back to ${reset.to}`] : [])];
  // The files whose contents went back to where the job began name the state the restart went without.
  const wentBack = new Set(finding?.kind === 'restarted-from-scratch' ? finding.wentBack : []);
  const named = evidence.unsavedFiles.filter((name) => wentBack.has(name));
  const unsaved = named.length > 0 ? named : evidence.unsavedFiles;
  const unsavedNote = unsaved.length > 0 ? `; the sandbox held ${unsaved.join(', ')} at the last checkpoint, SPOOL did not` : '';
  if (scratch.length > 0) {
    found.push({
      code: 'restarted-from-scratch',
      message: `the job restarted from scratch after the restore: ${scratch.join('; ')}${unsavedNote}`,
      advice:
        unsaved.length > 0
          ? `add ${unsaved.join(', ')} to transfer_checkpoint_files if the job resumes from it: ${LIST_ADVICE}`
          : `make the job read back the state it checkpoints, and list every file that state lives in in transfer_checkpoint_files: ${LIST_ADVICE}`,
    });
  } else if (finding?.kind === 'checkpoint-differs' && outputsDiffer(evidence.comparison)) {
    found.push({
      code: 'checkpoint-differs',
      message: `the outputs differ, and after the restore checkpoint ${finding.checkpoint} already differed from the reference's in ${finding.files.join(', ')} (the checkpoints before the eviction were identical)${unsavedNote}`,
      advice: `the job did not resume from the checkpoint it was given: make it read back all of its state from the checkpoint files, and list them all: ${LIST_ADVICE}`,
    });
  }
  const resumedWrong = found.some((d) => d.code === 'restarted-from-scratch' || d.code === 'checkpoint-differs');
  if (evidence.graceLost) {
    found.push({
      code: 'state-lost-at-eviction',
      message: 'the job handles the eviction signal to save its state, but with when_to_transfer_output = ON_EXIT nothing was sent at the eviction: the restart went without what it saved',
      advice: 'set when_to_transfer_output = ON_EXIT_OR_EVICT (and write the state atomically), or better, checkpoint with checkpoint_exit_code on your own schedule',
    });
  }
  const { comparison } = evidence;
  if (comparison.kind === 'command' && !comparison.matched) {
    found.push({ code: 'output-differs', message: `'${comparison.command}' says the outputs differ: ${lastLine(comparison.output)}`, advice: 'compare the run directory with the reference' });
  }
  if (comparison.kind === 'files') {
    const restoredFiles = new Set(evidence.restored ? evidence.restoredFiles : []);
    for (const file of comparison.files.filter((f) => !(f.status === 'missing' && restoredFiles.has(f.name)))) {
      const which = file.name === evidence.stdoutName ? `stdout (${file.name})` : file.name === evidence.stderrName ? `stderr (${file.name})` : file.name;
      if (file.status === 'missing' || file.lostLines !== undefined) {
        const lost = file.status === 'missing' ? 'is missing' : `lost its first ${file.lostLines} line(s) at the restart`;
        found.push({
          code: 'output-lost',
          message: `${which} ${lost}`,
          advice: file.name === evidence.stdoutName || file.name === evidence.stderrName ? 'do not truncate or rotate stdout/stderr yourself; HTCondor appends to them across restarts' : `add ${file.name} to transfer_checkpoint_files: ${LIST_ADVICE}`,
        });
      } else if (file.status !== 'same' && !resumedWrong) {
        const detail = file.status === 'extra' ? 'exists only in this run' : `differs from line ${file.line}: expected '${file.expected}', got '${file.actual}'`;
        found.push({ code: 'output-differs', message: `${which} ${detail}`, advice: 'if the difference is expected (times, hosts), pass --compare CMD to judge the outputs yourself' });
      }
    }
  }
  if (end.kind === 'exit' && troubled && !found.some((d) => d.code !== 'eviction-missed')) {
    const message = evidence.referenceExitCode === undefined ? `the undisturbed job exited ${end.exitCode}` : `exit code ${end.exitCode}, the reference exited ${evidence.referenceExitCode}`;
    found.push({ code: 'exit-differs', message: `${message}${evidence.stderr.trim() ? `: ${lastLine(evidence.stderr)}` : ''}`, advice: "see the job's stderr" });
  }
  return found;
}
