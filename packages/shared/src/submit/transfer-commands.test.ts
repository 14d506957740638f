// The file-transfer submit commands of issue 24's batch C, as condor_submit's submit_utils.cpp sets them.
import t from 'tap';
import type { ClassAd } from '../classad/index.js';
import { testSubmitContext } from './context.test-support.js';
import { MacroUsage, expandProcs, parseSubmitFile } from './index.js';

const context = testSubmitContext;

/** The procs' ads and what condor_submit would say of the lines (not implemented, unused). */
function submit(text: string): { ads: ClassAd[]; unimplemented: string[]; warnings: string[] } {
  const ctx = context();
  const usage = new MacroUsage();
  const ads = expandProcs(parseSubmitFile(text, ctx), 7, ctx, usage);
  return { ads, unimplemented: usage.unimplemented(), warnings: usage.warnings() };
}

function pick(ad: ClassAd, names: string[]): Record<string, string | undefined> {
  const json = ad.toJSON();
  return Object.fromEntries(names.map((name) => [name, json[name]]));
}

t.test("standard-universe file options: SetSimpleJobExprs' attributes, strings as written, expressions checked", async (t) => {
  const { ads, unimplemented, warnings } = submit(
    [
      'executable = a',
      'file_remaps = "data.in = /scratch/data.in"',
      'buffer_files = "big.dat = (1000000,4096)"',
      'buffer_size = 524288',
      'buffer_block_size = 32768',
      'fetch_files = a.dat, b.dat',
      'compress_files = *.gz',
      'append_files = log.txt',
      'local_files = /tmp/*',
      'queue',
    ].join('\n'),
  );
  t.same(pick(ads[0]!, ['FileRemaps', 'BufferFiles', 'BufferSize', 'BufferBlockSize', 'FetchFiles', 'CompressFiles', 'AppendFiles', 'LocalFiles']), {
    FileRemaps: '"data.in = /scratch/data.in"',
    BufferFiles: '"big.dat = (1000000,4096)"',
    BufferSize: '524288',
    BufferBlockSize: '32768',
    FetchFiles: '"a.dat, b.dat"',
    CompressFiles: '"*.gz"',
    AppendFiles: '"log.txt"',
    LocalFiles: '"/tmp/*"',
  });
  t.same(unimplemented, [], 'none named as not implemented');
  t.same(warnings, [], 'nor as unused');
  t.throws(() => submit('executable = a\nbuffer_size = 12 +\nqueue\n'), { name: 'SubmitError', message: /buffer_size: invalid ClassAd expression "12 \+"/ });
});

t.test('erase_output_and_error_on_restart: DontAppend, a boolean', async (t) => {
  const { ads, unimplemented } = submit('executable = a\nwhen_to_transfer_output = ON_EXIT_OR_EVICT\nerase_output_and_error_on_restart = false\nqueue\n');
  t.equal(ads[0]!.getSource('DontAppend'), 'false');
  t.same(unimplemented, []);
  t.equal(submit('executable = a\nqueue\n').ads[0]!.getSource('DontAppend'), undefined, 'unset: the starter takes it for true');
  t.throws(() => submit('executable = a\nerase_output_and_error_on_restart = maybe\nqueue\n'), { name: 'SubmitError' });
});

t.test('transfer_container: TransferContainer for every job; false makes a container image local (process_container_input_files)', async (t) => {
  const vanilla = submit('executable = a\ntransfer_container = false\nqueue\n');
  t.equal(vanilla.ads[0]!.getSource('TransferContainer'), 'false');
  t.same(vanilla.unimplemented, []);
  const local = submit('executable = a\ncontainer_image = docker://alpine:3\ntransfer_container = false\nqueue\n');
  t.same(pick(local.ads[0]!, ['TransferContainer', 'ContainerImageSource']), { TransferContainer: 'false', ContainerImageSource: '"local"' });
  const pulled = submit('executable = a\ncontainer_image = docker://alpine:3\ntransfer_container = true\nqueue\n');
  t.same(pick(pulled.ads[0]!, ['TransferContainer', 'ContainerImageSource']), { TransferContainer: 'true', ContainerImageSource: '"docker"' });
});

t.test('per-file encryption: encrypt_* refused (no encrypted channel), dont_encrypt_* kept as written', async (t) => {
  const { ads, unimplemented } = submit('executable = a\ndont_encrypt_input_files = big.tar\ndont_encrypt_output_files = *.h5\nqueue\n');
  t.same(pick(ads[0]!, ['DontEncryptInputFiles', 'DontEncryptOutputFiles']), { DontEncryptInputFiles: '"big.tar"', DontEncryptOutputFiles: '"*.h5"' });
  t.same(unimplemented, []);
  for (const command of ['encrypt_input_files', 'encrypt_output_files']) {
    t.throws(() => submit(`executable = a\n${command} = secret.txt\nqueue\n`), {
      name: 'SubmitError',
      message: `job.sub:2: ${command} is not supported: tinycondor's schedd and startds transfer files unencrypted (plain HTTP), where HTCondor encrypts the files it names on the wire`,
    });
  }
});

t.test('encrypt_execute_directory: the job waits for a machine with HasEncryptExecuteDirectory (SetRequirements)', async (t) => {
  const { ads, unimplemented } = submit('executable = a\nencrypt_execute_directory = true\nqueue\n');
  t.same(pick(ads[0]!, ['EncryptExecuteDirectory', 'Requirements']), { EncryptExecuteDirectory: 'true', Requirements: 'TARGET.HasEncryptExecuteDirectory' });
  t.same(unimplemented, []);
  const named = submit('executable = a\nrequirements = TARGET.EncryptExecuteDirectory =!= false\nencrypt_execute_directory = true\nqueue\n');
  t.equal(named.ads[0]!.getSource('Requirements'), 'TARGET.EncryptExecuteDirectory =!= false', 'not added when the requirements name the attribute');
  const off = submit('executable = a\nencrypt_execute_directory = false\nqueue\n');
  t.same(pick(off.ads[0]!, ['EncryptExecuteDirectory', 'Requirements']), { EncryptExecuteDirectory: 'false', Requirements: 'true' });
});

t.test('public_input_files: PublicInputFiles for a job that may transfer files, else an unused line (SetTransferFiles)', async (t) => {
  const { ads, unimplemented, warnings } = submit('executable = a\ntransfer_input_files = a.txt\npublic_input_files = "ref.fa, genome/"\nqueue\n');
  t.equal(ads[0]!.getSource('PublicInputFiles'), '"ref.fa,genome/"');
  t.same([unimplemented, warnings], [[], []]);
  const url = submit('executable = a\npublic_input_files = ftp://example.org/x\nqueue\n');
  t.match(url.ads[0]!.getSource('Requirements'), /stringListIMember\("ftp",TARGET.HasFileTransferPluginMethods\)/, 'a URL needs its plugin, as a transfer_input_files URL does');
  const shared = submit('executable = a\nshould_transfer_files = NO\npublic_input_files = ref.fa\nqueue\n');
  t.equal(shared.ads[0]!.getSource('PublicInputFiles'), undefined);
  t.same(shared.unimplemented, []);
  t.same(shared.warnings, ["the line 'public_input_files = ref.fa' was unused by condor_submit. Is it a typo?"]);
});

t.test('output_directory: OutputDirectory, a full path; not with output_destination', async (t) => {
  const { ads, unimplemented } = submit('executable = a\ninitialdir = run1\noutput_directory = results/$(Process)\nqueue\n');
  t.equal(ads[0]!.getString('OutputDirectory'), '/home/alice/jobs/run1/results/0');
  t.same(unimplemented, []);
  t.throws(() => submit('executable = a\noutput_destination = file:///tmp/x\noutput_directory = out\nqueue\n'), {
    name: 'SubmitError',
    problem: 'You cannot use both output_destination and output_directory in the same submit file',
  });
});

t.test('manifest, manifest_dir: JobManifestDesired, JobManifestDir (as written)', async (t) => {
  const { ads, unimplemented } = submit('executable = a\nmanifest = true\nmanifest_dir = run_manifest\nqueue\n');
  t.same(pick(ads[0]!, ['JobManifestDesired', 'JobManifestDir']), { JobManifestDesired: 'true', JobManifestDir: '"run_manifest"' });
  t.same(unimplemented, []);
});

t.test('max_transfer_input_mb, max_transfer_output_mb: expressions', async (t) => {
  const { ads, unimplemented } = submit('executable = a\nmax_transfer_input_mb = 100\nmax_transfer_output_mb = RequestDisk / 1024\nqueue\n');
  t.same(pick(ads[0]!, ['MaxTransferInputMB', 'MaxTransferOutputMB']), { MaxTransferInputMB: '100', MaxTransferOutputMB: 'RequestDisk / 1024' });
  t.same(unimplemented, []);
});

t.test('transfer_common_input: CommonInputFiles, comma-separated items trimmed', async (t) => {
  const { ads, unimplemented } = submit('executable = a\ntransfer_common_input = "A1.txt , my dir/ ,A2.txt"\nqueue\n');
  t.equal(ads[0]!.getString('CommonInputFiles'), 'A1.txt,my dir/,A2.txt');
  t.same(unimplemented, []);
});

t.test('core_size (an integer), stack_size (an expression): CoreSize, StackSize', async (t) => {
  const { ads, unimplemented } = submit('executable = a\ncore_size = -1\nstack_size = 8 * 1048576\nqueue\n');
  t.same(pick(ads[0]!, ['CoreSize', 'StackSize']), { CoreSize: '-1', StackSize: '8 * 1048576' });
  t.same(unimplemented, []);
  t.throws(() => submit('executable = a\ncore_size = big\nqueue\n'), { name: 'SubmitError', problem: 'core_size=big is invalid, must eval to an integer.' });
});
