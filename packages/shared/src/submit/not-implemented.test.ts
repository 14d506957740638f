import t from 'tap';
import { ClassAd } from '../classad/index.js';
import { mayUseNotImplemented, notImplementedWarnings } from './not-implemented.js';

t.test('each submit command HTCondor acts on and tinycondor does not yet is named once, with what differs', async (t) => {
  t.same(notImplementedWarnings([ClassAd.fromJSON({ StreamOut: 'false', StreamErr: 'false', PreserveRelativePaths: 'false' })]), [], 'their defaults say nothing');
  t.same(
    notImplementedWarnings([ClassAd.fromJSON({ StreamOut: 'true', StreamErr: 'true', CheckpointDestination: '"file:///ckpt"', PreserveRelativePaths: 'true' })]),
    [],
    'stream_output, stream_error, preserve_relative_paths and checkpoint_destination are implemented',
  );
  t.same(notImplementedWarnings([ClassAd.fromJSON({ JobStarterDebug: 'true', JobStarterLog: '"/home/u/s.log"' })]), [], 'starter_debug and starter_log are implemented');
  const warnings = notImplementedWarnings([ClassAd.fromJSON({ StreamErr: 'true', SUBMIT_Iwd: '"/home/u"' })]);
  t.equal(warnings.length, 1, 'streaming with -spool: one difference, said once');
  t.match(warnings[0], /^stream_output and stream_error of a job submitted with -spool: tinycondor's condor_transfer_data brings the streamed file back .* leaves a streamed one in the job's SPOOL directory$/);
});

t.test('container commands that do not do here what they do on HTCondor are named', async (t) => {
  const warnings = notImplementedWarnings([
    ClassAd.fromJSON({ WantContainer: 'true', ContainerServiceNames: '"web"', DockerSendCredentials: 'true', ContainerTargetDir: '"/work"' }),
  ]);
  t.equal(warnings.length, 1, 'container_service_names, docker_send_credentials and mount_under_scratch are implemented');
  t.match(warnings[0], /^container_target_dir has no effect on a job run with Docker, in tinycondor as in HTCondor, .* Apptainer mounts the sandbox at the directory named instead$/);
  t.same(notImplementedWarnings([ClassAd.fromJSON({ ContainerTargetDir: '"/work"' })]), [], "a vanilla job carries it, and only a container job's starter acts on it, on HTCondor too");
  t.same(notImplementedWarnings([ClassAd.fromJSON({ WantDocker: 'true', MountUnderScratch: '"/tmp"' })]), [], 'a container job gets its mount_under_scratch directories');
  t.same(notImplementedWarnings([ClassAd.fromJSON({ MountUnderScratch: '"/tmp"' })]), [], "a vanilla job's is read by no starter, on HTCondor either (VanillaProc reads MOUNT_UNDER_SCRATCH only)");
});

t.test('a proc\'s own attributes are read only when they name one of them', async (t) => {
  t.equal(mayUseNotImplemented(['ProcId', 'Args']), false);
  t.equal(mayUseNotImplemented(['ProcId', 'streamout']), true);
});

t.test('want_io_proxy: condor_chirp\'s attribute and file commands are implemented, nothing to warn about', async (t) => {
  t.same(notImplementedWarnings([ClassAd.fromJSON({ WantIOProxy: 'true' })]), []);
});

t.test('s3:// and gs:// URLs with keys: the schedd signs them, nothing to warn about', async (t) => {
  const keys = { EC2AccessKeyId: '"k"', EC2SecretAccessKey: '"s"', ShouldTransferFiles: '"YES"' };
  t.same(notImplementedWarnings([ClassAd.fromJSON({ ...keys, TransferInput: '"s3://bucket.example/a, b"' })]), []);
});

t.test('on_evict_checks: tried for run failures and policy holds as HTCondor does, nothing to warn about', async (t) => {
  t.same(notImplementedWarnings([ClassAd.fromJSON({ TransformOnEvict: '"Grow RequestMemory"' })]), []);
});
