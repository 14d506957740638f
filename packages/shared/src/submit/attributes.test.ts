// Batch A of the commands condor_submit sets plainly (SetSimpleJobExprs' prunable_keywords), its
// arguments2/environment2, and the keys HTCondor names but never reads (submit_utils.cpp).
import t from 'tap';
import type { ClassAd } from '../classad/index.js';
import type { SubmitContext } from './context.js';
import { testSubmitContext } from './context.test-support.js';
import { MacroUsage, expandProcs, parseSubmitFile } from './index.js';
import { notImplementedWarnings } from './not-implemented.js';

function context(overrides: Partial<SubmitContext> = {}): SubmitContext {
  return testSubmitContext({ env: { HOME: '/home/alice', PATH: '/usr/bin:/bin' }, ...overrides });
}

function submit(lines: string, overrides: Partial<SubmitContext> = {}): ClassAd {
  const ctx = context(overrides);
  return expandProcs(parseSubmitFile(`executable = a\n${lines}\nqueue\n`, ctx), 7, ctx)[0]!;
}

function attrs(ad: ClassAd, names: string[]): Record<string, string | undefined> {
  const json = ad.toJSON();
  return Object.fromEntries(names.map((name) => [name, json[name]]));
}

type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];

function refused(t: TapTest, lines: string, message: string): void {
  t.throws(() => submit(lines), { name: 'SubmitError', problem: message }, message);
}

t.test('strings: as written, email_attributes as a list, the log files made full paths', async (t) => {
  const ad = submit(
    [
      'initialdir = run',
      'description = "nightly run"',
      'project_name = physics',
      'primary_unix_group = hep',
      'job_ad_information_attrs = JobPrio, Owner',
      'ulog_execute_attrs = Cpus',
      'job_machine_attrs = Machine GLIDEIN_Site',
      'email_attributes = Owner  JobPrio,Cmd',
      'starter_debug = "D_FULLDEBUG"',
      'starter_log = "starter.log"',
      'dagman_log = nodes.log',
    ].join('\n'),
  );
  t.same(
    attrs(ad, ['JobDescription', 'ProjectName', 'PrimaryUnixGroup', 'JobAdInformationAttrs', 'UserLogExecuteEventAttrs', 'JobMachineAttrs', 'EmailAttributes', 'JobStarterDebug', 'JobStarterLog', 'DAGManNodesLog']),
    {
      JobDescription: '"\\"nightly run\\""',
      ProjectName: '"physics"',
      PrimaryUnixGroup: '"hep"',
      JobAdInformationAttrs: '"JobPrio, Owner"',
      UserLogExecuteEventAttrs: '"Cpus"',
      JobMachineAttrs: '"Machine GLIDEIN_Site"',
      EmailAttributes: '"Owner,JobPrio,Cmd"',
      JobStarterDebug: '"D_FULLDEBUG"',
      JobStarterLog: '"/home/alice/jobs/run/starter.log"',
      DAGManNodesLog: '"/home/alice/jobs/run/nodes.log"',
    },
  );
  t.same(attrs(submit('JobDescription = by attribute'), ['JobDescription']), { JobDescription: '"by attribute"' }, 'looked up by the attribute name too');
  t.same(
    attrs(submit('starter_log = s.log'), ['JobStarterDebug', 'JobStarterLog']),
    { JobStarterDebug: 'true', JobStarterLog: '"/home/alice/jobs/s.log"' },
    'starter_log alone sets JobStarterDebug = true (SubmitHash: the starter\'s own log level)',
  );
});

t.test('expressions, integers and booleans, with condor_submit refusals', async (t) => {
  const ad = submit(
    [
      'next_job_start_delay = 10',
      'keep_claim_idle = 60',
      'want_graceful_removal = JobPrio > 2',
      'max_job_retirement_time = 3600',
      'job_lease_duration = 1200',
      'noop_job = true',
      'noop_job_exit_code = 3',
      'noop_job_exit_signal = 9',
      'periodic_vacate = time() - EnteredCurrentStatus > 60',
      'job_machine_attrs_history_length = 3',
      'dagman_job_id = 12',
      'load_profile = true',
      'run_as_owner = false',
      'suspend_job_at_exec = yes',
      'skip_if_dataflow = True',
      'kill_sig_timeout = 25s',
    ].join('\n'),
  );
  t.same(
    attrs(ad, ['NextJobStartDelay', 'KeepClaimIdle', 'WantGracefulRemoval', 'MaxJobRetirementTime', 'JobLeaseDuration', 'IsNoopJob', 'NoopJobExitCode', 'NoopJobExitSignal', 'PeriodicVacate']),
    {
      NextJobStartDelay: '10',
      KeepClaimIdle: '60',
      WantGracefulRemoval: 'JobPrio > 2',
      MaxJobRetirementTime: '3600',
      JobLeaseDuration: '1200',
      IsNoopJob: 'true',
      NoopJobExitCode: '3',
      NoopJobExitSignal: '9',
      PeriodicVacate: 'time() - EnteredCurrentStatus > 60',
    },
  );
  t.same(attrs(ad, ['JobMachineAttrsHistoryLength', 'DAGManJobId', 'LoadProfile', 'RunAsOwner', 'SuspendJobAtExec', 'SkipIfDataflow', 'KillSigTimeout']), {
    JobMachineAttrsHistoryLength: '3',
    DAGManJobId: '12',
    LoadProfile: 'true',
    RunAsOwner: 'false',
    SuspendJobAtExec: 'true',
    SkipIfDataflow: 'true',
    KillSigTimeout: '25',
  });
  refused(t, 'skip_if_dataflow = maybe', 'skip_if_dataflow=maybe is invalid, must eval to a boolean.');
  t.equal(submit('kill_sig_timeout = soon').toJSON().KillSigTimeout, '0', "kill_sig_timeout is atoi'd");
  refused(t, 'dagman_job_id = -1', 'dagman_job_id=-1 is invalid, must eval to a non-negative integer.');
  refused(t, 'dagman_job_id = x', 'dagman_job_id=x is invalid, must eval to an integer.');
  refused(t, 'job_machine_attrs_history_length = 3000000000', 'job_machine_attrs_history_length=3000000000 is out of bounds 0 to 2147483647');
  refused(t, 'run_as_owner = maybe', 'run_as_owner=maybe is invalid, must eval to a boolean.');
  t.throws(() => submit('noop_job = ('), { name: 'SubmitError', message: /noop_job: invalid ClassAd expression "\("/ });
});

t.test('job_lease_duration under 20 seconds becomes 20, with condor_submit\'s warning', async (t) => {
  const ctx = context();
  const usage = new MacroUsage();
  const [ad] = expandProcs(parseSubmitFile('executable = a\njob_lease_duration = 5\nqueue\n', ctx), 7, ctx, usage);
  t.equal(ad!.toJSON().JobLeaseDuration, '20');
  t.same(usage.noted(), ['JobLeaseDuration less than 20 seconds is not allowed, using 20 instead']);
  t.equal(submit('job_lease_duration = 0').toJSON().JobLeaseDuration, '0', '0 is no lease, left as it is');
});

t.test("a job that can reconnect without job_lease_duration gets JOB_DEFAULT_LEASE_DURATION's (SetAutoAttributes, universeCanReconnect)", async (t) => {
  t.equal(submit('').toJSON().JobLeaseDuration, '2400', "param_info.in's default");
  t.equal(submit('universe = docker\ndocker_image = alpine').toJSON().JobLeaseDuration, '2400', 'docker is a topping on vanilla');
  t.equal(submit('universe = local').toJSON().JobLeaseDuration, undefined, 'the local universe cannot reconnect');
  t.equal(submit('universe = scheduler').toJSON().JobLeaseDuration, undefined, 'nor the scheduler universe');
  t.equal(submit('', { defaultLeaseDuration: '60 * 10' }).toJSON().JobLeaseDuration, '60 * 10', 'the knob is an expression');
  t.equal(submit('job_lease_duration = 90', { defaultLeaseDuration: '600' }).toJSON().JobLeaseDuration, '90');
  const ctx = context({ defaultLeaseDuration: '5' });
  const usage = new MacroUsage();
  const [ad] = expandProcs(parseSubmitFile('executable = a\nqueue\n', ctx), 7, ctx, usage);
  t.equal(ad!.toJSON().JobLeaseDuration, '20', 'a default under 20 is raised too (ReportCommonMistakes checks the ad)');
  t.same(usage.noted(), ['JobLeaseDuration less than 20 seconds is not allowed, using 20 instead']);
});

t.test('image_size and disk_usage: KiB unless a unit is named, at least 1', async (t) => {
  t.same(attrs(submit('image_size = 2M\ndisk_usage = 3'), ['ImageSize', 'DiskUsage']), { ImageSize: '2048', DiskUsage: '3' });
  t.same(attrs(submit(''), ['ImageSize', 'DiskUsage']), { ImageSize: '0', DiskUsage: '1024' }, 'the defaults');
  refused(t, 'image_size = 0', 'Image Size must be positive');
  refused(t, 'image_size = lots', "'lots' is not valid for Image Size");
  refused(t, 'disk_usage = 0', "'0' is not valid for disk_usage. It must be >= 1");
});

t.test('cuda_version: CUDAVersion as HTCondor codes it, and a clause on the machine\'s CUDAMaxSupportedVersion', async (t) => {
  const ad = submit('cuda_version = 11.2');
  t.same(attrs(ad, ['CUDAVersion', 'Requirements']), { CUDAVersion: '11002', Requirements: 'CUDAVersion <= TARGET.CUDAMaxSupportedVersion' });
  t.equal(submit('cuda_version = 12').toJSON().CUDAVersion, '12000');
  t.equal(submit('cuda_version = 12010').toJSON().CUDAVersion, '12010');
  t.equal(submit('requirements = Memory > 1\ncuda_version = 9.0').toJSON().Requirements, '(Memory > 1) && CUDAVersion <= TARGET.CUDAMaxSupportedVersion');
  refused(t, 'cuda_version = 11.x', "cuda_version must be of the form 'x' or 'x.y', where x and y are positive integers.");
});

t.test('arguments2 and environment2: V2 only, and with arguments/environment only given allow_*_v1 = true', async (t) => {
  t.same(attrs(submit('arguments2 = "a \'b c\'"'), ['Arguments']), attrs(submit('arguments = "a \'b c\'"'), ['Arguments']), 'as arguments in V2 syntax');
  t.same(attrs(submit('arguments = x\narguments2 = "y z"\nallow_arguments_v1 = true'), ['Arguments', 'Args']), { Arguments: '"y z"', Args: undefined }, 'arguments2 wins');
  refused(t, 'arguments = x\narguments2 = "y"', "If you wish to specify both 'arguments' and\n'arguments2' for maximal compatibility with different\nversions of Condor, then you must also specify\nallow_arguments_v1=true.");
  refused(t, 'arguments2 = y', 'Expecting double-quoted input string (V2 format).\nThe full arguments you specified were: y');
  t.same(attrs(submit('environment2 = "A=1 B=\'2 3\'"'), ['Environment']), attrs(submit('environment = "A=1 B=\'2 3\'"'), ['Environment']), 'as environment in V2 syntax');
  t.same(attrs(submit('env = X=1\nenvironment2 = "A=1"\nallow_environment_v1 = true'), ['Environment', 'Env']), { Environment: '"A=1"', Env: undefined });
  refused(t, 'environment = X=1\nenvironment2 = "A=1"', "If you wish to specify both 'environment' and\n'environment2' for maximal compatibility with different\nversions of Condor, then you must also specify\nallow_environment_v1=true.");
  refused(t, 'environment2 = A=1', "Expecting a double-quoted environment string (V2 format).\nThe environment you specified was: 'A=1'");
  refused(t, 'allow_arguments_v1 = sure', 'allow_arguments_v1=sure is invalid, must eval to a boolean.');
});

t.test('keys condor_submit never reads, and WantNameTag (ec2 grid jobs only), get its unused-line warning', async (t) => {
  const ctx = context();
  const usage = new MacroUsage();
  expandProcs(parseSubmitFile('executable = a\nmemory_usage = 5\nexit_requirements = true\nwant_ads = true\nWantNameTag = false\nallow_arguments_v1 = true\nqueue\n', ctx), 7, ctx, usage);
  t.same(usage.unimplemented(), []);
  t.same(usage.warnings(), [
    "the line 'exit_requirements = true' was unused by condor_submit. Is it a typo?",
    "the line 'memory_usage = 5' was unused by condor_submit. Is it a typo?",
    "the line 'want_ads = true' was unused by condor_submit. Is it a typo?",
    "the line 'WantNameTag = false' was unused by condor_submit. Is it a typo?",
  ]);
});

t.test('commands the daemons act on are not named as not implemented', async (t) => {
  const warnings = notImplementedWarnings([
    submit(
      [
        'email_attributes = Owner',
        'on_evict_checks = Grow',
        'transform_body_Grow = SET A 1',
        'job_lease_duration = 100',
        'suspend_job_at_exec = true',
      ].join('\n'),
    ),
  ]);
  t.same(warnings, [], 'email_attributes, on_evict_checks (for policy holds too), job_lease_duration and suspend_job_at_exec are implemented');
  t.same(
    notImplementedWarnings([submit('keep_claim_idle = 5\nnext_job_start_delay = 5\nrun_as_owner = false\nprimary_unix_group = g\nsuspend_job_at_exec = false\nload_profile = true\ndescription = x\ndagman_log = d.log\nulog_execute_attrs = Cpus\njob_ad_information_attrs = Owner\njob_machine_attrs = Cpus\njob_machine_attrs_history_length = 2\nstarter_log = s.log')]),
    [],
    'load_profile acts on Windows only; keep_claim_idle, next_job_start_delay, run_as_owner, primary_unix_group, dagman_log, ulog_execute_attrs, job_ad_information_attrs, job_machine_attrs and starter_log are implemented',
  );
});
