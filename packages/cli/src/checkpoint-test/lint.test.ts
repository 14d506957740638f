import t from 'tap';
import { checkpointsOnlyOnSignal, formatLint, handlesKillSignal, lintSubmit, timeoutInterval } from './lint.js';

const codes = (text: string, script?: string) => lintSubmit(text, 'job.sub', script).map((f) => `${f.line}:${f.code}`);

t.test('a correct submit file (the manual\'s example with transfer_checkpoint_files) has no findings', async (t) => {
  t.same(codes('executable = example.py\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = example.checkpoint\nshould_transfer_files = yes\nqueue\n', 'sys.exit(85)\n'), []);
});

t.test('checkpoint code but no list; the output list as checkpoint (8.8 style); exit code 0', async (t) => {
  t.same(codes('executable = a.sh\ncheckpoint_exit_code = 85\nqueue\n'), ['2:no-checkpoint-list']);
  t.same(codes('+WantFTOnCheckpoint = TRUE\n+SuccessCheckpointExitCode = 77\ntransfer_output_files = 77.ckpt\nqueue\n'), ['3:output-list-is-checkpoint']);
  t.same(codes('checkpoint_exit_code = 0\ntransfer_checkpoint_files = s\nqueue\n'), ['1:checkpoint-exit-code-zero']);
  const [finding] = lintSubmit('executable = a.sh\ncheckpoint_exit_code = 85\nqueue\n', 'job.sub', undefined);
  t.match(finding.htcondor, /every file the job created or changed at the top of its sandbox, and no directory/);
});

t.test('a checkpoint file also in transfer_input_files', async (t) => {
  const findings = lintSubmit('checkpoint_exit_code = 85\ntransfer_checkpoint_files = state.txt, out/\ntransfer_input_files = data.csv, ./state.txt\nqueue\n', 'job.sub', undefined);
  t.same(findings.map((f) => [f.line, f.code, f.severity]), [[3, 'checkpoint-file-as-input', 'error']]);
  t.equal(findings[0].message, 'state.txt is in transfer_checkpoint_files (line 2) and in transfer_input_files');
});

t.test('a job that exits with its checkpoint code only from a signal handler, with ON_EXIT', async (t) => {
  const bash = "#!/bin/bash\ntrap 'save; exit 85' USR1\nwhile work; do :; done\n";
  t.equal(checkpointsOnlyOnSignal(bash, '85'), true);
  t.equal(checkpointsOnlyOnSignal(`${bash}[ $n -eq 3 ] && exit 85\n`, '85'), false, 'also exits 85 on its own');
  const python = 'import signal, sys\ndef on_term(signum, frame):\n    save()\n    sys.exit(85)\nsignal.signal(signal.SIGTERM, on_term)\nwork()\n';
  t.equal(checkpointsOnlyOnSignal(python, '85'), true);
  t.equal(checkpointsOnlyOnSignal(`${python}if done:\n    sys.exit(85)\n`, '85'), false);
  t.equal(checkpointsOnlyOnSignal('sys.exit(0)\n', '85'), false);
  const submit = 'executable = job.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = state.txt\nwhen_to_transfer_output = ON_EXIT\nqueue\n';
  t.same(codes(submit, bash), ['4:signal-only-checkpoint']);
  t.same(codes(submit.replace('ON_EXIT', 'ON_EXIT_OR_EVICT'), bash), ['4:checkpoint-and-evict-transfer'], 'with ON_EXIT_OR_EVICT the handler\'s state is sent at eviction');
});

t.test('an interval that will not fit allowed_execute_duration', async (t) => {
  t.equal(timeoutInterval('#!/bin/bash\n# timeout 9h is the usual\ntimeout 4h do_science arg1\n'), 4 * 3600);
  t.equal(timeoutInterval('/usr/bin/timeout --signal=TERM 90s ./x\n'), 90);
  t.equal(timeoutInterval('echo no time limit\n'), undefined);
  const submit = 'executable = exit-driven.sh\ncheckpoint_exit_code = 85\ntransfer_checkpoint_files = ckpt\nallowed_execute_duration = 3600\nqueue\n';
  const findings = lintSubmit(submit, 'job.sub', 'timeout 4h do_science\n[ $? -eq 124 ] && exit 85\n');
  t.same(findings.map((f) => `${f.line}:${f.code}`), ['4:interval-exceeds-execute-duration']);
  t.match(findings[0].htcondor, /The job exceeded allowed execute duration/);
  t.same(codes(submit, 'timeout 30m do_science\n'), [], 'fits');
});

t.test('formatLint names the file and line', async (t) => {
  t.equal(formatLint('job.sub', []), 'static checks of job.sub: nothing found\n');
  t.match(formatLint('job.sub', lintSubmit('checkpoint_exit_code = 85\nqueue\n', 'job.sub', undefined)), /^static checks of job\.sub: 1 finding\(s\)\n {2}job\.sub:1: warning no-checkpoint-list: .*\n {4}-> HTCondor then checkpoints /);
});

t.test('a job that saves its state on the eviction signal, but nothing is sent at eviction', async (t) => {
  const bash = "#!/bin/bash\ntrap 'echo $n > state.txt; exit 143' TERM\nwhile :; do sleep 1; done\n";
  t.equal(handlesKillSignal(bash, undefined), true);
  t.equal(handlesKillSignal(bash, 'SIGUSR1'), false, 'KillSig names another signal');
  t.equal(handlesKillSignal('import signal\nsignal.signal(signal.SIGTERM, save)\n', undefined), true);
  t.same(codes('executable = job.sh\nwhen_to_transfer_output = ON_EXIT\nqueue\n', bash), ['2:state-on-signal-not-sent']);
  t.same(codes('executable = job.sh\nqueue\n', bash), ['1:state-on-signal-not-sent'], 'ON_EXIT is the default');
  t.same(codes('executable = job.sh\nwhen_to_transfer_output = ON_EXIT_OR_EVICT\njob_max_vacate_time = 5\nqueue\n', bash), []);
});
