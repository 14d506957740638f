// The commands of other universes and the credentials, in a vanilla job, as HTCondor's condor_submit reads
// them (submit_utils.cpp: SetGridParams, SetVMParams, SetParallelParams, SetTDP, SetJavaVMArgs,
// SetGSICredentials, SetSimpleJobExprs' prunable_keywords, SetTransferFiles, SetRequirements).
import t from 'tap';
import type { ClassAd } from '../classad/index.js';
import type { FileProbe, SubmitContext } from './context.js';
import { testSubmitContext } from './context.test-support.js';
import { factorySubmission, ProcFactory } from './factory.js';
import { MacroUsage, expandProcs, parseSubmitFile } from './index.js';

function context(overrides: Partial<SubmitContext> = {}): SubmitContext {
  return testSubmitContext({ env: { HOME: '/home/alice' }, ...overrides });
}

function submit(lines: string, overrides: Partial<SubmitContext> = {}): ClassAd {
  const ctx = context(overrides);
  return expandProcs(parseSubmitFile(`executable = a.sh\n${lines}\nqueue\n`, ctx), 7, ctx)[0]!;
}

/** What condor_submit says of the lines: [not implemented, unused]. */
function said(lines: string): [string[], string[]] {
  const ctx = context();
  const usage = new MacroUsage();
  expandProcs(parseSubmitFile(`executable = a.sh\n${lines}\nqueue\n`, ctx), 7, ctx, usage);
  return [usage.unimplemented(), usage.warnings()];
}

function pick(ad: ClassAd, names: string[]): Record<string, string | undefined> {
  const json = ad.toJSON();
  return Object.fromEntries(names.map((name) => [name, json[name]]));
}

type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];

function refusal(t: TapTest, lines: string, problem: string, overrides: Partial<SubmitContext> = {}): void {
  t.throws(() => submit(lines, overrides), { name: 'SubmitError', problem }, problem);
}

t.test('grid, vm, parallel and tool-daemon commands are unused lines in a vanilla job, as on HTCondor', async (t) => {
  const lines = [
    'grid_resource = batch slurm',
    'ec2_ami_id = ami-1',
    'ec2_tag_Name = web',
    'cloud_label_names = a',
    'cloud_label_a = 1',
    'gce_image = img',
    'azure_size = s',
    'arc_rte = x',
    'batch_queue = short',
    'vm_type = kvm',
    'xen_kernel = included',
    'machine_count = 4',
    'NodeCount = 4',
    'tool_daemon_args = -v',
    'tool_daemon_output = td.out',
    'send_credential = true',
    'container_service_names = web',
    'web_container_port = 80',
  ];
  const [unimplemented, unused] = said(lines.join('\n'));
  t.same(unimplemented, [], 'none is named as not implemented');
  t.equal(unused.length, lines.length);
  t.ok(unused.includes("the line 'machine_count = 4' was unused by condor_submit. Is it a typo?"));
  t.ok(unused.includes("the line 'send_credential = true' was unused by condor_submit. Is it a typo?"), 'send_credential: nothing looks it up');
  t.ok(unused.includes("the line 'container_service_names = web' was unused by condor_submit. Is it a typo?"), 'read for container jobs only');
});

t.test('SetSimpleJobExprs: the java, parallel and batch commands are carried as written in every universe', async (t) => {
  const ad = submit('jar_files = a.jar, b.jar\nparallel_script_shadow = sh.sh\nparallel_script_starter = st.sh\nbatch_id = " 12.0 "\njobset = "nightly"\nwant_job_networking = false');
  t.same(pick(ad, ['JarFiles', 'ParallelScriptShadow', 'ParallelScriptStarter', 'JobBatchId', 'JobSetName', 'WantJobNetworking']), {
    JarFiles: '"a.jar, b.jar"',
    ParallelScriptShadow: '"sh.sh"',
    ParallelScriptStarter: '"st.sh"',
    JobBatchId: '" 12.0 "',
    JobSetName: '"nightly"',
    WantJobNetworking: 'false',
  });
  t.equal(submit('JarFiles = x.jar').toJSON().JarFiles, '"x.jar"', 'looked up by the attribute name too');
  refusal(t, 'want_job_networking = maybe', 'want_job_networking=maybe is invalid, must eval to a boolean.');
  t.same(said('jar_files = a.jar\njobset = js\nbatch_id = 1'), [[], []]);
});

t.test('the docker and container commands are set in a vanilla job too, and only a container job acts on them', async (t) => {
  const ad = submit('docker_network_type = host\ndocker_pull_policy = always\ndocker_override_entrypoint = true\ncontainer_target_dir = "/work"\ncontainer_is_common = true\nmount_under_scratch = "/scratch, /work"');
  t.same(pick(ad, ['DockerNetworkType', 'DockerPullPolicy', 'DockerOverrideEntrypoint', 'ContainerTargetDir', 'ContainerIsCommon', 'MountUnderScratch', 'WantDocker', 'Requirements']), {
    DockerNetworkType: '"host"',
    DockerPullPolicy: '"always"',
    DockerOverrideEntrypoint: 'true',
    ContainerTargetDir: '"/work"',
    ContainerIsCommon: 'true',
    MountUnderScratch: '"/scratch, /work"',
    WantDocker: undefined,
    Requirements: 'true',
  });
  refusal(t, 'container_is_common = sometimes', 'container_is_common=sometimes is invalid, must eval to a boolean.');
});

t.test('docker_send_credentials: the submitter\'s docker credentials file must be there', async (t) => {
  const probeFile = (path: string): FileProbe =>
    path.endsWith('config.json') && path !== '/home/alice/.docker/config.json' ? { error: 'No such file or directory' } : { size: 10, firstLine: '{' };
  t.equal(submit('docker_send_credentials = true', { probeFile }).toJSON().DockerSendCredentials, 'true');
  refusal(t, 'docker_send_credentials = true', 'ERROR: Cannot locate docker credentials file /home/bob/.docker/config.json: No such file or directory', { probeFile, env: { HOME: '/home/bob' } });
  refusal(t, 'docker_send_credentials = true', 'ERROR: DOCKER_CONFIG directory is not defined', { env: {} });
  t.equal(submit('docker_send_credentials = false', { env: {} }).toJSON().DockerSendCredentials, 'false');
});

t.test('the S3 keys: attributes as written, and s3:// or gs:// URLs need both', async (t) => {
  const ad = submit('aws_region = us-east-1\naws_access_key_id_file = aws.id\ns3_access_key_id_file = s3.id\ngs_access_key_id_file = gs.id\ns3_secret_access_key_file = s3.key');
  t.same(pick(ad, ['AWSRegion', 'EC2AccessKeyId', 'EC2SecretAccessKey']), { AWSRegion: '"us-east-1"', EC2AccessKeyId: '"gs.id"', EC2SecretAccessKey: '"s3.key"' }, 'gs_ then s3_ then aws_: the last in the table wins');
  const url = 'should_transfer_files = YES\ntransfer_input_files = s3://bucket.example/in.dat';
  refusal(t, url, '[s3|gs]:// URLs require [s3|aws|gs]_access_key_id_file to be set.\nERROR: [s3|gs]:// URLS require [s3|aws|gs]_secret_access_key_file to be set.');
  refusal(t, `${url}\ns3_access_key_id_file = id`, '[s3|gs]:// URLS require [s3|aws|gs]_secret_access_key_file to be set.');
  const signed = submit(`${url}\naws_access_key_id_file = id\ngs_secret_access_key_file = key`);
  t.match(signed.toJSON().Requirements, /stringListIMember\("s3",TARGET.HasFileTransferPluginMethods\)/);
  t.ok(submit(`${url}\n+EC2AccessKeyId = "id"\nMY.EC2SecretAccessKey = "key"`), 'the attributes set as custom ones');
  t.ok(submit(url, { signS3Urls: false }), 'SIGN_S3_URLS = false: nothing to sign with');
  t.ok(submit(`${url}\nrequirements = TARGET.HasFileTransferPluginMethods =!= undefined`), 'requirements naming the plugin methods: no check, as in SetRequirements');
});

t.test('SetJavaVMArgs runs for every universe: JavaVMArgs (V1) or JavaVMArguments (V2)', async (t) => {
  t.equal(submit('java_vm_args = -Xmx1g -Dx=1').toJSON().JavaVMArgs, '"-Xmx1g -Dx=1"');
  t.equal(submit('JavaVMArgs = -Xmx2g').toJSON().JavaVMArgs, '"-Xmx2g"', 'java_vm_arguments by its attribute name');
  t.same(pick(submit(`java_vm_arguments2 = "-Dname='a b'"`), ['JavaVMArgs', 'JavaVMArguments']), { JavaVMArgs: undefined, JavaVMArguments: `"-Dname=a' 'b"` }, 'V2 raw as join_args writes it');
  t.same(pick(submit('java_vm_arguments = "-Xss1m"'), ['JavaVMArguments']), { JavaVMArguments: '"-Xss1m"' }, 'a V2-quoted java_vm_arguments');
  refusal(t, 'java_vm_args = -a\njava_vm_arguments = -b', 'you specified a value for both java_vm_args and java_vm_arguments.');
  refusal(
    t,
    'java_vm_arguments = -a\njava_vm_arguments2 = "-b"',
    "If you wish to specify both 'java_vm_arguments' and\n'java_vm_arguments2' for maximal compatibility with different\nversions of Condor, then you must also specify\nallow_arguments_v1=true.",
  );
  t.equal(submit('java_vm_arguments = -a\njava_vm_arguments2 = "-b"\nallow_arguments_v1 = true').toJSON().JavaVMArguments, '"-b"', 'then java_vm_arguments2 wins');
  refusal(t, 'java_vm_arguments2 = -b', 'failed to parse java VM arguments: Expecting double-quoted input string (V2 format).\nThe full arguments you specified were -b');
  t.same(said('java_vm_args = -a'), [[], []]);
  refusal(t, 'allow_arguments_v1 = maybe', 'allow_arguments_v1=maybe is invalid, must eval to a boolean.');
  t.same(said('allow_arguments_v1 = true'), [[], []], 'SetJavaVMArgs reads it for every job');
});

t.test('tool_daemon_cmd is refused: tinycondor\'s startd runs no tool daemon beside the job', async (t) => {
  t.throws(() => submit('tool_daemon_cmd = /usr/bin/td\ntool_daemon_args = -v'), { name: 'SubmitError', problem: /^tool_daemon_cmd is not supported by tinycondor: / });
});

t.test('interactive_executable and interactive_args are read and used by condor_submit -interactive only', async (t) => {
  const ad = submit('interactive_executable = /bin/sleep\ninteractive_args = 100');
  t.same(pick(ad, ['Cmd', 'Args', 'Arguments']), { Cmd: '"/home/alice/jobs/a.sh"', Args: undefined, Arguments: '""' });
  t.same(said('interactive_executable = /bin/sleep\ninteractive_args = 100'), [[], []]);
});

t.test('SetGSICredentials: use_x509userproxy, delegate_job_gsi_credentials_lifetime, scitokens', async (t) => {
  const proxy = (path: string): FileProbe => (path.includes('x509') ? { size: 4000, firstLine: '-----BEGIN CERTIFICATE-----\n' } : { size: 100, firstLine: '#!/bin/sh\n' });
  t.equal(submit('use_x509userproxy = true', { probeFile: proxy, euid: 1000 }).toJSON().x509userproxy, '"/tmp/x509up_u1000"');
  t.equal(submit('use_x509userproxy = true', { probeFile: proxy, env: { X509_USER_PROXY: 'my_x509' } }).toJSON().x509userproxy, '"/home/alice/jobs/my_x509"');
  refusal(t, 'use_x509userproxy = true', 'unable to read proxy file', { euid: 1000, probeFile: (path) => (path.includes('x509') ? { error: 'No such file or directory' } : proxy(path)) });
  refusal(t, 'use_x509userproxy = true', 'unable to read proxy file', { euid: 1000, probeFile: (path) => (path.includes('x509') ? { size: 3, firstLine: 'hi\n' } : proxy(path)) });
  refusal(t, 'use_x509userproxy = true', "Can't determine proxy filename\nX509 user proxy is required for this job.", { probeFile: proxy });
  t.equal(submit('use_x509userproxy = false', { euid: 1000 }).has('x509userproxy'), false);
  refusal(t, 'use_x509userproxy = perhaps', 'use_x509userproxy=perhaps is invalid, must eval to a boolean.');

  t.equal(submit('delegate_job_gsi_credentials_lifetime = 3600').toJSON().DelegateJobGSICredentialsLifetime, '3600');
  t.equal(submit('DelegateJobGSICredentialsLifetime = 60').toJSON().DelegateJobGSICredentialsLifetime, '60', 'by its attribute name');
  refusal(t, 'delegate_job_gsi_credentials_lifetime = 1h', 'invalid integer setting delegate_job_gsi_credentials_lifetime = 1h');

  t.equal(submit('scitokens_file = tok').toJSON().ScitokensFile, '"/home/alice/jobs/tok"');
  t.equal(submit('use_scitokens = false\nscitokens_file = tok').has('ScitokensFile'), false);
  t.equal(submit('use_scitoken = auto', { env: { BEARER_TOKEN_FILE: '/run/t' } }).toJSON().ScitokensFile, '"/run/t"');
  t.equal(submit('use_scitokens = auto').has('ScitokensFile'), false, 'auto without a token file: nothing');
  refusal(t, 'use_scitokens = true', 'No Scitokens filename specified. Expected either scitokens_file command or the BEARER_TOKEN_FILE environment variable to be set.');
  refusal(t, 'use_scitokens = maybe', 'use_scitokens error. Value should be true, false, or auto.');
  t.same(said('use_x509userproxy = false\ndelegate_job_gsi_credentials_lifetime = 5\nuse_scitokens = false\nscitokens_file = tok'), [[], []]);
});

t.test('use_x509userproxy in a job factory: the schedd gives its procs the proxy condor_submit checked', async (t) => {
  const ctx = context({ euid: 1000, probeFile: (path) => (path.includes('x509') ? { size: 4000, firstLine: '-----BEGIN CERTIFICATE-----\n' } : { size: 100, firstLine: '#!/bin/sh\n' }) });
  const submission = factorySubmission(parseSubmitFile('executable = a.sh\nuse_x509userproxy = true\nmax_idle = 1\nqueue 2\n', ctx), 7, ctx)!;
  const factory = new ProcFactory(JSON.parse(JSON.stringify(submission.digest)), 7);
  t.equal(factory.cluster.stored.x509userproxy, '"/tmp/x509up_u1000"', 'not read again at the schedd');
});
