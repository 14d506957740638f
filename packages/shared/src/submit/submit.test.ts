import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { ClassAd } from '../classad/index.js';
import type { ProcOverlay } from '../cluster-ad.js';
import type { FileProbe, SubmitContext } from './context.js';
import { testSubmitContext } from './context.test-support.js';
import { MacroUsage, SubmitError, expandProcs, forEachProcOverlay, parseSubmitFile } from './index.js';


/** A seed's submit file, verbatim (test/fixtures/seeds/, shared with the integration tests). */
function seedSubmit(name: string): string {
  const seeds = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures', 'seeds');
  return fs.readFileSync(path.join(seeds, name), 'utf8');
}

const context = testSubmitContext;

function submit(text: string, overrides: Partial<SubmitContext> = {}, clusterId = 7): ClassAd[] {
  const ctx = context(overrides);
  return expandProcs(parseSubmitFile(text, ctx), clusterId, ctx);
}

/** The ad's attributes (ClassAd source) restricted to the keys of `expected`. */
function pick(ad: ClassAd, expected: Record<string, string | undefined>): Record<string, string | undefined> {
  const json = ad.toJSON();
  return Object.fromEntries(Object.keys(expected).map((key) => [key, json[key]]));
}

type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];

function expectError(t: TapTest, text: string, message: string): void {
  t.throws(() => submit(text), { name: 'SubmitError', message }, message);
}

t.test('a minimal job gets every default attribute', async (t) => {
  const [ad, ...rest] = submit('executable = /bin/echo\nqueue\n');
  t.equal(rest.length, 0);
  t.same(ad!.toJSON(), {
    MyType: '"Job"',
    TargetType: '"Machine"',
    ClusterId: '7',
    ProcId: '0',
    QDate: '1700000000',
    EnteredCurrentStatus: '1700000000',
    CompletionDate: '0',
    Owner: '"alice"',
    User: '"alice@localhost"',
    JobUniverse: '5',
    NumJobStarts: '0',
    NumShadowStarts: '0',
    NumJobCompletions: '0',
    NumRestarts: '0',
    NumCkpts: '0',
    CommittedTime: '0',
    ImageSize: '0',
    DiskUsage: '1024',
    Iwd: '"/home/alice/jobs"',
    Cmd: '"/bin/echo"',
    Arguments: '""',
    Environment: '""',
    In: '"/dev/null"',
    TransferIn: 'false',
    Out: '"/dev/null"',
    TransferOut: 'false',
    Err: '"/dev/null"',
    TransferErr: 'false',
    ShouldTransferFiles: '"IF_NEEDED"',
    WhenToTransferOutput: '"ON_EXIT"',
    RequestCpus: '1',
    RequestMemory: '128',
    RequestDisk: '1024',
    Requirements: 'true',
    Rank: '0.0',
    OnExitRemove: 'true',
    OnExitHold: 'false',
    PeriodicHold: 'false',
    PeriodicRelease: 'false',
    PeriodicRemove: 'false',
    LeaveJobInQueue: 'false',
    JobStatus: '1',
    JobPrio: '0',
    JobNotification: '0',
    JobLeaseDuration: '2400',
  });
});

t.test('seed 000: exit-driven-example.submit (cpu = 1 is only a macro)', async (t) => {
  const text = seedSubmit('exit-driven-example.submit');
  const ads = submit(text);
  t.equal(ads.length, 1);
  t.same(
    pick(ads[0]!, {
      Cmd: '',
      Args: '',
      Arguments: '',
      SuccessCheckpointExitCode: '',
      WantFTOnCheckpoint: '',
      ShouldTransferFiles: '',
      WhenToTransferOutput: '',
      Out: '',
      Err: '',
      UserLog: '',
      RequestDisk: '',
      RequestMemory: '',
      RequestCpus: '',
      cpu: '',
    }),
    {
      Cmd: '"/home/alice/jobs/exit-driven.sh"',
      Args: '"argument1 argument2"',
      Arguments: undefined,
      SuccessCheckpointExitCode: '85',
      WantFTOnCheckpoint: 'true',
      ShouldTransferFiles: '"YES"',
      WhenToTransferOutput: '"ON_EXIT"',
      Out: '"example.out"',
      Err: '"example.err"',
      UserLog: '"/home/alice/jobs/example.log"',
      RequestDisk: '2097152',
      RequestMemory: '2048',
      RequestCpus: '1',
      cpu: undefined,
    },
  );
});

t.test('seed 001: example.submit from the self-checkpointing manual', async (t) => {
  const text = seedSubmit('example.submit');
  const [ad] = submit(text);
  t.same(
    pick(ad!, {
      Cmd: '',
      Arguments: '',
      TransferOutput: '',
      SuccessCheckpointExitCode: '',
      WantFTOnCheckpoint: '',
      ShouldTransferFiles: '',
    }),
    {
      Cmd: '"/home/alice/jobs/example.py"',
      Arguments: '""',
      TransferOutput: '"example.checkpoint"',
      SuccessCheckpointExitCode: '85',
      WantFTOnCheckpoint: 'true',
      ShouldTransferFiles: '"YES"',
    },
  );
});

const seed002 = `+WantFTOnCheckpoint         = TRUE
+SuccessCheckpointExitCode  = 77
transfer_output_files       = 77.ckpt
should_transfer_files       = yes

executable                  =
arguments                   =

output                      = 77-ckpt.out
error                       = 77-ckpt.err
log                         = 77-ckpt.log

queue 1
`;

t.test('seed 002: the 8.8 HOWTO file leaves executable empty, which HTCondor rejects as no executable', async (t) => {
  // submit_param gives no value for an empty one; SetExecutable's words, at the queue statement.
  expectError(t, seed002, "job.sub:13: No 'executable' parameter was provided");
});

t.test('an empty executable in a container job is no executable: the image\'s own command runs', async (t) => {
  const [ad] = submit('container_image = docker://alpine\nexecutable =\nqueue\n');
  t.same(pick(ad!, { Cmd: '', TransferExecutable: '' }), { Cmd: '""', TransferExecutable: 'false' });
});

t.test('shell: /bin/sh -c with the command line, not transferred; executable and arguments are not read', async (t) => {
  const [ad] = submit('shell = echo "Job running on `hostname`" && ls\nexecutable = a.sh\narguments = x\nqueue\n');
  t.same(pick(ad!, { Cmd: '', TransferExecutable: '', Arguments: '', Args: '' }), {
    Cmd: '"/bin/sh"',
    TransferExecutable: 'false',
    // ArgList's V2 raw form quotes each blank on its own (condor_arglist.cpp append_arg).
    Arguments: `"-c echo' '\\"Job' 'running' 'on' '\`hostname\`\\"' '&&' 'ls"`,
    Args: undefined,
  });
  const [alone] = submit('shell = ./version.sh\nqueue\n', { probeFile: () => ({ error: 'No such file or directory' }) });
  t.equal(alone!.getString('Cmd'), '/bin/sh', 'no executable needed, and none checked');
  const usage = new MacroUsage();
  const ctx = context();
  expandProcs(parseSubmitFile('shell = ls\nexecutable = a.sh\narguments = x\nqueue\n', ctx), 7, ctx, usage);
  t.same([usage.unimplemented(), usage.warnings()], [[], ["the line 'executable = a.sh' was unused by condor_submit. Is it a typo?"]], 'SetArguments looks arguments up before it sees shell; SetExecutable does not look executable up');
});

t.test('seed 002 with an executable: + attributes go in verbatim', async (t) => {
  const [ad] = submit(seed002.replace('executable                  =', 'executable = 77-ckpt.py'));
  t.same(pick(ad!, { WantFTOnCheckpoint: '', SuccessCheckpointExitCode: '', TransferOutput: '', Cmd: '' }), {
    WantFTOnCheckpoint: 'true',
    SuccessCheckpointExitCode: '77',
    TransferOutput: '"77.ckpt"',
    Cmd: '"/home/alice/jobs/77-ckpt.py"',
  });
  t.equal(ad!.names().includes('WantFTOnCheckpoint'), true, 'attribute name keeps its case');
});

t.test('seed 004: the OSG school slides submit file', async (t) => {
  const text = `executable = my_software
transfer_input_files = my_input.txt
transfer_checkpoint_files = my_output.txt, temp_dir, \\
                            temp_file.txt
transfer_output_files = my_output.txt
request_cpus = 1
request_memory = 1GB
request_disk = 1GB
log = example.log
output = example.out
error = example.err
checkpoint_exit_code = 85
queue
`;
  const [ad] = submit(text);
  t.same(
    pick(ad!, {
      TransferInput: '',
      TransferCheckpoint: '',
      TransferOutput: '',
      RequestCpus: '',
      RequestMemory: '',
      RequestDisk: '',
      SuccessCheckpointExitCode: '',
    }),
    {
      TransferInput: '"my_input.txt"',
      TransferCheckpoint: '"my_output.txt,temp_dir,temp_file.txt"',
      TransferOutput: '"my_output.txt"',
      RequestCpus: '1',
      RequestMemory: '1024',
      RequestDisk: '1048576',
      SuccessCheckpointExitCode: '85',
    },
  );
});

t.test('expressions and + attributes are read in old ClassAd syntax (AssignJobExpr: ParseClassAdRvalExpr)', async (t) => {
  const [ad] = submit('executable = /bin/true\n+Win = "C:\\dir\\x.exe"\n+Quoted = "a \\"b\\""\n+Trail = "D:\\out\\"\nrequirements = Win == "C:\\tmp"\nqueue\n');
  t.equal(ad!.getString('Win'), 'C:\\dir\\x.exe', 'a backslash is no escape');
  t.equal(ad!.getString('Quoted'), 'a "b"', '\\" is a quote');
  t.equal(ad!.getString('Trail'), 'D:\\out\\', 'a backslash before the closing quote at the end stays');
  t.equal(ad!.getOldSource('Requirements'), 'Win == "C:\\tmp"');
  t.equal(ad!.toText().match(/^Win = .*$/m)?.[0], 'Win = "C:\\dir\\x.exe"', 'and is written back as it was typed');
  expectError(t, 'executable = /bin/true\n+Bad = "a\\" && 1\nqueue\n', '+Bad: invalid ClassAd expression ""a\\" && 1" (syntax error at column 1: unterminated string)');
});

t.test('arguments: both syntaxes stored as HTCondor does', async (t) => {
  const ads = submit(`executable = a
arguments = "one 'two with spaces' 3"
queue
arguments = one \\"two\\" 'three'
queue
arguments = "one ""two"" 'spacey ''quoted'' argument'"
queue
`);
  t.same(pick(ads[0]!, { Arguments: '', Args: '' }), { Arguments: `"one two' 'with' 'spaces 3"`, Args: undefined });
  t.same(pick(ads[1]!, { Arguments: '', Args: '' }), { Arguments: undefined, Args: `"one \\"two\\" 'three'"` });
  t.equal(ads[2]!.getString('Arguments'), `one "two" spacey' '''quoted''' 'argument`);
});

t.test('environment: both syntaxes and getenv', async (t) => {
  const ads = submit(`executable = a
environment = "one=1 two=""2"" three='spacey ''quoted'' value'"
queue
environment =
env = one=1;two=2
queue
env = "A=1"
getenv = true
queue
env =
environment = "PATH=/mine"
getenv = HOME, PATH, L*
queue
getenv = false
environment = A=1;B=2
queue
`);
  t.equal(ads[0]!.getString('Environment'), `one=1 three=spacey' '''quoted''' 'value two="2"`);
  t.same(pick(ads[1]!, { Env: '', EnvDelim: '', Environment: '' }), {
    Env: '"one=1;two=2"',
    EnvDelim: '";"',
    Environment: undefined,
  });
  t.equal(ads[2]!.getString('Environment'), 'A=1 HOME=/home/alice LANG=C PATH=/usr/bin:/bin');
  t.equal(ads[3]!.getString('Environment'), 'HOME=/home/alice LANG=C PATH=/mine', 'explicit values win over getenv');
  t.equal(ads[4]!.getString('Environment'), 'A=1 B=2', 'the environment keyword always writes V2');
});

t.test('paths: initialdir, executable, log, x509userproxy', async (t) => {
  const [ad] = submit(`initialdir = run1
executable = ../bin/prog
log = logs/job.log
output = out.txt
input = in.txt
x509userproxy = /tmp/x509up_u1000
transfer_executable = false
log_xml = True
queue
`);
  t.same(pick(ad!, { Iwd: '', Cmd: '', UserLog: '', Out: '', In: '', x509userproxy: '', TransferExecutable: '', ULogUseXML: '' }), {
    Iwd: '"/home/alice/jobs/run1"',
    Cmd: '"/home/alice/bin/prog"',
    UserLog: '"/home/alice/jobs/run1/logs/job.log"',
    Out: '"out.txt"',
    In: '"in.txt"',
    x509userproxy: '"/tmp/x509up_u1000"',
    TransferExecutable: 'false',
    ULogUseXML: 'true',
  });
  const [empty] = submit('executable = a\nx509userproxy =\nqueue\n');
  t.equal(empty!.has('x509userproxy'), false, 'an empty x509userproxy is accepted and not stored');
});

t.test('transfer settings', async (t) => {
  const [ad] = submit(`executable = a
should_transfer_files = yes
when_to_transfer_output = on_exit_or_evict
transfer_input_files = a.txt,  b.txt c.txt
transfer_output_remaps = "out.txt = results/out.txt; log.txt=logs/log.txt"
preserve_relative_paths = true
checkpoint_destination = davs://example.org/ckpt
stream_output = true
output = out.txt
error = err.txt
queue
`);
  t.same(
    pick(ad!, {
      ShouldTransferFiles: '',
      WhenToTransferOutput: '',
      TransferInput: '',
      TransferOutputRemaps: '',
      PreserveRelativePaths: '',
      CheckpointDestination: '',
      StreamOut: '',
      StreamErr: '',
    }),
    {
      ShouldTransferFiles: '"YES"',
      WhenToTransferOutput: '"ON_EXIT_OR_EVICT"',
      TransferInput: '"a.txt,b.txt,c.txt"',
      TransferOutputRemaps: '"out.txt = results/out.txt; log.txt=logs/log.txt"',
      PreserveRelativePaths: 'true',
      CheckpointDestination: '"davs://example.org/ckpt"',
      StreamOut: 'true',
      StreamErr: 'false',
    },
  );
  const [noTransfer] = submit('executable = a\nshould_transfer_files = NO\nqueue\n');
  t.equal(noTransfer!.has('WhenToTransferOutput'), false);
});

t.test('should_transfer_files and when_to_transfer_output take the spellings HTCondor translates', async (t) => {
  const modes = (lines: string) => {
    const [ad] = submit(`executable = a\n${lines}\nqueue\n`);
    return pick(ad!, { ShouldTransferFiles: '', WhenToTransferOutput: '' });
  };
  for (const [spelling, stored] of [
    ['true', 'YES'], ['ALWAYS', 'YES'], ['Yes', 'YES'], ['auto', 'IF_NEEDED'], ['IF_NEEDED', 'IF_NEEDED'],
  ] as const) {
    t.same(modes(`should_transfer_files = ${spelling}`), { ShouldTransferFiles: `"${stored}"`, WhenToTransferOutput: '"ON_EXIT"' }, spelling);
  }
  for (const spelling of ['false', 'NEVER', 'no']) {
    t.same(modes(`should_transfer_files = ${spelling}`), { ShouldTransferFiles: '"NO"', WhenToTransferOutput: undefined }, spelling);
  }
  for (const [spelling, stored] of [['onexit', 'ON_EXIT'], ['always', 'ON_EXIT_OR_EVICT'], ['OnSuccess', 'ON_SUCCESS']] as const) {
    t.same(modes(`should_transfer_files = yes\nwhen_to_transfer_output = ${spelling}`), { ShouldTransferFiles: '"YES"', WhenToTransferOutput: `"${stored}"` }, spelling);
  }
  t.same(modes('when_to_transfer_output = ON_EXIT_OR_EVICT'), { ShouldTransferFiles: '"YES"', WhenToTransferOutput: '"ON_EXIT_OR_EVICT"' }, 'ON_EXIT_OR_EVICT alone makes the default YES');
  t.same(modes('should_transfer_files = NO\nwhen_to_transfer_output = NONE'), { ShouldTransferFiles: '"NO"', WhenToTransferOutput: undefined });
});

t.test('transfer_output_files = "" transfers nothing back; quoted file lists lose their quotes', async (t) => {
  const [none] = submit('executable = a\nshould_transfer_files = YES\ntransfer_output_files = ""\ntransfer_input_files = ""\nqueue\n');
  t.equal(none!.toJSON().TransferOutput, '""', 'an empty list, as SetTransferFiles stores it');
  t.equal(none!.has('TransferInput'), false, 'an empty input list is no input list');
  const [quoted] = submit('executable = a\ntransfer_output_files = "out.txt, ckpt"\ntransfer_input_files = " in.txt "\nqueue\n');
  t.same(pick(quoted!, { TransferOutput: '', TransferInput: '' }), { TransferOutput: '"out.txt,ckpt"', TransferInput: '"in.txt"' });
  const [unset] = submit('executable = a\ntransfer_output_files =\nqueue\n');
  t.equal(unset!.has('TransferOutput'), false, 'an empty value is no value: every new file comes back');
  t.throws(
    () => submit('executable = a\nshould_transfer_files = NO\ntransfer_output_files = ""\nqueue\n'),
    { message: /you specified files you want Condor to transfer via "transfer_output_files"/ },
    'an empty list is still a list given, as HTCondor counts it',
  );
});

t.test('a transferred executable must exist, be non-empty and not be a CRLF script, in condor_submit\'s words', async (t) => {
  const probed: string[] = [];
  const files: Record<string, FileProbe> = {
    '/home/alice/jobs/empty.sh': { size: 0, firstLine: '' },
    '/home/alice/jobs/dos.sh': { size: 20, firstLine: '#!/bin/sh\r\n' },
    '/home/alice/jobs/ok.sh': { size: 20, firstLine: '#!/bin/sh\n' },
  };
  const probeFile = (path: string): FileProbe => {
    probed.push(path);
    return files[path] ?? { error: 'No such file or directory' };
  };
  const refusal = (text: string) => {
    try {
      submit(text, { probeFile });
    } catch (err) {
      if (err instanceof SubmitError && err.condorWords) return `${err.line}: ${err.problem}`;
      throw err;
    }
    return 'accepted';
  };
  t.equal(refusal('executable = /no/such/file\nqueue\n'), "1: Can't access executable file /no/such/file: No such file or directory");
  t.equal(refusal('executable = empty.sh\nqueue\n'), '1: Executable file empty.sh has zero length');
  t.match(refusal('executable = dos.sh\nqueue\n'), /^1: Executable file dos\.sh is a script with CRLF \(DOS\/Windows\) line endings\.\nThis generally doesn't work, and you should probably run 'dos2unix dos\.sh'/);
  t.equal(refusal('executable = ok.sh\nqueue 3\n'), 'accepted');
  t.same(probed, ['/no/such/file', '/home/alice/jobs/empty.sh', '/home/alice/jobs/dos.sh', '/home/alice/jobs/ok.sh'], 'relative to the submit directory, once per cluster');
  probed.length = 0;
  t.equal(refusal('executable = /no/such/file\ntransfer_executable = false\nqueue\n'), 'accepted', 'not transferred: not checked');
  t.equal(refusal('executable = /opt/$$(Arch)/prog\nqueue\n'), 'accepted', 'chosen at match time: not checked');
  t.same(probed, []);
});

t.test('contradictory or unknown transfer modes are refused in condor_submit\'s words', async (t) => {
  const refusal = (lines: string) => {
    try {
      submit(`executable = a\n${lines}\nqueue\n`);
    } catch (err) {
      if (err instanceof SubmitError && err.condorWords) return err.problem;
      throw err;
    }
    return 'accepted';
  };
  t.equal(refusal('should_transfer_files = maybe'), 'invalid value (maybe) for ShouldTransferFiles.  Please either specify YES, NO, or IF_NEEDED and try again.');
  t.equal(refusal('when_to_transfer_output = NEVER'), 'invalid value (NEVER) for WhenToTransferOutput.  Please either specify ON_EXIT, or ON_EXIT_OR_EVICT and try again.');
  t.equal(
    refusal('should_transfer_files = NO\nwhen_to_transfer_output = ON_EXIT'),
    'WhenToTransferOutput specified as ON_EXIT yet ShouldTransferFiles defined as NO.  Please remove this contradiction from your submit file and try again.',
  );
  t.equal(
    refusal('should_transfer_files = YES\nwhen_to_transfer_output = none'),
    'WhenToTransferOutput specified as none yet ShouldTransferFiles defined as YES.  Please remove this contradiction from your submit file and try again.',
  );
  t.match(refusal('should_transfer_files = IF_NEEDED\nwhen_to_transfer_output = ON_EXIT_OR_EVICT'), /^"when_to_transfer_output = ON_EXIT_OR_EVICT" and "should_transfer_files = IF_NEEDED" are incompatible\./);
  t.equal(
    refusal('should_transfer_files = never\ntransfer_input_files = a.txt\ntransfer_output_files = b.txt'),
    'you specified files you want Condor to transfer via "transfer_input_files" and "transfer_output_files", but you disabled should_transfer_files.',
  );
  t.equal(
    refusal('should_transfer_files = false\ntransfer_output_files = b.txt'),
    'you specified files you want Condor to transfer via "transfer_output_files", but you disabled should_transfer_files.',
  );
  t.match(refusal('should_transfer_files = NO\ntransfer_executable = true'), /^You explicitly requested that the executable be transfered, but/);
  t.throws(() => submit('executable = a\nshould_transfer_files = maybe\nqueue\n'), { message: /^job\.sub:2: invalid value \(maybe\)/ }, 'the error still names the line');
});

t.test('resources, requirements, rank', async (t) => {
  const ads = submit(`executable = a
request_cpus = 4
request_memory = 512
request_disk = 3 mb
requirements = OpSys == "LINUX" && Memory >= 1024
rank = Memory
queue
request_memory = 2g
request_disk = 2 GB
request_cpus = TARGET.Cpus
queue
request_memory = 1536 KB
request_disk = 10
queue
`);
  t.same(pick(ads[0]!, { RequestCpus: '', RequestMemory: '', RequestDisk: '', Requirements: '', Rank: '' }), {
    RequestCpus: '4',
    RequestMemory: '512',
    RequestDisk: '3072',
    Requirements: 'OpSys == "LINUX" && Memory >= 1024',
    Rank: 'Memory',
  });
  t.same(pick(ads[1]!, { RequestCpus: '', RequestMemory: '', RequestDisk: '' }), {
    RequestCpus: 'TARGET.Cpus',
    RequestMemory: '2048',
    RequestDisk: '2097152',
  });
  t.same(pick(ads[2]!, { RequestMemory: '', RequestDisk: '' }), { RequestMemory: '2', RequestDisk: '10' });
});

t.test('a request that is no size is an expression (SetRequestCpus, SetRequestMem, SetRequestDisk); "undefined" sets none', async (t) => {
  const [ad] = submit('executable = a\nrequest_cpus = 2.5\nrequest_memory = 2*1024\nrequest_disk = MY.RequestMemory * 1024\nqueue\n');
  t.same(pick(ad!, { RequestCpus: '', RequestMemory: '', RequestDisk: '' }), { RequestCpus: '2.5', RequestMemory: '2 * 1024', RequestDisk: 'MY.RequestMemory * 1024' });
  t.equal(ad!.getInt('RequestMemory'), 2048);
  const [none] = submit('executable = a\nrequest_cpus = undefined\nrequest_memory = UNDEFINED\nrequest_disk = undefined\nqueue\n');
  t.same(['RequestCpus', 'RequestMemory', 'RequestDisk'].filter((name) => none!.has(name)), []);
});

t.test('request_gpus and request_<tag>: Request<tag> and the Requirements clause condor_submit adds for each', async (t) => {
  const ads = submit(`executable = a
request_gpus = 1
request_Widgets = 2
request_zero = 0
request_Licence = "matlab"
queue
request_gpus = undefined
request_Widgets = 2 * $(Process)
requirements = TARGET.Widgets > 0
queue
`);
  t.same(pick(ads[0]!, { RequestGPUs: '', RequestWidgets: '', Requestzero: '', RequestLicence: '', Requirements: '' }), {
    RequestGPUs: '1',
    RequestWidgets: '2',
    Requestzero: '0',
    RequestLicence: '"matlab"',
    Requirements: '(TARGET.GPUs >= RequestGPUs) && regexp(RequestLicence,TARGET.Licence) && (TARGET.Widgets >= RequestWidgets)',
  });
  t.equal(ads[1]!.has('RequestGPUs'), false, 'request_gpus = undefined sets nothing');
  t.equal(ads[1]!.getSource('RequestWidgets'), '2 * 1');
  t.equal(ads[1]!.getSource('Requirements'), '(TARGET.Widgets > 0) && regexp(RequestLicence,TARGET.Licence)', 'no clause for a resource the requirements name');
  const [alias] = submit('executable = a\nRequestGPUs = 2\nqueue\n');
  t.equal(alias!.getSource('RequestGPUs'), '2', 'the attribute name as the command, as submit_param looks it up');
  const [mistaken] = submit('executable = a\nrequest_gpus = 1\nrequest_gpus_memory = 4G\nqueue\n');
  t.equal(mistaken!.has('Requestgpus_memory'), false, 'request_gpus_memory is no resource (condor_submit warns of it)');
  t.throws(() => submit('executable = a\nrequest_gpus = 1 +\nqueue\n'), /request_gpus: invalid ClassAd expression/);
});

t.test('require_gpus and gpus_minimum_*: RequireGPUs, counted in the machine\'s AvailableGPUs (SetRequestGpus, SetResourceRequirements)', async (t) => {
  const [ad] = submit('executable = a\nrequest_gpus = 1\nrequire_gpus = Capability >= 8.0\nqueue\n');
  t.same(pick(ad!, { RequireGPUs: '', Requirements: '' }), {
    RequireGPUs: 'Capability >= 8.0',
    Requirements: '(countMatches(MY.RequireGPUs,TARGET.AvailableGPUs) >= RequestGPUs)',
  });
  const [min] = submit(
    'executable = a\nrequest_gpus = 2\ngpus_minimum_capability = 7.5\ngpus_maximum_capability = 9\ngpus_minimum_memory = 16G\ngpus_minimum_runtime = 12.1\nqueue\n',
  );
  t.same(pick(min!, { GPUsMinCapability: '', GPUsMaxCapability: '', GPUsMinMemory: '', GPUsMinRuntime: '', RequireGPUs: '' }), {
    GPUsMinCapability: '7.5',
    GPUsMaxCapability: '9',
    GPUsMinMemory: '16384',
    GPUsMinRuntime: '12010',
    RequireGPUs: 'Capability >= GPUsMinCapability && Capability <= GPUsMaxCapability && GlobalMemoryMb >= GPUsMinMemory && MaxSupportedVersion >= GPUsMinRuntime',
  });
  const [both] = submit('executable = a\nrequest_gpus = 1\nrequire_gpus = DeviceName == "A100" || Capability > 9\ngpus_minimum_capability = 8\ngpus_minimum_memory = 4000\nqueue\n');
  t.equal(both!.getSource('RequireGPUs'), '(DeviceName == "A100" || Capability > 9) && GlobalMemoryMb >= GPUsMinMemory', 'require_gpus names Capability: gpus_minimum_capability adds no clause');
  t.equal(both!.getSource('GPUsMinMemory'), '4000', 'MB without a unit');
  t.equal(submit('executable = a\nrequest_gpus = 1\ngpus_minimum_runtime = 12010\nqueue\n')[0]!.getSource('GPUsMinRuntime'), '12010', 'already major × 1000 + minor × 10');
  t.equal(submit('executable = a\nrequest_gpus = 1\ngpus_minimum_runtime = MyRuntime\nqueue\n')[0]!.getSource('GPUsMinRuntime'), 'MyRuntime', 'an expression');
  const [none] = submit('executable = a\nrequire_gpus = Capability >= 8.0\ngpus_minimum_memory = 4G\nqueue\n');
  t.same([none!.has('RequireGPUs'), none!.has('GPUsMinMemory')], [false, false], 'read only for a job requesting GPUs');
});

t.test('status, priority, notification, signals, batch name, accounting group', async (t) => {
  const [ad] = submit(`executable = a
hold = true
priority = -5
notification = Complete
notify_user = alice@example.org
kill_sig = SIGUSR1
remove_kill_sig = 9
hold_kill_sig = term
job_max_vacate_time = 120
batch_name = sweep
accounting_group = group_physics
leave_in_queue = JobStatus == 4
universe = Vanilla
queue
`);
  t.same(
    pick(ad!, {
      JobStatus: '',
      HoldReason: '',
      HoldReasonCode: '',
      JobPrio: '',
      JobNotification: '',
      NotifyUser: '',
      KillSig: '',
      RemoveKillSig: '',
      HoldKillSig: '',
      JobMaxVacateTime: '',
      JobBatchName: '',
      AcctGroup: '',
      AcctGroupUser: '',
      AccountingGroup: '',
      LeaveJobInQueue: '',
      JobUniverse: '',
    }),
    {
      JobStatus: '5',
      HoldReason: `"submitted on hold at user's request"`,
      HoldReasonCode: '15',
      JobPrio: '-5',
      JobNotification: '2',
      NotifyUser: '"alice@example.org"',
      KillSig: '"SIGUSR1"',
      RemoveKillSig: '"SIGKILL"',
      HoldKillSig: '"SIGTERM"',
      JobMaxVacateTime: '120',
      JobBatchName: '"sweep"',
      AcctGroup: '"group_physics"',
      AcctGroupUser: '"alice"',
      AccountingGroup: '"group_physics.alice"',
      LeaveJobInQueue: 'JobStatus == 4',
      JobUniverse: '5',
    },
  );
  const [fromCli] = submit('executable = a\nbatch_name = file\nqueue\n', { batchName: 'cli', uidDomain: 'example.org' });
  t.same(pick(fromCli!, { JobBatchName: '', User: '' }), { JobBatchName: '"cli"', User: '"alice@example.org"' });
});

t.test('exit and periodic policy', async (t) => {
  const ads = submit(`executable = a
on_exit_remove = ExitCode =!= 3
on_exit_hold = ExitCode == 4
on_exit_hold_reason = "four"
on_exit_hold_subcode = 4
periodic_hold = NumJobStarts > 3
periodic_hold_reason = "too many starts"
periodic_hold_subcode = 42
periodic_release = HoldReasonCode == 3
periodic_remove = JobStatus == 5
allowed_execute_duration = 3600
allowed_job_duration = 7200
queue
on_exit_remove =
max_retries = 5
queue
success_exit_code = 3
queue
retry_until = ExitCode == 7
on_exit_remove = ExitSignal =?= 9
queue
max_retries =
success_exit_code =
retry_until = 9
on_exit_remove =
queue
`);
  t.same(
    pick(ads[0]!, {
      OnExitRemove: '',
      OnExitHold: '',
      OnExitHoldReason: '',
      OnExitHoldSubCode: '',
      PeriodicHold: '',
      PeriodicHoldReason: '',
      PeriodicHoldSubCode: '',
      PeriodicRelease: '',
      PeriodicRemove: '',
      AllowedExecuteDuration: '',
      AllowedJobDuration: '',
      JobMaxRetries: '',
    }),
    {
      OnExitRemove: 'ExitCode =!= 3',
      OnExitHold: 'ExitCode == 4',
      OnExitHoldReason: '"four"',
      OnExitHoldSubCode: '4',
      PeriodicHold: 'NumJobStarts > 3',
      PeriodicHoldReason: '"too many starts"',
      PeriodicHoldSubCode: '42',
      PeriodicRelease: 'HoldReasonCode == 3',
      PeriodicRemove: 'JobStatus == 5',
      AllowedExecuteDuration: '3600',
      AllowedJobDuration: '7200',
      JobMaxRetries: undefined,
    },
  );
  t.same(pick(ads[1]!, { JobMaxRetries: '', OnExitRemove: '' }), {
    JobMaxRetries: '5',
    OnExitRemove: 'NumJobCompletions > JobMaxRetries || ExitCode =?= 0',
  });
  t.same(pick(ads[2]!, { JobMaxRetries: '', JobSuccessExitCode: '', OnExitRemove: '' }), {
    JobMaxRetries: '5',
    JobSuccessExitCode: '3',
    OnExitRemove: 'NumJobCompletions > JobMaxRetries || ExitCode =?= JobSuccessExitCode',
  });
  t.equal(
    ads[3]!.getSource('OnExitRemove'),
    'NumJobCompletions > JobMaxRetries || ExitCode =?= JobSuccessExitCode || (ExitCode == 7) || (ExitSignal =?= 9)',
  );
  t.same(pick(ads[4]!, { JobMaxRetries: '', OnExitRemove: '' }), {
    JobMaxRetries: '2',
    OnExitRemove: 'NumJobCompletions > JobMaxRetries || ExitCode =?= 0 || ExitCode =?= 9',
  });
});

t.test('+Attr and MY.Attr: verbatim names, expressions, macros, overrides', async (t) => {
  const [ad] = submit(`executable = a
+WantCheckpointSignal = true
+CheckpointSig = "SIGUSR2"
MY.CheckpointExitCode = 85
+Label = "run-$(Process)"
+RequestMemory = 4096
+checkpointsig = "SIGTERM"
want = $(MY.CheckpointExitCode)
arguments = $(want)
queue
`);
  t.same(ad!.names().filter((name) => /^checkpointsig$/i.test(name)), ['CheckpointSig'], 'first spelling kept');
  t.same(pick(ad!, { WantCheckpointSignal: '', CheckpointSig: '', CheckpointExitCode: '', Label: '', RequestMemory: '', Args: '' }), {
    WantCheckpointSignal: 'true',
    CheckpointSig: '"SIGTERM"',
    CheckpointExitCode: '85',
    Label: '"run-0"',
    RequestMemory: '4096',
    Args: '"85"',
  });
  t.equal(ad!.has('WantFTOnCheckpoint'), false);
});

t.test('macros: definitions, defaults, predefined names, later overrides', async (t) => {
  const ads = submit(
    `name = base
Name = sim
dir = $(name)_out
executable = $(dir)/run.sh
arguments = $(Cluster) $(ClusterId) $(Process) $(ProcId) $(JobId) $(Step) $(ItemIndex) $(Row) $(Item:none) $(missing:dflt) $ENV(HOME) $(DOLLAR)(x) $$(Memory) $(SUBMIT_FILE)
output = out.$(Cluster).$(Process)
queue 2
name = second
queue
`,
    {},
    42,
  );
  t.equal(ads.length, 3);
  t.equal(ads[0]!.getString('Cmd'), '/home/alice/jobs/sim_out/run.sh');
  t.equal(ads[0]!.getString('Args'), '42 42 0 0 42.0 0 0 0 none dflt /home/alice $(x) $$(Memory) job.sub');
  t.equal(ads[1]!.getString('Args'), '42 42 1 1 42.1 1 0 0 none dflt /home/alice $(x) $$(Memory) job.sub');
  t.equal(ads[1]!.getString('Out'), 'out.42.1');
  t.equal(ads[2]!.getString('Cmd'), '/home/alice/jobs/second_out/run.sh', 'later definitions are seen by later queues');
  t.equal(ads[2]!.getInt('ProcId'), 2);
});

t.test('macros: IsLinux and IsWindows, HTCondor\'s submit defaults, which a definition overrides', async (t) => {
  const [ad] = submit('executable = $CHOICE(IsWindows, /bin/echo, appendmsg)\narguments = $(IsLinux)\nqueue\n');
  t.equal(ad!.getString('Cmd'), '/bin/echo');
  t.equal(ad!.getString('Args'), process.platform === 'linux' ? '1' : '0');
  const [own] = submit('IsWindows = 1\nexecutable = $CHOICE(IsWindows, /bin/echo, /bin/true)\nqueue\n');
  t.equal(own!.getString('Cmd'), '/bin/true');
});

t.test('macros: self reference extends the previous value; cycles are errors', async (t) => {
  const [ad] = submit('executable = a\nlist = a\nlist = $(list) b\nlist = $(list) c\narguments = $(list)\nqueue\n');
  t.equal(ad!.getString('Args'), 'a b c');
  expectError(t, 'executable = a\nx = $(y)\ny = $(x)\narguments = $(x)\nqueue\n', 'job.sub:4: macro $(x) refers to itself (recursive macro definition)');
});

t.test('queue in: N per item, Step and ItemIndex', async (t) => {
  const ads = submit('executable = a\narguments = $(Item) $(Step) $(ItemIndex) $(Process)\nqueue 3 in (A, B)\n');
  t.same(
    ads.map((ad) => ad.getString('Args')),
    ['A 0 0 0', 'A 1 0 1', 'A 2 0 2', 'B 0 1 3', 'B 1 1 4', 'B 2 1 5'],
  );
  t.same(
    ads.map((ad) => ad.getInt('ProcId')),
    [0, 1, 2, 3, 4, 5],
  );
});

t.test('queue in with a named variable, a slice and a multi-line list', async (t) => {
  const ads = submit(`executable = a
arguments = $(animal)
queue animal in [1:] (
  cat, dog
  # a comment
  cow
)
arguments = $(Item)
queue in x y
`);
  t.same(
    ads.map((ad) => ad.getString('Args')),
    ['dog', 'cow', 'x', 'y'],
  );
});

t.test('queue from a file and from an inline list', async (t) => {
  const files: Record<string, string> = { '/home/alice/jobs/lists/jobs.txt': 'a.in, -v -x\n\nb.in, -q\r\nc.in\n' };
  const ads = submit(
    `executable = a
arguments = $(args)
input = $(file)
queue file, args from lists/jobs.txt
arguments = $(x)-$(y)
queue 2 x y from [::2] (
  1 one
  # skipped
  2 two
  3 three
)
`,
    { readFile: (path) => files[path] ?? '' },
  );
  t.same(
    ads.map((ad) => [ad.getString('In'), ad.getString('Args') ?? ad.getString('Arguments')]),
    [
      ['a.in', '-v -x'],
      ['b.in', '-q'],
      ['c.in', ''],
      ['/dev/null', '1-one'],
      ['/dev/null', '1-one'],
      ['/dev/null', '3-three'],
      ['/dev/null', '3-three'],
    ],
  );
});

t.test('a queue variable named like a command is that command for its proc, over a definition (live submit variables)', async (t) => {
  const text = 'executable = a\ninput = fixed.in\noutput = $(input).out\nqueue input, arguments from (\n  a.in -x\n  b.in -y\n)\n';
  const ads = submit(text);
  t.same(
    ads.map((ad) => [ad.getString('In'), ad.getString('Args'), ad.getString('Out')]),
    [
      ['a.in', '-x', 'a.in.out'],
      ['b.in', '-y', 'b.in.out'],
    ],
  );
  const ctx = context();
  const overlays: ProcOverlay[] = [];
  forEachProcOverlay(parseSubmitFile(text, ctx), 7, ctx, (_cluster, overlay) => overlays.push(overlay));
  t.match(overlays[1], { In: '"b.in"', Args: '"-y"' }, 'the second proc\'s overlay has its own input and arguments');
  const usage = new MacroUsage();
  expandProcs(parseSubmitFile('executable = a\nqueue 1 input in (x.dat, y.dat)\n', ctx), 7, ctx, usage);
  t.same(usage.warnings(), [], 'such a variable is used');
});

t.test('accounting_group, accounting_group_user and nice_user as SetAccountingGroup sets them', async (t) => {
  const attrs = (text: string, usage?: MacroUsage) => {
    const ctx = context();
    const [ad] = expandProcs(parseSubmitFile(`executable = a\n${text}queue\n`, ctx), 7, ctx, usage);
    return pick(ad!, { AcctGroup: '', AcctGroupUser: '', AccountingGroup: '', MaxJobRetirementTime: '' });
  };
  t.same(attrs('accounting_group = physics\naccounting_group_user = bob\n'), { AcctGroup: '"physics"', AcctGroupUser: '"bob"', AccountingGroup: '"physics.bob"', MaxJobRetirementTime: undefined });
  t.same(attrs('accounting_group_user = bob\n'), { AcctGroup: undefined, AcctGroupUser: '"bob"', AccountingGroup: '"bob"', MaxJobRetirementTime: undefined }, 'a user alone: an alias of the owner');
  t.same(attrs('nice_user = true\n'), { AcctGroup: '"nice-user"', AcctGroupUser: '"alice"', AccountingGroup: '"nice-user.alice"', MaxJobRetirementTime: '0' }, 'nice_user: the nice-user group');
  t.same(attrs('nice_user = false\n'), { AcctGroup: undefined, AcctGroupUser: undefined, AccountingGroup: undefined, MaxJobRetirementTime: undefined });
  const usage = new MacroUsage();
  t.same(attrs('nice_user = true\naccounting_group = physics\n', usage).AccountingGroup, '"physics.alice"', 'nice_user with another group is ignored');
  t.same(usage.noted(), ['nice_user conflicts with accounting_group. nice_user will be ignored']);
  expectError(t, 'executable = a\naccounting_group_user = "b c"\nqueue\n', 'Invalid accounting_group_user: "b c"');
});

t.test('queue matching against the submit directory', async (t) => {
  const listings: Record<string, { name: string; isDir: boolean }[]> = {
    '/home/alice/jobs': [
      { name: 'b.dat', isDir: false },
      { name: 'a.dat', isDir: false },
      { name: 'run_1', isDir: true },
      { name: 'notes.txt', isDir: false },
    ],
    '/home/alice/jobs/more': [{ name: 'c.dat', isDir: false }],
  };
  const listDir = (dir: string) => listings[dir] ?? [];
  const ads = submit(
    `executable = a
arguments = $(Item)
queue matching *.dat more/*.dat
arguments = $(d)
queue d matching dirs *
arguments = $(f)
queue 2 f matching files [1:2] *
`,
    { listDir },
  );
  t.same(
    ads.map((ad) => ad.getString('Args')),
    ['a.dat', 'b.dat', 'more/c.dat', 'run_1', 'b.dat', 'b.dat'],
  );
});

t.test('queue counts from macros and queue 0', async (t) => {
  t.equal(submit('executable = a\nN = 4\nqueue $(N)\n').length, 4);
  t.equal(submit('executable = a\nqueue 0\n').length, 0);
  t.equal(submit('executable = a\nqueue 0\nqueue 2\n').length, 2);
});

t.test('-append lines go in before the first queue statement', async (t) => {
  const ads = submit('executable = a\narguments = file\nqueue\narguments = second\nqueue\n', {
    appendLines: ['arguments = appended', '+Extra = 1'],
  });
  t.same(
    ads.map((ad) => ad.getString('Args')),
    ['appended', 'second'],
  );
  t.equal(ads[1]!.getInt('Extra'), 1);
  t.equal(submit('executable = a\n', { appendLines: ['queue 2'] }).length, 2, 'an appended queue statement counts');
});

t.test('syntax: comments, continuations, case-insensitive keywords, CRLF, @= values', async (t) => {
  const [ad] = submit(
    '# comment\r\n\r\nEXECUTABLE = a\r\nArguments = one \\\r\n  two\r\nNotes @=end\r\nline 1\r\nline 2\r\n@end\r\n+Notes = "$(notes)"\r\nQUEUE\r\n',
  );
  t.equal(ad!.getString('Cmd'), '/home/alice/jobs/a');
  t.equal(ad!.getString('Args'), 'one two');
  t.equal(ad!.getString('Notes'), 'line 1\nline 2');
});

t.test('errors name file and line', async (t) => {
  expectError(t, 'executable = a\nthis is wrong\nqueue\n', 'job.sub:2: syntax error: expected "name = value" or a queue statement, got "this is wrong"');
  expectError(t, 'executable = a\nqueue 2 foo\n', 'job.sub:2: invalid queue statement "queue 2 foo" (expected queue [count] [vars in|from|matching list])');
  expectError(t, 'executable = a\n', 'job.sub:1: no queue statement: nothing would be submitted');
  expectError(t, '', 'job.sub:1: no queue statement: nothing would be submitted');
  expectError(t, 'arguments = x\nqueue\n', "job.sub:2: No 'executable' parameter was provided");
  expectError(t, 'executable = a\narguments = "unbalanced\nqueue\n', 'job.sub:2: failed to parse arguments: Unterminated double-quote.');
  expectError(t, `executable = a\narguments = "a 'b"\nqueue\n`, "job.sub:2: failed to parse arguments: Unbalanced quote starting here: 'b");
  expectError(t, `executable = a\nenvironment = "A='1"\nqueue\n`, "job.sub:2: failed to parse environment: Unbalanced quote starting here: '1");
  expectError(t, 'executable = a\nenvironment = A=1;B\nqueue\n', "job.sub:2: failed to parse environment: Missing '=' after environment variable 'B'.");
  expectError(t, 'executable = a\nuniverse = grid\nqueue\n', 'job.sub:2: universe grid is not supported (only vanilla, docker, container, local and scheduler)');
  expectError(t, 'executable = a\nuniverse = banana\nqueue\n', 'job.sub:2: unknown universe "banana"');
  t.throws(() => submit('executable = a\nrequest_memory = 2 XB\nqueue\n'), { message: /^job\.sub:2: request_memory: invalid ClassAd expression "2 XB"/ });
  t.throws(() => submit('executable = a\nrequest_disk = 1.2.3\nqueue\n'), { message: /^job\.sub:2: request_disk: invalid ClassAd expression "1\.2\.3"/ });
  expectError(t, 'executable = a\npriority = high\nqueue\n', 'job.sub:2: priority: expected an integer, got "high"');
  expectError(t, 'executable = a\ncheckpoint_exit_code = x85\nqueue\n', 'job.sub:2: checkpoint_exit_code: expected an integer, got "x85"');
  expectError(t, 'executable = a\nhold = maybe\nqueue\n', 'job.sub:2: hold: expected True or False, got "maybe"');
  expectError(t, 'executable = a\nnotification = sometimes\nqueue\n', 'job.sub:2: notification: expected Never, Always, Complete, Start or Error, got "sometimes"');
  t.equal(submit('executable = a\nnotification = START\nqueue\n')[0]!.getSource('JobNotification'), '4', 'notification = Start: NOTIFY_START (SubmitHash::SetNotification)');
  t.equal(submit('executable = a\nqueue\n', { defaultNotification: 'Complete' })[0]!.getSource('JobNotification'), '2', 'JOB_DEFAULT_NOTIFICATION without the command');
  t.equal(submit('executable = a\nnotification = never\nqueue\n', { defaultNotification: 'Complete' })[0]!.getSource('JobNotification'), '0', 'the command over JOB_DEFAULT_NOTIFICATION');
  t.throws(() => submit('executable = a\nqueue\n', { defaultNotification: 'often' }), { message: 'job.sub:2: JOB_DEFAULT_NOTIFICATION: expected Never, Always, Complete, Start or Error, got "often"' });
  expectError(t, 'executable = a\ntransfer_output_remaps = a b\nqueue\n', 'job.sub:2: transfer_output_remaps: expected "name = newname" pairs separated by ";", got "a b"');
  expectError(t, 'executable = a\nkill_sig = SIGFOO\nqueue\n', 'job.sub:2: kill_sig: invalid signal SIGFOO');
  expectError(t, 'executable = a\nkill_sig = 99\nqueue\n', 'job.sub:2: kill_sig: invalid signal 99');
  t.throws(() => submit('executable = a\nrequirements = Memory >\nqueue\n'), {
    name: 'SubmitError',
    message: /^job\.sub:2: requirements: invalid ClassAd expression "Memory >" \(.+\)$/,
  });
  t.throws(() => submit('executable = a\n+Foo = bar baz\nqueue\n'), {
    message: /^job\.sub:2: \+Foo: invalid ClassAd expression "bar baz" \(.+\)$/,
  });
  expectError(t, 'executable = a\n+Foo =\nqueue\n', 'job.sub:2: +Foo has no value');
  expectError(t, 'executable = a\nqueue abc from missing.txt\n', `job.sub:2: cannot read queue items from "/home/alice/jobs/missing.txt": ENOENT: no such file, open '/home/alice/jobs/missing.txt'`);
  expectError(t, 'executable = a\nqueue from ls |\n', 'job.sub:2: queue ... from a command ("ls |") is not supported');
  expectError(t, 'executable = a\nqueue in (\na\n', 'job.sub:2: queue statement has "(" without a closing ")" line');
  expectError(t, 'executable = a\nN = many\nqueue $(N)\n', 'job.sub:3: queue count must be a non-negative integer, got "many"');
  expectError(t, 'executable = a\nmy var = 1\nqueue\n', 'job.sub:2: invalid command or macro name "my var"');
});

t.test('SubmitError exposes file and line; stdin name is used', async (t) => {
  const err = t.throws(() => submit('executable = a\nbad line\nqueue\n', { fileName: '<stdin>' })) as unknown as SubmitError;
  t.ok(err instanceof SubmitError);
  t.equal(err.file, '<stdin>');
  t.equal(err.line, 2);
  t.equal(err.message, '<stdin>:2: syntax error: expected "name = value" or a queue statement, got "bad line"');
});

t.test('a custom SuccessCheckpointExitCode turns on WantFTOnCheckpoint unless the file sets it', async (t) => {
  const [custom] = submit('executable = a\n+SuccessCheckpointExitCode = 85\nqueue\n');
  t.same(pick(custom!, { SuccessCheckpointExitCode: '', WantFTOnCheckpoint: '' }), { SuccessCheckpointExitCode: '85', WantFTOnCheckpoint: 'true' });
  const [refused] = submit('executable = a\n+SuccessCheckpointExitCode = 85\n+WantFTOnCheckpoint = false\nqueue\n');
  t.equal(refused!.toJSON().WantFTOnCheckpoint, 'false');
  const [both] = submit('executable = a\ncheckpoint_exit_code = 85\n+SuccessCheckpointExitCode = 86\nqueue\n');
  t.same(pick(both!, { SuccessCheckpointExitCode: '', WantFTOnCheckpoint: '' }), { SuccessCheckpointExitCode: '86', WantFTOnCheckpoint: 'true' });
  t.equal(submit('executable = a\nqueue\n')[0]!.has('WantFTOnCheckpoint'), false);
});

t.test("condor_submit's unused-line warnings: lines and queue variables nothing looked up", async (t) => {
  const unused = (text: string): string[] => {
    const ctx = context();
    const usage = new MacroUsage();
    expandProcs(parseSubmitFile(text, ctx), 7, ctx, usage);
    return usage.warnings();
  };
  t.same(unused('executable = a\nfoo = bar\nqueue\n'), ["the line 'foo = bar' was unused by condor_submit. Is it a typo?"]);
  t.same(unused('executable = a\nTypo_Line = $(x) y\nqueue\n'), ["the line 'Typo_Line = $(x) y' was unused by condor_submit. Is it a typo?"], 'as written, unexpanded');
  t.same(unused('executable = a\nfoo = bar\narguments = $(foo)\noutput = o\nn = 2\nqueue $(n)\n'), [], 'used in expansion, as a command, in the queue count');
  t.same(unused('executable = a\n+Foo = 1\nMY.Bar = 2\nFACTORY.Iwd = /x\nDAG_STATUS = 0\nJOB = a\nqueue\n'), [], '+Attr, MY.Attr, dotted names and DAGMan\'s are never warned about');
  t.same(unused('executable = a\nqueue x in (a b)\n'), ["the Queue variable 'x' was unused by condor_submit. Is it a typo?"]);
  t.same(unused('executable = a\nqueue in (a b)\n'), ["the Queue variable 'Item' was unused by condor_submit. Is it a typo?"]);
  t.same(unused('executable = a\narguments = $(Item)\nqueue in (a b)\n'), []);
  t.same(unused('executable = a\nqueue\nlate = 1\n'), ["the line 'late = 1' was unused by condor_submit. Is it a typo?"], 'a line after the last queue');

  const perProc = 'executable = a\narguments = $(a$(Process))\na0 = x\na1 = y\nqueue 2\n';
  t.same(unused(perProc), []);
  const ctx = context();
  const usage = new MacroUsage();
  forEachProcOverlay(parseSubmitFile(perProc, ctx), 7, ctx, () => undefined, usage);
  t.same(usage.warnings(), [], 'a line only a later proc reads is used when procs are built as overlays too');
});

t.test('a command HTCondor acts on and nothing looked up is named as not implemented, not as a typo', async (t) => {
  const ctx = context();
  const usage = new MacroUsage();
  const text = 'executable = a\nrequire_gpus = Capability > 7\nrequest_gpu = 2\nrequest_gpus_memory = 4G\nmatch_list_length = 5\nbox_oauth_permissions_work = \nARGUEMENTS = 5\nrequest_x = 1\nqueue\n';
  expandProcs(parseSubmitFile(text, ctx), 7, ctx, usage);
  t.same(usage.unimplemented(), [
    'request_gpu is not a valid submit keyword, did you mean request_gpus?',
    'request_gpu_memory is not a submit command, did you mean gpus_minimum_memory?',
  ]);
  t.same(
    usage.warnings(),
    [
      "the line 'ARGUEMENTS = 5' was unused by condor_submit. Is it a typo?",
      "the line 'box_oauth_permissions_work = ' was unused by condor_submit. Is it a typo?",
      "the line 'request_x = 1' was unused by condor_submit. Is it a typo?",
      "the line 'require_gpus = Capability > 7' was unused by condor_submit. Is it a typo?",
    ],
    'request_x names no resource: a tag has two characters at least; an OAuth scope without use_oauth_services is not looked up; require_gpus is read only with request_gpus',
  );
  const used = new MacroUsage();
  expandProcs(parseSubmitFile('executable = a\nrequest_cpus = 2\nqueue\n', ctx), 7, ctx, used);
  t.same(used.unimplemented(), [], 'a command tinycondor implements');
});

t.test('submit event notes, match_list_length and remote_initialdir: the attributes SimpleSubmitKeyword sets', async (t) => {
  const [ad] = submit('executable = a\nsubmit_event_notes = ipso lorem\nsubmit_event_user_notes = "user ipso lorem"\nsubmit_event_notes_attrs = Owner, JobPrio\nmatch_list_length = 4\nremote_initialdir = sandbox\nqueue\n');
  t.same(pick(ad!, { SubmitEventNotes: '', SubmitEventUserNotes: '', SubmitEventNotesAttrs: '', LastMatchListLength: '', RemoteIwd: '' }), {
    SubmitEventNotes: '"ipso lorem"',
    SubmitEventUserNotes: '"\\"user ipso lorem\\""',
    SubmitEventNotesAttrs: '"Owner, JobPrio"',
    LastMatchListLength: '4',
    RemoteIwd: '"sandbox"',
  }, 'as cmd_submit_regress_dry.expect has them: strings as written, quotes kept');
  t.throws(() => submit('executable = a\nmatch_list_length = five\nqueue\n'), { name: 'SubmitError', problem: 'match_list_length=five is invalid, must eval to an integer.' });
});

t.test('transfer_input/output/error = false: TransferIn/Out/Err, no Stream attribute, no check of the input', async (t) => {
  const [ad] = submit('executable = a\ninput = in.txt\noutput = out.txt\nerror = err.txt\ntransfer_input = false\ntransfer_output = false\ntransfer_error = false\nstream_output = true\nqueue\n', { fileChecks: true });
  t.same(pick(ad!, { In: '', TransferIn: '', Out: '', TransferOut: '', StreamOut: undefined, Err: '', TransferErr: '', StreamErr: undefined }), {
    In: '"in.txt"',
    TransferIn: 'false',
    Out: '"out.txt"',
    TransferOut: 'false',
    StreamOut: undefined,
    Err: '"err.txt"',
    TransferErr: 'false',
    StreamErr: undefined,
  });
  const [transferred] = submit('executable = a\noutput = out.txt\ntransfer_output = true\nqueue\n');
  t.same(pick(transferred!, { TransferOut: undefined, StreamOut: '' }), { TransferOut: undefined, StreamOut: 'false' }, 'true is the default: nothing is written');
  t.throws(() => submit('executable = a\noutput = o\ntransfer_output = sometimes\nqueue\n'), { name: 'SubmitError', problem: 'transfer_output=sometimes is invalid, must eval to a boolean.' });
});

t.test('stream_input: StreamIn for an input file that is transferred (SetStdin), read even when there is none', async (t) => {
  const streamIn = (lines: string) => submit(`executable = a\n${lines}\nqueue\n`)[0]!.getSource('StreamIn');
  t.equal(streamIn('input = in.txt\nstream_input = true'), 'true');
  t.equal(streamIn('input = in.txt'), 'false', 'false by default');
  t.equal(streamIn('stream_input = true'), undefined, 'no input file: TransferIn = false instead');
  t.equal(streamIn('input = in.txt\ntransfer_input = false\nstream_input = true'), undefined);
  const [none] = submit('executable = a\nstream_input = true\nqueue\n');
  t.equal(none!.getSource('TransferIn'), 'false');
  t.throws(() => submit('executable = a\ninput = in.txt\nstream_input = sometimes\nqueue\n'), { name: 'SubmitError', problem: 'stream_input=sometimes is invalid, must eval to a boolean.' });
});

t.test('use_oauth_services: condor_submit finds no credd to ask for the tokens', async (t) => {
  t.throws(() => submit('executable = a\nuse_oauth_services = box\nbox_oauth_permissions = read\nqueue\n'), { name: 'SubmitError', problem: "Failed to process job credential requests: 'Can't find address of credd '; BAILING OUT." });
  const [ad] = submit('executable = a\nuse_oauth_services =\nqueue\n');
  t.ok(ad, 'an empty list asks for nothing');
});

t.test('job attribute names as submit keys, as condor_submit looks commands up', async (t) => {
  const [ad] = submit('Cmd = /bin/echo\nLeaveJobInQueue = true\nJobPrio = 5\nRequestMemory = 2G\nShouldTransferFiles = NO\nOnExitHold = ExitCode != 0\nqueue\n');
  t.same(pick(ad!, { Cmd: '', LeaveJobInQueue: '', JobPrio: '', RequestMemory: '', ShouldTransferFiles: '', OnExitHold: '' }), {
    Cmd: '"/bin/echo"',
    LeaveJobInQueue: 'true',
    JobPrio: '5',
    RequestMemory: '2048',
    ShouldTransferFiles: '"NO"',
    OnExitHold: 'ExitCode != 0',
  });
  const prio = (lines: string) => submit(`executable = a\n${lines}\nqueue\n`)[0]!.toJSON().JobPrio;
  t.equal(prio('prio = 3'), '3');
  t.equal(prio('JobPrio = 9\nprio = 3'), '3', 'prio before JobPrio');
  t.equal(prio('JobPrio = 9\npriority = 1'), '1', 'the command itself first');

  const ctx = context();
  const usage = new MacroUsage();
  const overlays: ProcOverlay[] = [];
  forEachProcOverlay(parseSubmitFile('executable = a\nJobPrio = $(Process)\nqueue 3\n', ctx), 7, ctx, (_cluster, overlay) => overlays.push(overlay), usage);
  t.same(overlays, [{}, { ProcId: '1', JobPrio: '1' }, { ProcId: '2', JobPrio: '2' }], 'a per-proc value through the attribute name');
  t.same(usage.warnings(), [], 'a line used through its attribute name is used');
});

t.test('a $RANDOM_INTEGER() value is drawn for each proc, also when procs are built as overlays', async (t) => {
  const ctx = context();
  const overlays: ProcOverlay[] = [];
  forEachProcOverlay(parseSubmitFile('executable = a\narguments = $RANDOM_INTEGER(1, 1000000000)\nqueue 3\n', ctx), 7, ctx, (_cluster, overlay) => overlays.push(overlay));
  t.same(overlays.map((overlay) => Object.keys(overlay)), [[], ['ProcId', 'Args'], ['ProcId', 'Args']]);
});

t.test('include : file and include command : cmd, nested, with HTCondor\'s depth limit', async (t) => {
  const files: Record<string, string> = {
    '/home/alice/jobs/common.sub': 'executable = /bin/echo\ninclude : more.sub\n',
    '/home/alice/jobs/more.sub': 'arguments = $(word)\n',
    '/home/alice/jobs/loop.sub': 'include : loop.sub\n',
    '/home/alice/jobs/bad.sub': 'this is not a submit line\n',
  };
  const readFile = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error('No such file or directory');
    return text;
  };
  const commands: string[][] = [];
  const runCommand = (argv: string[]) => {
    commands.push(argv);
    return argv[0] === '/bin/false' ? { stdout: '', exitCode: 1 } : { stdout: 'request_cpus = 3\n', exitCode: 0 };
  };
  const [ad] = submit('word = hi\ninclude : common.sub\ninclude command : /usr/bin/gen --cpus 3\nqueue\n', { readFile, runCommand });
  t.same(pick(ad!, { Cmd: '', Args: '', RequestCpus: '' }), { Cmd: '"/bin/echo"', Args: '"hi"', RequestCpus: '3' });
  t.same(commands, [['/usr/bin/gen', '--cpus', '3']], 'run without a shell, its arguments split as HTCondor splits them');
  const [piped] = submit('executable = a\ninclude : /usr/bin/gen |\nqueue\n', { readFile, runCommand });
  t.equal(piped!.toJSON().RequestCpus, '3', 'a trailing | makes it a command');
  const [optional] = submit('executable = a\ninclude ifexist : nowhere.sub\nqueue\n', { readFile, runCommand });
  t.ok(optional, 'ifexist: a missing file is no error');
  const refusal = (text: string) => t.throws(() => submit(text, { readFile, runCommand }));
  refusal('executable = a\ninclude : nowhere.sub\nqueue\n');
  t.throws(() => submit('executable = a\ninclude : nowhere.sub\nqueue\n', { readFile }), {
    message: "job.sub:2: Include Depth 1: nowhere.sub: can't open file nowhere.sub: No such file or directory",
  });
  t.throws(() => submit('include : loop.sub\n', { readFile }), { message: /^loop\.sub:1: Include Depth 20: loop\.sub: includes nested too deep$/ });
  t.throws(() => submit('executable = a\ninclude command : /bin/false\nqueue\n', { readFile, runCommand }), {
    message: 'job.sub:2: Include Depth 1: /bin/false: command terminated with exit code 1',
  });
  t.throws(() => submit('include : bad.sub\nqueue\n', { readFile }), { message: /^bad\.sub:1: syntax error/ }, 'errors name the included file');
  t.throws(() => submit('include sometimes : x\nqueue\n', { readFile }), { message: "job.sub:1: unexpected keyword(s) 'sometimes' after include" });
});

t.test('if / elif / else / endif with defined, version and booleans', async (t) => {
  const args = (text: string) => submit(`executable = a\n${text}\nqueue\n`)[0]!.toJSON().Args;
  t.equal(args('if defined foo\narguments = yes\nelse\narguments = no\nendif'), '"no"');
  t.equal(args('foo = 1\nif defined foo\narguments = yes\nelse\narguments = no\nendif'), '"yes"');
  t.equal(args('foo =\nif defined foo\narguments = yes\nelse\narguments = no\nendif'), '"no"', 'an empty value is not defined');
  t.equal(args('if ! defined foo\narguments = yes\nendif'), '"yes"');
  t.equal(args('n = 2\nif $(n)\narguments = a\nelif true\narguments = b\nendif'), '"a"');
  t.equal(args('if $(unset)\narguments = a\nelif yes\narguments = b\nelse\narguments = c\nendif'), '"b"', 'an empty expansion is false');
  t.equal(args('if false\narguments = a\nelif 0\narguments = b\nelse\narguments = c\nendif'), '"c"');
  t.equal(args('if version >= 8.1.6\narguments = new\nelse\narguments = old\nendif'), '"new"');
  t.equal(args('if version < 9.0\narguments = old\nelse\narguments = new\nendif'), '"new"');
  t.equal(args('if true\nif false\narguments = inner\nelse\narguments = other\nendif\nendif'), '"other"', 'nested');
  t.equal(args('if false\nif true\narguments = never\nendif\nelse\narguments = outer\nendif'), '"outer"');
  t.equal(args('if false\nthis line is never read\nqueue 5\nendif'), undefined, 'lines of a branch not taken are not parsed');
  const refused = (text: string, message: string) => t.throws(() => submit(`executable = a\n${text}\nqueue\n`), { message }, message);
  refused('if $(a) == $(b)\nendif', 'job.sub:2: == is not a valid if condition because complex conditionals are not supported');
  refused('if foo\nendif', 'job.sub:2: foo is not a valid if condition because expression is not a conditional');
  refused('if version > x\nendif', 'job.sub:2: version > x is not a valid if condition because the version literal is invalid');
  refused('else', 'job.sub:2: else without matching if');
  refused('endif', 'job.sub:2: endif without matching if');
  refused('if true\nelse\nelse\nendif', 'job.sub:4: else is not allowed after else');
  refused('if true\nelse\nelif true\nendif', 'job.sub:4: elif is not allowed after else');
  t.throws(() => submit('executable = a\nif true\nqueue\n'), { message: 'job.sub:3: endif(s) not found before end-of-file' });
});

t.test('error : and warning : lines (Parse_macros): the message macro-expanded, an error ends the read', async (t) => {
  const file = `executable = a\nif ! defined sif\n  error : "Must define 'sif' variable!"\nendif\nwarning : using $(sif)\nqueue\n`;
  t.throws(() => submit(file), { message: `job.sub:3: Error "job.sub", Line 3: "Must define 'sif' variable!"` });
  const warnings: string[] = [];
  const [ad] = submit(file, { variables: [['sif', 'img.sif']], warn: (message) => warnings.push(message) });
  t.equal(ad!.getString('Cmd'), '/home/alice/jobs/a');
  t.same(warnings, ['Warning "job.sub", Line 5: using img.sif']);
  t.throws(() => submit('executable = a\n@error 2 : stop\nqueue\n'), { message: 'job.sub:2: Error "job.sub", Line 2: stop' });
  t.throws(() => submit('executable = a\nerror = out.err\nerror out : x\nqueue\n'), { message: 'job.sub:3: Error "job.sub", Line 3: x' });
});

t.test('condor_submit name=value arguments and -queue', async (t) => {
  const ads = submit('arguments = $(word) $(Item)\nword = file-wins\n', { variables: [['word', 'cmdline'], ['executable', '/bin/echo']], queueArgument: 'Item in (x, y)' });
  t.same(ads.map((ad) => ad.toJSON().Args), ['"file-wins x"', '"file-wins y"'], 'the file may redefine a command-line variable');
  const [early] = submit('arguments = $(word)\nqueue\n', { variables: [['word', 'cmdline'], ['executable', '/bin/echo']] });
  t.equal(early!.toJSON().Args, '"cmdline"', 'defined before the file is read');
  t.throws(() => submit('executable = a\nqueue\n', { queueArgument: '2' }), { message: 'job.sub:2: -queue argument conflicts with queue statement in submit file', condorWords: true });
  t.equal(submit('executable = a\n', { queueArgument: '3' }).length, 3);
});

t.test('with SUBMIT_SKIP_FILECHECKS = false an input that cannot be read is refused in condor_submit\'s words', async (t) => {
  const files: Record<string, FileProbe> = {
    '/home/alice/jobs/run/in.txt': { size: 3, firstLine: 'abc' },
    '/home/alice/jobs/run/locked.txt': { size: 3, firstLine: '', readError: 'Permission denied' },
    '/home/alice/jobs/run/dir': { size: 4096, firstLine: '', readError: 'Is a directory' },
    '/home/alice/jobs/a': { size: 3, firstLine: '' },
  };
  const probeFile = (path: string): FileProbe => files[path] ?? { error: 'No such file or directory' };
  const withInput = (input: string, fileChecks: boolean) => () => submit(`executable = a\ninitialdir = run\ninput = ${input}\nqueue\n`, { probeFile, fileChecks });
  t.doesNotThrow(withInput('in.txt', true));
  t.doesNotThrow(withInput('dir', true), 'a directory opens for reading');
  t.doesNotThrow(withInput('missing.txt', false), 'not checked by default, as SUBMIT_SKIP_FILECHECKS defaults to true');
  t.throws(withInput('missing.txt', true), { message: 'job.sub:3: Can\'t open "/home/alice/jobs/run/missing.txt"  with flags 00 (No such file or directory)', condorWords: true });
  t.throws(withInput('locked.txt', true), { message: 'job.sub:3: Can\'t open "/home/alice/jobs/run/locked.txt"  with flags 00 (Permission denied)' });
});

t.test('skip_filechecks: warn makes the executable checks warnings, true skips the input check', async (t) => {
  const probeFile = (): FileProbe => ({ error: 'No such file or directory' });
  const file = (skip: string) => `executable = /planner/host/job.sh\ninput = in.txt\nskip_filechecks = ${skip}\nqueue\n`;
  t.throws(() => submit(file('false'), { probeFile }), { message: "job.sub:1: Can't access executable file /planner/host/job.sh: No such file or directory" });
  t.throws(() => submit(file('true'), { probeFile }), { message: /Can't access executable file/ }, 'true does not skip the executable check (check_sub_file)');
  const usage = new MacroUsage();
  const [ad] = expandProcs(parseSubmitFile('executable = /planner/host/job.sh\nskip_filechecks = WARN\nqueue\n', context({ probeFile })), 7, context({ probeFile }), usage);
  t.equal(ad!.getString('Cmd'), '/planner/host/job.sh');
  t.same(usage.noted(), ["Can't access executable file /planner/host/job.sh: No such file or directory"]);
  const inputProbe = (path: string): FileProbe => (path.endsWith('job.sh') ? { size: 3, firstLine: '' } : { error: 'No such file or directory' });
  t.doesNotThrow(() => submit(file('true'), { probeFile: inputProbe, fileChecks: true }), 'true skips check_open of the input');
  t.throws(() => submit(file('false'), { probeFile: inputProbe, fileChecks: true }), { message: /Can't open/ });
  expectError(t, file('sometimes'), "job.sub:3: SUBMIT_CMD_skip_filechecks=sometimes is invalid, must be 'warn' or a boolean");
});

t.test('local and scheduler universes: JobUniverse 12 and 7, as SetUniverse sets them', async (t) => {
  const [local] = submit('universe = local\nexecutable = /bin/true\nqueue\n');
  t.equal(local!.getInt('JobUniverse'), 12);
  t.notOk(local!.has('WantContainer'));
  const [scheduler] = submit('universe = Scheduler\nexecutable = /bin/true\ndocker_image = alpine\nqueue\n');
  t.equal(scheduler!.getInt('JobUniverse'), 7, 'the universe name is case-insensitive');
  t.notOk(scheduler!.has('WantContainer'), 'the scheduler universe takes no image topping');
  expectError(t, 'universe = local\nexecutable = a\ncontainer_image = docker://b\nqueue\n', 'job.sub:4: a local universe job in a container (docker_image, container_image) is not supported');
});

t.test('docker and container universes: the attributes and requirements SetUniverse, SetExecutable and SetRequirements give', async (t) => {
  const [docker] = submit('universe = docker\ndocker_image = "debian:bookworm"\nexecutable = run.sh\nrequirements = Memory > 100\nqueue\n');
  t.same(pick(docker!, { JobUniverse: '', WantDocker: '', WantContainer: '', DockerImage: '', Cmd: '', Requirements: '' }), {
    JobUniverse: '5',
    WantDocker: 'true',
    WantContainer: undefined,
    DockerImage: '"debian:bookworm"',
    Cmd: '"/home/alice/jobs/run.sh"',
    Requirements: '(Memory > 100) && TARGET.HasDocker',
  });
  const [container] = submit('universe = container\ncontainer_image = docker://python:3.12\nexecutable = run.sh\nqueue\n');
  t.same(pick(container!, { WantDocker: '', WantContainer: '', WantDockerImage: '', ContainerImage: '', ContainerImageSource: '', Requirements: '' }), {
    WantDocker: undefined,
    WantContainer: 'true',
    WantDockerImage: 'true',
    ContainerImage: '"docker://python:3.12"',
    ContainerImageSource: '"docker"',
    Requirements: 'TARGET.HasContainer && TARGET.HasDockerURL',
  });
  const [implicit] = submit('container_image = docker://alpine\nexecutable = run.sh\nqueue\n');
  t.equal(implicit!.getBool('WantContainer'), true, 'an image without a universe line makes a container job, not a vanilla one');
  t.equal(implicit!.getSource('Requirements'), 'TARGET.HasContainer && TARGET.HasDockerURL');
  const [viaDockerImage] = submit('universe = container\ndocker_image = alpine\nqueue\n');
  t.same(pick(viaDockerImage!, { WantContainer: '', WantDockerImage: '', DockerImage: '', Cmd: '', TransferExecutable: '' }), {
    WantContainer: 'true',
    WantDockerImage: 'true',
    DockerImage: '"alpine"',
    Cmd: '""',
    TransferExecutable: 'false',
  }, 'no executable: the image runs its own command');
  const [inImage] = submit('universe = docker\ndocker_image = alpine\nexecutable = /usr/bin/env\ntransfer_executable = false\nqueue\n', {
    probeFile: () => ({ error: 'No such file or directory' }),
  });
  t.equal(inImage!.getString('Cmd'), '/usr/bin/env', 'an executable that is not transferred lives in the image and is not looked for here');
  const [network] = submit('universe = docker\ndocker_image = alpine\nexecutable = run.sh\ndocker_network_type = mynet\ndocker_pull_policy = always\nqueue\n');
  t.same(pick(network!, { DockerNetworkType: '', DockerPullPolicy: '', Requirements: '' }), {
    DockerNetworkType: '"mynet"',
    DockerPullPolicy: '"always"',
    Requirements: 'TARGET.HasDocker && StringListMember(MY.DockerNetworkType,TARGET.DockerNetworks)',
  });
  const [services] = submit('universe = docker\ndocker_image = nginx\ncontainer_service_names = web\nweb_container_port = 8080\nqueue\n');
  t.same(pick(services!, { ContainerServiceNames: '', web_ContainerPort: '' }), { ContainerServiceNames: '"web"', web_ContainerPort: '8080' });
  const [vanilla] = submit('executable = run.sh\nqueue\n');
  t.same(pick(vanilla!, { WantDocker: '', WantContainer: '', Requirements: '' }), { WantDocker: undefined, WantContainer: undefined, Requirements: 'true' });
});

t.test('container jobs are refused in condor_submit\'s words, and Apptainer images with what to write instead', async (t) => {
  expectError(t, 'universe = docker\nexecutable = a\nqueue\n', 'job.sub:3: docker jobs require a docker_image');
  expectError(t, 'universe = container\nexecutable = a\nqueue\n', 'job.sub:3: container jobs require a container_image or docker_image');
  expectError(t, 'universe = docker\ndocker_image = a\ncontainer_image = docker://b\nexecutable = a\nqueue\n', 'job.sub:3: docker universe does not allow use of container_image.');
  expectError(t, 'docker_image = a\ncontainer_image = docker://b\nexecutable = a\nqueue\n', 'job.sub:2: cannot declare both docker_image and container_image');
  expectError(t, 'universe = docker\ndocker_image = ""\nexecutable = a\nqueue\n', `job.sub:2: '""' is not a valid docker_image`);
  expectError(t, 'container_image = library://x/y\nexecutable = a\nqueue\n', "job.sub:1: 'library://x/y' is not a valid container image");
  expectError(t, 'universe = docker\ndocker_image = a\ncontainer_service_names = web\nqueue\n', "job.sub:3: Requested container service 'web' was not assigned a port, or the assigned port was not valid.");
  expectError(t, 'universe = docker\ndocker_image = a\ncontainer_service_names = web\nweb_container_port = 70000\nqueue\n', "job.sub:4: Requested container service 'web' was not assigned a port, or the assigned port was not valid.");
  t.throws(() => submit('universe = container\ncontainer_image = /images/python.sif\nexecutable = a\nqueue\n'), {
    message: /^job\.sub:2: container_image \/images\/python\.sif names a Singularity\/Apptainer image file \(\.sif\).*Docker only.*docker:\/\/images\/python\.sif$/,
  });
  t.throws(() => submit('universe = container\ncontainer_image = ubuntu:22.04\nexecutable = a\nqueue\n'), {
    message: /^job\.sub:2: container_image ubuntu:22\.04 names an Apptainer sandbox directory .*write container_image = docker:\/\/ubuntu:22\.04$/,
  });
});

t.test('URL transfers: SetRequirements asks for each method the job does not bring a plugin for; transfer_plugins becomes TransferPlugins', async (t) => {
  const [job] = submit(
    'executable = a\nrequirements = Memory > 1\ntransfer_input_files = in.txt, http://h/x, osdf:///o/y\ntransfer_output_remaps = "r = file:///tmp/r"\ntransfer_plugins = osdf=osdf_plugin.py\nqueue\n',
  );
  t.same(pick(job!, { Requirements: '', TransferPlugins: '' }), {
    Requirements: '(Memory > 1) && stringListIMember("file",TARGET.HasFileTransferPluginMethods) && stringListIMember("http",TARGET.HasFileTransferPluginMethods)',
    TransferPlugins: '"osdf=osdf_plugin.py"',
  });
  const [own] = submit('executable = a\nrequirements = stringListIMember("http", HasFileTransferPluginMethods)\ntransfer_input_files = http://h/x\nqueue\n');
  t.equal(own!.getSource('Requirements'), 'stringListIMember("http",HasFileTransferPluginMethods)', 'requirements that name the attribute are left alone');
  const [shared] = submit('executable = a\nshould_transfer_files = NO\ntransfer_output_remaps = "r = http://h/x"\nqueue\n');
  t.equal(shared!.getSource('Requirements'), 'true', 'no file transfer, no plugin');
});

t.test('concurrency_limits: SetConcurrencyLimits lower-cases, checks and sorts; concurrency_limits_expr is kept as an expression', async (t) => {
  const [ad] = submit('executable = a\nconcurrency_limits = XSW, Database FILESERVER:3\nqueue\n');
  t.equal(ad!.getSource('ConcurrencyLimits'), '"database,fileserver:3,xsw"');
  const [expr] = submit('executable = a\nconcurrency_limits_expr = strcat("SWX:2 ", TARGET.NETWORK)\nqueue\n');
  t.equal(expr!.getSource('ConcurrencyLimits'), 'strcat("SWX:2 ",TARGET.NETWORK)');
  const [none] = submit('executable = a\nconcurrency_limits =\nqueue\n');
  t.equal(none!.getSource('ConcurrencyLimits'), undefined, 'an empty list sets nothing');
  expectError(t, 'executable = a\nconcurrency_limits = ok, 2Bad\nqueue\n', "job.sub:2: Invalid concurrency limit '2bad'");
  expectError(t, 'executable = a\nconcurrency_limits = a\nconcurrency_limits_expr = "b"\nqueue\n', "job.sub:3: concurrency_limits and concurrency_limits_expr can't be used together");
  const ctx = context();
  const usage = new MacroUsage();
  expandProcs(parseSubmitFile('executable = a\nconcurrency_limits = foo\nqueue\n', ctx), 7, ctx, usage);
  t.same(usage.unimplemented(), [], 'no longer named as not implemented');
});

t.test("userMap() in condor_submit's macro functions and if/include lines: the context's maps (SUBMIT_CLASSAD_USER_MAP_NAMES)", async (t) => {
  const groups: Record<string, string> = { alice: 'physics,chem', bob: 'bio' };
  const evalContext = { userMap: (mapName: string, input: string) => (mapName === 'Groups' ? groups[input] : undefined) };
  // $INT() and $REAL() split their body at its first comma: an expression with commas is named by a macro.
  const text = [
    'executable = /bin/true',
    'who = alice',
    'whoCount = stringListSize(userMap("Groups", "$(who)"), ",")',
    'if $INT(whoCount)',
    '  +Groups = "$EVAL(userMap("Groups", "$(who)"))"',
    'endif',
    'first = userMap("Groups", "$(who)", undefined)',
    '+FirstGroup = "$STRING(first)"',
    'count = stringListSize(userMap("Groups", "$(item)"), ",")',
    '+GroupCount = $INT(count)',
    'half = size(userMap("Groups", "$(item)")) / 2.0',
    '+Ratio = $REAL(half)',
    'queue item in (alice, bob)',
  ].join('\n');
  const [alice, bob] = submit(text, { evalContext });
  t.same(pick(alice!, { Groups: '', FirstGroup: '', GroupCount: '', Ratio: '' }), { Groups: '"physics,chem"', FirstGroup: '"physics"', GroupCount: '2', Ratio: '6' });
  t.same(pick(bob!, { GroupCount: '', Ratio: '' }), { GroupCount: '1', Ratio: '1.5' }, 'per proc, with its item');
  t.throws(() => submit('executable = /bin/true\nn = size(userMap("Groups", "alice"))\narguments = $INT(n)\nqueue\n'), { name: 'SubmitError', message: /does not evaluate to an integer!/ }, 'no maps: userMap() is undefined');
});

t.test('deferral_time and the cron schedule (SetJobDeferral, SetCronTab, SetRequirements)', async (t) => {
  const deferral = { DeferralTime: '', DeferralWindow: '', DeferralPrepTime: '', ScheddInterval: '', Requirements: '' };
  const clause = 'TARGET.HasJobDeferral && (((time() + ScheddInterval) >= (DeferralTime - DeferralPrepTime)) && (time() < (DeferralTime + DeferralWindow)))';
  t.same(pick(submit('executable = a\ndeferral_time = 1700000100\nqueue\n')[0]!, deferral), {
    DeferralTime: '1700000100',
    DeferralWindow: '0',
    DeferralPrepTime: '300',
    ScheddInterval: '300',
    Requirements: clause,
  });
  const [windowed] = submit('executable = a\nrequirements = Memory > 1\ndeferral_time = time() + 60\ndeferral_window = 30\ndeferral_prep_time = (20)\nqueue\n', { scheddInterval: '5' });
  t.same(pick(windowed!, deferral), { DeferralTime: 'time() + 60', DeferralWindow: '30', DeferralPrepTime: '(20)', ScheddInterval: '5', Requirements: `(Memory > 1) && ${clause}` });
  const cron = { CronMinute: '', CronHour: '', CronDayOfWeek: '', DeferralTime: '', DeferralWindow: '', DeferralPrepTime: '' };
  t.same(pick(submit('executable = a\ncron_minute = */5\ncron_hour = 8-17\ncron_window = 60\ndeferral_window = 10\ncron_prep_time = 30\nqueue\n')[0]!, cron), {
    CronMinute: '"*/5"',
    CronHour: '"8-17"',
    CronDayOfWeek: undefined,
    DeferralTime: undefined,
    DeferralWindow: '60',
    DeferralPrepTime: '30',
  }, 'the schedd computes DeferralTime; cron_window over deferral_window');
  t.same(pick(submit('executable = a\nCronMonth = 1\nqueue\n')[0]!, { CronMonth: '', DeferralWindow: '' }), { CronMonth: '"1"', DeferralWindow: '0' }, 'the attribute name works too');
  const plain = submit('executable = a\ndeferral_window = 30\nqueue\n')[0]!;
  t.same([plain.has('DeferralWindow'), plain.getSource('Requirements')], [false, 'true'], 'a window without a deferral time sets nothing');
  for (const [line, command] of [
    ['deferral_time = -1', 'deferral_time'],
    ['deferral_time = 1.5', 'deferral_time'],
    ['deferral_time = "soon"', 'deferral_time'],
    ['deferral_time = 1 +', 'deferral_time'],
  ]) {
    expectError(t, `executable = a\n${line}\nqueue\n`, `job.sub:2: ${command} = ${line.split(' = ')[1]} is invalid, must eval to a non-negative integer.`);
  }
  expectError(t, 'executable = a\ndeferral_time = 10\ncron_window = -5\nqueue\n', 'job.sub:3: deferral_window = -5 is invalid, must eval to a non-negative integer.');
  expectError(t, 'executable = a\ncron_hour = 1\ncron_prep_time = x y\nqueue\n', 'job.sub:3: deferral_prep_time = x y is invalid, must eval to a non-negative integer.');
  expectError(
    t,
    'universe = scheduler\nexecutable = a\ncron_minute = 5\ndeferral_time = 10\nqueue\n',
    'job.sub:4: CronMinute does not work for scheduler universe jobs.\nConsider submitting this job using the local universe, instead',
  );
  expectError(t, 'universe = scheduler\nexecutable = a\ncron_hour = 5\nqueue\n', 'job.sub:3: cron_hour is not implemented by tinycondor for scheduler universe jobs: the schedd starts them without waiting for a deferral time');
  // The local universe's starter defers the job; its Requirements have no HasJobDeferral (SetRequirements).
  const local = submit('universe = local\nexecutable = a\ndeferral_time = 1700000100\nqueue\n')[0]!;
  t.equal(local.getSource('Requirements'), '(((time() + ScheddInterval) >= (DeferralTime - DeferralPrepTime)) && (time() < (DeferralTime + DeferralWindow)))');
});

t.test('deferral and cron commands: read, or unused without a deferred job, as condor_submit reads them', async (t) => {
  const usageOf = (text: string) => {
    const ctx = context();
    const usage = new MacroUsage();
    expandProcs(parseSubmitFile(text, ctx), 7, ctx, usage);
    return { unimplemented: usage.unimplemented(), warnings: usage.warnings() };
  };
  t.same(usageOf('executable = a\ncron_minute = 1\ncron_hour = 2\ncron_day_of_month = 3\ncron_month = 4\ncron_day_of_week = 5\ncron_window = 6\ncron_prep_time = 7\nqueue\n'), {
    unimplemented: [],
    warnings: [],
  });
  t.same(usageOf('executable = a\ndeferral_time = 1\ndeferral_window = 6\ndeferral_prep_time = 7\nqueue\n'), { unimplemented: [], warnings: [] });
  t.same(usageOf('executable = a\ndeferral_window = 6\ncron_prep_time = 7\nqueue\n'), {
    unimplemented: [],
    warnings: ["the line 'cron_prep_time = 7' was unused by condor_submit. Is it a typo?", "the line 'deferral_window = 6' was unused by condor_submit. Is it a typo?"],
  });
});
