import { parseStatements } from '@tinycondor/shared/submit/parser';
import { splitFileList } from '@tinycondor/shared/transfer-files';
import { parseDuration } from './interval.js';

/** One mistake the seeds and HTCondor's manual warn about, found in the submit file before any run. */
export interface LintFinding {
  code:
    | 'checkpoint-exit-code-zero'
    | 'no-checkpoint-list'
    | 'output-list-is-checkpoint'
    | 'checkpoint-file-as-input'
    | 'signal-only-checkpoint'
    | 'state-on-signal-not-sent'
    | 'interval-exceeds-execute-duration'
    | 'checkpoint-and-evict-transfer';
  /** 'error': HTCondor will hold the job or lose its work; 'warning': it may. */
  severity: 'error' | 'warning';
  /** The submit file line the finding is about. */
  line: number;
  message: string;
  /** What HTCondor does with it. */
  htcondor: string;
}

interface Command {
  value: string;
  line: number;
}

/** The last assignment of each submit command (names compared case-insensitively, `+Attr` as `+attr`). */
function lastAssignments(text: string, file: string): Map<string, Command> {
  const commands = new Map<string, Command>();
  for (const statement of parseStatements(text, file)) {
    if (statement.kind === 'assign') commands.set(statement.name.toLowerCase(), { value: statement.value, line: statement.pos.line });
  }
  return commands;
}

/** The exit code the job promises after a checkpoint, and where: checkpoint_exit_code or the 8.8/8.6 attributes. */
function checkpointExit(commands: Map<string, Command>): Command | undefined {
  return commands.get('checkpoint_exit_code') ?? commands.get('+successcheckpointexitcode') ?? commands.get('+checkpointexitcode');
}

const names = (command: Command | undefined): string[] => (command ? splitFileList(command.value).map((n) => n.replace(/\/+$/, '')) : []);

/** The seconds `timeout DURATION` gives the program in a wrapper script (the campus guide's exit-driven pattern). */
export function timeoutInterval(script: string): number | undefined {
  for (const line of script.split('\n')) {
    if (line.trim().startsWith('#')) continue;
    const match = /(?:^|[\s;&|/])timeout\s+(?:-[A-Za-z-]+(?:[ =]\S+)?\s+)*([0-9]+(?:\.[0-9]+)?[smhd]?)\s/.exec(`${line} `);
    if (match) return parseDuration(match[1]);
  }
  return undefined;
}

/**
 * Whether the script exits with `code` only from a signal handler: a bash `trap '... exit 85' SIG`, or a
 * Python function registered with signal.signal. Such a job checkpoints only when signalled.
 */
export function checkpointsOnlyOnSignal(script: string, code: string): boolean {
  const lines = script.split('\n');
  const exitPattern = new RegExp(`(?:\\bexit\\s+${code}\\b|exit\\(\\s*${code}\\s*\\))`);
  const exits = lines.map((line, i) => ({ line, i })).filter(({ line }) => !line.trim().startsWith('#') && exitPattern.test(line));
  if (exits.length === 0) return false;
  if (exits.every(({ line }) => /^\s*trap\s/.test(line))) return true;
  const handlers = new Set([...script.matchAll(/signal\.signal\(\s*[^,]+,\s*([A-Za-z_]\w*)\s*\)/g)].map((m) => m[1]));
  if (handlers.size === 0) return false;
  const indent = (line: string) => line.match(/^\s*/)?.[0].length ?? 0;
  // Up through the enclosing blocks (each less indented) to the first def: is it a registered handler?
  const inHandler = (index: number): boolean => {
    let level = indent(lines[index]);
    for (let i = index - 1; i >= 0 && level > 0; i--) {
      if (lines[i].trim() === '' || lines[i].trim().startsWith('#') || indent(lines[i]) >= level) continue;
      const def = /^\s*def\s+([A-Za-z_]\w*)/.exec(lines[i]);
      if (def) return handlers.has(def[1]);
      level = indent(lines[i]);
    }
    return false;
  };
  return exits.every(({ i }) => inHandler(i));
}

/** Whether the script handles the signal an eviction sends (KillSig, SIGTERM unless `killSig` names another). */
export function handlesKillSignal(script: string, killSig: string | undefined): boolean {
  const name = (killSig ?? 'SIGTERM').replace(/^"|"$/g, '').toUpperCase().replace(/^SIG/, '');
  const bash = new RegExp(`^\\s*trap\\s+.*\\s(?:SIG)?${name}\\b`, 'm');
  const python = new RegExp(`signal\\.signal\\(\\s*signal\\.SIG${name}\\b`);
  return bash.test(script) || python.test(script);
}

/**
 * Static checks of a self-checkpointing submit file (and, when readable, its executable script): each
 * finding names the line and what HTCondor would do. Values with macros are taken as written.
 */
export function lintSubmit(text: string, file: string, script: string | undefined): LintFinding[] {
  const commands = lastAssignments(text, file);
  const findings: LintFinding[] = [];
  const exit = checkpointExit(commands);
  const checkpointList = commands.get('transfer_checkpoint_files');
  const outputList = commands.get('transfer_output_files');
  const inputList = commands.get('transfer_input_files');
  const when = commands.get('when_to_transfer_output');
  const onExitOrEvict = when?.value.trim().toUpperCase() === 'ON_EXIT_OR_EVICT';

  if (exit && exit.value.trim() === '0') {
    findings.push({
      code: 'checkpoint-exit-code-zero',
      severity: 'error',
      line: exit.line,
      message: 'the checkpoint exit code is 0, the code a finished job exits with',
      htcondor: 'HTCondor takes every exit 0 for a checkpoint and restarts the job: it never finishes',
    });
  }
  if (exit && !checkpointList && !outputList) {
    findings.push({
      code: 'no-checkpoint-list',
      severity: 'warning',
      line: exit.line,
      message: 'a checkpoint exit code is set, but neither transfer_checkpoint_files nor transfer_output_files says what the checkpoint is',
      htcondor: 'HTCondor then checkpoints every file the job created or changed at the top of its sandbox, and no directory: state kept in a subdirectory is lost at every eviction',
    });
  }
  if (exit && !checkpointList && outputList) {
    findings.push({
      code: 'output-list-is-checkpoint',
      severity: 'warning',
      line: outputList.line,
      message: `no transfer_checkpoint_files, so the checkpoint is transfer_output_files (${names(outputList).join(', ')}), as in HTCondor 8.8`,
      htcondor: 'HTCondor sends exactly these files at each checkpoint: one not created yet at the first checkpoint exit holds the job, and state not listed is lost at every eviction; name the state in transfer_checkpoint_files',
    });
  }
  const inputs = new Set(names(inputList).map((n) => n.replace(/^.*\//, '')));
  for (const name of names(checkpointList)) {
    if (inputList && inputs.has(name.replace(/^.*\//, ''))) {
      findings.push({
        code: 'checkpoint-file-as-input',
        severity: 'error',
        line: inputList.line,
        message: `${name} is in transfer_checkpoint_files (line ${checkpointList?.line}) and in transfer_input_files`,
        htcondor: `at the first start no checkpoint exists yet: HTCondor holds the job when ${name} is not in the submit directory (Transfer input files failure), and a stale one there makes every first start resume from it; checkpoint files come back by themselves`,
      });
    }
  }
  const code = exit?.value.trim();
  if (script !== undefined && code !== undefined && /^[0-9]+$/.test(code) && !onExitOrEvict && checkpointsOnlyOnSignal(script, code)) {
    findings.push({
      code: 'signal-only-checkpoint',
      severity: 'error',
      line: when?.line ?? exit?.line ?? 1,
      message: `the executable exits ${code} only from a signal handler, and when_to_transfer_output is ${when ? when.value.trim() : 'ON_EXIT (the default)'}`,
      htcondor: 'HTCondor sends no signal before a checkpoint, and at an eviction (KillSig, SIGTERM by default) it transfers nothing with ON_EXIT: the job never checkpoints and every eviction loses all its work; exit with the checkpoint code on your own schedule',
    });
  }
  if (script !== undefined && !exit && !onExitOrEvict && handlesKillSignal(script, commands.get('kill_sig')?.value)) {
    findings.push({
      code: 'state-on-signal-not-sent',
      severity: 'warning',
      line: when?.line ?? 1,
      message: `the executable handles the eviction's signal (${commands.get('kill_sig')?.value.trim() ?? 'SIGTERM'}), to save its state it seems, but when_to_transfer_output is ${when ? when.value.trim() : 'ON_EXIT (the default)'}`,
      htcondor: 'HTCondor transfers nothing at an eviction unless when_to_transfer_output = ON_EXIT_OR_EVICT: what the job saves in its grace (job_max_vacate_time) is lost with the sandbox',
    });
  }
  const allowed = commands.get('allowed_execute_duration');
  const interval = script === undefined ? undefined : timeoutInterval(script);
  if (allowed && /^[0-9]+$/.test(allowed.value.trim()) && interval !== undefined && interval >= Number(allowed.value.trim())) {
    findings.push({
      code: 'interval-exceeds-execute-duration',
      severity: 'error',
      line: allowed.line,
      message: `the executable runs its program for ${interval} s between checkpoints (timeout), but allowed_execute_duration is ${allowed.value.trim()} s`,
      htcondor: 'HTCondor holds a job that executes longer than allowed_execute_duration since its start or its last checkpoint ("The job exceeded allowed execute duration"): it is held before its first checkpoint',
    });
  }
  if (exit && onExitOrEvict && when) {
    findings.push({
      code: 'checkpoint-and-evict-transfer',
      severity: 'warning',
      line: when.line,
      message: 'when_to_transfer_output = ON_EXIT_OR_EVICT with a checkpoint exit code',
      htcondor: 'HTCondor also sends the files at an eviction, whatever state they are in, over the last checkpoint: a state file caught mid-write replaces a good checkpoint; the manual says not to set it for checkpointing jobs',
    });
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** The findings as the report's first section. */
export function formatLint(file: string, findings: LintFinding[]): string {
  if (findings.length === 0) return `static checks of ${file}: nothing found\n`;
  const lines = [`static checks of ${file}: ${findings.length} finding(s)`];
  for (const f of findings) lines.push(`  ${file}:${f.line}: ${f.severity} ${f.code}: ${f.message}`, `    -> ${f.htcondor}`);
  return `${lines.join('\n')}\n`;
}
