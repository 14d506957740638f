import t from 'tap';
import {
  INTERNAL_SANDBOX_FILES,
  STDERR_NAME,
  STDOUT_NAME,
  appendsStdStreams,
  listedInputFiles,
  manifestDirectory,
  maxTransferBytes,
  transferListItem,
  keepsAnyOutput,
  namesInputFiles,
  outputDestination,
  parseRemaps,
  splitFileList,
  usesFileTransfer,
  type OutputNaming,
} from './transfer-files.js';
import { ClassAd } from './classad/index.js';

const jobAd = (attributes: Record<string, string>) => ClassAd.fromJSON({ Cmd: '"/bin/true"', Iwd: '"/submit"', ...attributes });

t.test('namesInputFiles: a transferred executable, input, transfer_input_files or the job\'s plugins', async (t) => {
  t.ok(namesInputFiles(jobAd({})), 'the executable is transferred by default');
  t.notOk(namesInputFiles(jobAd({ TransferExecutable: 'false' })));
  t.notOk(namesInputFiles(jobAd({ TransferExecutable: 'false', In: '"/dev/null"', TransferInput: '" , "' })));
  t.ok(namesInputFiles(jobAd({ TransferExecutable: 'false', In: '"stdin.txt"' })));
  t.ok(namesInputFiles(jobAd({ TransferExecutable: 'false', TransferInput: '"a.txt"' })));
  t.ok(namesInputFiles(jobAd({ TransferExecutable: 'false', TransferPlugins: '"sleep=/p/sleep_plugin.py"' })), "the job's own plugins are inputs (AddJobPluginsToInputFiles)");
  t.notOk(namesInputFiles(jobAd({ TransferExecutable: 'false', TransferPlugins: '"no-equals"' })), 'a definition without = names no plugin');
});

t.test('usesFileTransfer is false only for should_transfer_files = NO', async (t) => {
  t.ok(usesFileTransfer(jobAd({})));
  t.ok(usesFileTransfer(jobAd({ ShouldTransferFiles: '"IF_NEEDED"' })));
  t.notOk(usesFileTransfer(jobAd({ ShouldTransferFiles: '"no"' })));
});

t.test('keepsAnyOutput: whether a returned file has somewhere to go', async (t) => {
  t.notOk(keepsAnyOutput(jobAd({}), [STDOUT_NAME, STDERR_NAME]), 'stdout and stderr not asked for');
  t.notOk(keepsAnyOutput(jobAd({ Out: '"/dev/null"', Err: '""' }), [STDOUT_NAME, STDERR_NAME]));
  t.ok(keepsAnyOutput(jobAd({ Out: '"job.out"' }), [STDOUT_NAME, STDERR_NAME]), 'output = job.out gets even an empty stdout');
  t.ok(keepsAnyOutput(jobAd({}), [STDOUT_NAME, 'result.dat']), 'a file the job wrote');
  t.notOk(keepsAnyOutput(jobAd({}), []));
  t.ok(keepsAnyOutput(jobAd({ SUBMIT_Iwd: '"/home/u"' }), [STDOUT_NAME]), 'a spooled job keeps its results in SPOOL');
  t.throws(() => keepsAnyOutput(jobAd({ TransferOutputRemaps: '"broken"' }), ['a']), { message: /has no '='/ });
});

t.test('splitFileList trims blanks and drops empty items', async (t) => {
  t.same(splitFileList(' a.txt , dir/ ,, sub/c.dat ,'), ['a.txt', 'dir/', 'sub/c.dat']);
  t.same(splitFileList(''), []);
  t.same(splitFileList(undefined), []);
});

t.test('parseRemaps maps sandbox names to destinations', async (t) => {
  const remaps = parseRemaps('out.dat = results/out.dat; log.txt=/abs/log.txt ;');
  t.same([...remaps.entries()], [
    ['out.dat', 'results/out.dat'],
    ['log.txt', '/abs/log.txt'],
  ]);
  t.equal(parseRemaps(undefined).size, 0);
  t.equal(parseRemaps(' ; ').size, 0);
});

t.test('parseRemaps names the entry that has no =', async (t) => {
  t.throws(() => parseRemaps('a = b; broken entry '), { message: "transfer_output_remaps entry 'broken entry' has no '='" });
});

t.test('outputDestination: stdout/stderr go to output/error, others are remapped or kept', async (t) => {
  const naming: OutputNaming = {
    iwd: '/home/alice/job',
    out: 'job.out',
    err: '/dev/null',
    remaps: new Map([
      ['result.dat', 'sub/renamed.dat'],
      ['abs.dat', '/data/abs.dat'],
    ]),
  };
  t.equal(outputDestination(STDOUT_NAME, naming), '/home/alice/job/job.out');
  t.equal(outputDestination(STDERR_NAME, naming), undefined, 'sent to /dev/null');
  t.equal(outputDestination('result.dat', naming), '/home/alice/job/sub/renamed.dat');
  t.equal(outputDestination('abs.dat', naming), '/data/abs.dat');
  t.equal(outputDestination('plain.txt', naming), '/home/alice/job/plain.txt');
  t.equal(outputDestination(STDOUT_NAME, { iwd: '/w', remaps: new Map() }), undefined, 'no output requested');
  t.equal(outputDestination(STDERR_NAME, { iwd: '/w', err: '', remaps: new Map() }), undefined);
  t.equal(outputDestination('x', { iwd: '/w', remaps: new Map([['x', '/dev/null']]) }), undefined);
});

t.test('transferListItem: a basename, a trailing / sends the contents of a directory', async (t) => {
  t.same(transferListItem('data/set1/', false), { source: 'data/set1', name: 'set1', contentsOnly: true });
  t.same(transferListItem('data/set1//', false), { source: 'data/set1', name: 'set1', contentsOnly: true });
  t.same(transferListItem('data/set1', false), { source: 'data/set1', name: 'set1', contentsOnly: false });
  t.same(transferListItem('/abs/in.txt', false), { source: '/abs/in.txt', name: 'in.txt', contentsOnly: false });
});

t.test('transferListItem with preserve_relative_paths: relative paths kept, trailing / ignored', async (t) => {
  t.same(transferListItem('prp/data', true), { source: 'prp/data', name: 'prp/data', contentsOnly: false });
  t.same(transferListItem('./prp//data/', true), { source: './prp//data', name: 'prp/data', contentsOnly: false });
  t.same(transferListItem('/abs/dir/in.txt', true), { source: '/abs/dir/in.txt', name: 'in.txt', contentsOnly: false }, 'not an absolute path');
  t.same(transferListItem('../up/in.txt', true), { source: '../up/in.txt', name: 'in.txt', contentsOnly: false }, 'not out of the sandbox');
  t.same(transferListItem('top.txt', true), { source: 'top.txt', name: 'top.txt', contentsOnly: false });
});

t.test('sandbox file names', async (t) => {
  t.equal(STDOUT_NAME, '_condor_stdout');
  t.equal(STDERR_NAME, '_condor_stderr');
  t.same([...INTERNAL_SANDBOX_FILES].sort(), ['.chirp.config', '.job.ad', '.machine.ad', '.update.ad', '.update.ad.tmp']);
  t.equal(INTERNAL_SANDBOX_FILES.has(STDOUT_NAME), false);
});

t.test('appendsStdStreams: truncated unless self-checkpointing or erase_output_and_error_on_restart = false', async (t) => {
  t.equal(appendsStdStreams(jobAd({})), false, 'DontAppend is true when unset (VanillaProc::outputOpenFlags)');
  t.equal(appendsStdStreams(jobAd({ DontAppend: 'true' })), false);
  t.equal(appendsStdStreams(jobAd({ DontAppend: 'false' })), true);
  t.equal(appendsStdStreams(jobAd({ WantFTOnCheckpoint: 'true' })), true);
  t.equal(appendsStdStreams(jobAd({ WantCheckpointSignal: 'true', DontAppend: 'true' })), true);
});

t.test('listedInputFiles: transfer_input_files, then the public_input_files not among them', async (t) => {
  t.same(listedInputFiles(jobAd({ TransferInput: '"a.txt,b.txt"', PublicInputFiles: '"b.txt,ref.fa"' })), ['a.txt', 'b.txt', 'ref.fa']);
  t.same(listedInputFiles(jobAd({ PublicInputFiles: '"ref.fa"' })), ['ref.fa']);
  t.same(listedInputFiles(jobAd({ TransferInput: '"a.txt"', CommonInputFiles: '"a.txt,common.db"' })), ['a.txt', 'common.db'], 'transfer_common_input too');
  t.equal(namesInputFiles(jobAd({ TransferExecutable: 'false', PublicInputFiles: '"ref.fa"' })), true);
});

t.test('manifestDirectory: manifest_dir, else <cluster>_<proc>_manifest for manifest = true', async (t) => {
  t.equal(manifestDirectory(jobAd({ ClusterId: '12', ProcId: '3', JobManifestDesired: 'true' })), '12_3_manifest');
  t.equal(manifestDirectory(jobAd({ ClusterId: '12', ProcId: '3', JobManifestDir: '"mine"' })), 'mine', 'manifest_dir alone is enough');
  t.equal(manifestDirectory(jobAd({ ClusterId: '12', ProcId: '3', JobManifestDesired: 'false' })), undefined);
});

t.test('maxTransferBytes: the job attribute over the knob, the knob evaluated against the job; negative is no limit', async (t) => {
  t.equal(maxTransferBytes(jobAd({ MaxTransferInputMB: '2' }), 'MaxTransferInputMB', '10'), 2 * 1024 * 1024);
  t.equal(maxTransferBytes(jobAd({ RequestDisk: '4096' }), 'MaxTransferInputMB', 'RequestDisk / 1024'), 4 * 1024 * 1024, 'param_integer with the job ad');
  t.equal(maxTransferBytes(jobAd({ MaxTransferOutputMB: '-1' }), 'MaxTransferOutputMB', '10'), undefined);
  t.equal(maxTransferBytes(jobAd({}), 'MaxTransferOutputMB', undefined), undefined, 'MAX_TRANSFER_OUTPUT_MB defaults to -1');
  t.equal(maxTransferBytes(jobAd({ MaxTransferInputMB: 'RequestMemory * 2', RequestMemory: '3' }), 'MaxTransferInputMB', undefined), 6 * 1024 * 1024);
});
