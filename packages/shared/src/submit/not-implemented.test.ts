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
  const warnings = notImplementedWarnings([ClassAd.fromJSON({ StreamOut: 'true', StreamErr: 'true', SUBMIT_Iwd: '"/home/u"' })]);
  t.equal(warnings.length, 2);
  t.match(warnings[0], /^stream_output is not implemented by tinycondor yet for a job submitted with -spool: .* where HTCondor appends to it while the job runs$/);
  t.match(warnings[1], /^stream_error is not implemented/);
});

t.test('container commands tinycondor does not carry out yet are named', async (t) => {
  const warnings = notImplementedWarnings([
    ClassAd.fromJSON({ WantContainer: 'true', ContainerServiceNames: '"web"', DockerSendCredentials: 'true', ContainerTargetDir: '"/work"' }),
  ]);
  t.equal(warnings.length, 3);
  t.match(warnings[0], /^container_service_names is only partly implemented by tinycondor: .*<service>_HostPort/);
  t.match(warnings[1], /^docker_send_credentials is not implemented/);
  t.match(warnings[2], /^container_target_dir is not implemented/);
  t.same(
    notImplementedWarnings([ClassAd.fromJSON({ DockerSendCredentials: 'true', ContainerTargetDir: '"/work"' })]),
    [],
    'a vanilla job carries them, and only a container job\'s starter acts on them, on HTCondor too',
  );
  t.same(notImplementedWarnings([ClassAd.fromJSON({ DockerSendCredentials: 'false' })]), [], 'docker_send_credentials = false asks for nothing');
  t.same(notImplementedWarnings([ClassAd.fromJSON({ WantDocker: 'true', MountUnderScratch: '"/tmp"' })]), [], 'a container job gets its mount_under_scratch directories');
  t.same(notImplementedWarnings([ClassAd.fromJSON({ MountUnderScratch: '"/tmp"' })]), [], "a vanilla job's is read by no starter, on HTCondor either (VanillaProc reads MOUNT_UNDER_SCRATCH only)");
});

t.test('a proc\'s own attributes are read only when they name one of them', async (t) => {
  t.equal(mayUseNotImplemented(['ProcId', 'Args']), false);
  t.equal(mayUseNotImplemented(['ProcId', 'streamout']), true);
});

t.test("want_io_proxy: condor_chirp's attribute commands work, its file commands are refused, and the user is told", async (t) => {
  t.same(notImplementedWarnings([ClassAd.fromJSON({ WantIOProxy: 'false' })]), []);
  const warnings = notImplementedWarnings([ClassAd.fromJSON({ WantIOProxy: 'true' })]);
  t.equal(warnings.length, 1);
  t.match(warnings[0], /^want_io_proxy is only partly implemented by tinycondor: .*file commands .* refused as where ENABLE_CHIRP_IO is false/);
});

t.test('s3:// and gs:// URLs with keys: tinycondor does not sign them', async (t) => {
  const keys = { EC2AccessKeyId: '"k"', EC2SecretAccessKey: '"s"', ShouldTransferFiles: '"YES"' };
  const warnings = notImplementedWarnings([ClassAd.fromJSON({ ...keys, TransferInput: '"s3://bucket.example/a, b"' })]);
  t.equal(warnings.length, 1);
  t.match(warnings[0], /^s3:\/\/ and gs:\/\/ URLs are not signed by tinycondor yet: /);
  t.same(notImplementedWarnings([ClassAd.fromJSON({ ...keys, TransferInput: '"https://example/a"' })]), [], 'keys without such a URL');
});
