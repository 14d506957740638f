import t from 'tap';
import { ClassAd } from './classad/index.js';
import {
  filterPluginResult,
  isUrl,
  pluginInvocationAd,
  pluginResultListText,
  jobPlugins,
  judgeInvocation,
  judgeSingleFileInvocation,
  neededPluginMethods,
  outputUrl,
  parseCapabilities,
  parsePluginResults,
  pluginFiles,
  pluginInputFile,
  urlFileName,
  urlMethod,
  urlSafePrint,
  urlTransferHoldReason,
} from './url-transfer.js';

t.test('URLs and their methods, as condor_url.cpp reads them', async (t) => {
  t.ok(isUrl('http://host/x'));
  t.ok(isUrl('osdf+https://h/p'));
  t.notOk(isUrl('http://'), 'something must follow ://');
  t.notOk(isUrl('1http://x'), 'a scheme starts with a letter');
  t.notOk(isUrl('data/file'));
  t.notOk(isUrl('C:/dir'));
  t.equal(urlMethod('HTTP://h/x'), 'HTTP');
  t.equal(urlMethod('pelican+https://h/x'), 'https', "the scheme's last part (getURLType with scheme_suffix)");
  t.equal(urlMethod('a.b-c://h'), 'c');
  t.equal(urlMethod('file'), undefined);
  t.equal(urlFileName('http://h/dir/goodurl'), 'goodurl');
  t.equal(urlSafePrint('https://h/x?token=secret'), 'https://h/x?...');
});

t.test('transfer_plugins: methods and the plugin each names; an entry without = is IJP error', async (t) => {
  t.same(jobPlugins('tar=mytar; HTTP, https = my_http ;'), {
    plugins: [
      { methods: ['tar'], path: 'mytar' },
      { methods: ['http', 'https'], path: 'my_http' },
    ],
    errors: [],
  });
  t.same(jobPlugins('nothing').errors, ["IJP: no '=' in TransferPlugins definition 'nothing'"]);
});

t.test('the methods a job needs of the machine: URL inputs, output_destination, URL remaps, less its own plugins', async (t) => {
  const ad = ClassAd.fromJSON({
    TransferInput: '"a.txt, http://h/x, osdf://o/y, file:///z"',
    OutputDestination: '"s3://bucket/out"',
    TransferOutputRemaps: '"r = davs://h/r; q = local/q"',
    TransferPlugins: '"osdf=osdf_plugin.py"',
  });
  t.same(neededPluginMethods(ad), ['davs', 'file', 'http', 's3']);
  t.same(neededPluginMethods(ClassAd.fromJSON({ TransferInput: '"a, b"' })), []);
});

t.test("a plugin's -classad answer", async (t) => {
  const curl = parseCapabilities('/p/curl_plugin', 'MultipleFileSupport = true\nPluginVersion = "1"\n# comment\n\nProtocolVersion = 4\nSupportedMethods = "http,HTTPS,file"\nnot a line\n');
  t.same(curl, { methods: ['http', 'https', 'file'], multipleFile: true, protocolVersion: 4 });
  t.same(parseCapabilities('/p/data_plugin', 'PluginType = "FileTransfer"\nSupportedMethods = "data"\n'), { methods: ['data'], multipleFile: false, protocolVersion: 1 });
  t.same(parseCapabilities('/p/x', 'PluginType = "FileTransfer"\n'), { error: '/p/x -classad did not produce a valid classad, ignoring' });
  t.same(parseCapabilities('/p/x', 'MultipleFileSupport = true\nProtocolVersion = 500\nSupportedMethods = "x"'), { methods: ['x'], multipleFile: true, protocolVersion: 2 }, 'a version out of range');
});

t.test('the -infile a plugin reads and the -outfile it writes', async (t) => {
  const text = pluginInputFile([
    { url: 'http://h/a"b', localFileName: '/s/a"b' },
    { url: 'file:///x', localFileName: '/s/x' },
  ]);
  t.equal(text, '[ Url = "http://h/a\\"b"; LocalFileName = "/s/a\\"b" ][ Url = "file:///x"; LocalFileName = "/s/x" ]');
  const back = parsePluginResults(text);
  t.same(
    back.map((ad) => [ad.getString('Url'), ad.getString('LocalFileName')]),
    [
      ['http://h/a"b', '/s/a"b'],
      ['file:///x', '/s/x'],
    ],
  );
  const written = '[\n  TransferSuccess = true;\n  TransferUrl = "x]y";\n  Nested = [ a = 1 ]\n]\n[ TransferSuccess = false ]\ntrailing garbage [ TransferSuccess = true ]';
  t.same(
    parsePluginResults(written).map((ad) => ad.getBool('TransferSuccess')),
    [true, false],
    'ads one after another, brackets in strings and nested ads; reading stops at what is not an ad',
  );
  t.same(parsePluginResults('[ broken = ]'), []);
  t.same(pluginFiles('/sandbox', '/usr/libexec/condor/curl_plugin'), { input: '/sandbox/.curl_plugin.in', output: '/sandbox/.curl_plugin.out' });
});

t.test("an invocation's verdict, as InvokeMultipleFileTransferPlugin words it", async (t) => {
  const ok = ClassAd.fromJSON({ TransferSuccess: 'true', TransferUrl: '"http://h/a"' });
  const bad = ClassAd.fromJSON({ TransferSuccess: 'false', TransferUrl: '"http://h/b?k=s"', TransferError: '"The requested URL returned error: 404"' });
  t.equal(judgeInvocation('/p', { kind: 'exit', code: 0 }, [ok], '/o'), undefined);
  t.same(judgeInvocation('/p', { kind: 'exit', code: 1 }, [ok, bad], '/o'), {
    messages: ['non-zero exit (1) from /p. |Error: The requested URL returned error: 404 ( URL file = http://h/b?... )|'],
    subCode: 256,
    url: 'http://h/b?k=s',
  });
  t.same(judgeInvocation('/p', { kind: 'exit', code: 0 }, [], '/o'), {
    messages: ['|Error: file transfer plugin /p exited (exit code 0), no valid classads in output file /o'],
    subCode: -4,
  });
  t.same(judgeInvocation('/p', { kind: 'exec-failed', message: 'ENOENT' }, undefined, '/o'), { messages: ['FILETRANSFER: Failed to execute /p: ENOENT'], subCode: -1 });
  t.same(judgeInvocation('/p', { kind: 'timeout', seconds: 5 }, [ok], '/o'), { messages: ['File transfer plugin /p timed out after 5 seconds.'], subCode: 62 });
  t.same(judgeInvocation('/p', { kind: 'signal', signal: 9 }, [ok], '/o'), {
    messages: ['File transfer plugin /p failed unexpectedly with exit code 0, did not report a TransferError message.'],
    subCode: 9,
  });
  t.same(judgeInvocation('/p', { kind: 'exit', code: 0 }, [ClassAd.fromJSON({ TransferUrl: '"u"' })], '/o')?.messages, [
    'non-zero exit (0) from /p. |Error: File transfer plugin /p exited without producing a TransferSuccess result  (u)|',
  ]);
  // Exited 0, a file failed with its TransferError: only files failed (a checkpoint's upload is deferred, not held).
  t.same(judgeInvocation('/p', { kind: 'exit', code: 0 }, [ok, bad], '/o'), {
    messages: ['non-zero exit (0) from /p. |Error: The requested URL returned error: 404 ( URL file = http://h/b?... )|'],
    subCode: 0,
    url: 'http://h/b?k=s',
    filesOnly: true,
  });
  const unexplained = ClassAd.fromJSON({ TransferSuccess: 'false', TransferUrl: '"http://h/c"' });
  t.notOk(judgeInvocation('/p', { kind: 'exit', code: 0 }, [unexplained], '/o')?.filesOnly, 'a failed file without its TransferError is a bad response');
});

t.test('the hold reason BaseShadow makes of a failed URL transfer', async (t) => {
  const failure = judgeInvocation('/p', { kind: 'exit', code: 1 }, [ClassAd.fromJSON({ TransferSuccess: 'false', TransferUrl: '"http://h/b"', TransferError: '"boom"' })], '/o');
  t.equal(
    urlTransferHoldReason('input', 'slot1@ep', 'ap:1', failure!),
    'Transfer input files failure at execution point slot1@ep using protocol http. Details: boom ( URL file = http://h/b )|',
  );
  t.equal(
    urlTransferHoldReason('input', 'slot1@ep', 'ap:1', { messages: ['FILETRANSFER: Failed to execute /p: ENOENT'], subCode: -1 }),
    'Transfer input files failure at execution point slot1@ep while receiving files from access point ap:1. Details: FILETRANSFER:1:FILETRANSFER: Failed to execute /p: ENOENT',
  );
});

t.test('where an output goes from the execution point (computeFileList)', async (t) => {
  const remaps = ClassAd.fromJSON({ TransferOutputRemaps: '"a = file:///x/a; b = dir/b"', Out: '"out.txt"', Err: '"https://h/err"' });
  t.equal(outputUrl('a', remaps), 'file:///x/a');
  t.equal(outputUrl('b', remaps), undefined, 'a remap to a path comes back');
  t.equal(outputUrl('c', remaps), undefined);
  t.equal(outputUrl('_condor_stdout', remaps), undefined, 'stdout to its output name');
  t.equal(outputUrl('_condor_stderr', remaps), 'https://h/err', 'an error file named by a URL');
  const destination = ClassAd.fromJSON({ OutputDestination: '"osdf:///out"', TransferOutputRemaps: '"a = file:///x/a"', Out: '"out.txt"' });
  t.equal(outputUrl('a', destination), 'osdf:///out/a', 'output_destination wins over the remaps');
  t.equal(outputUrl('dir/f', destination), 'osdf:///out/dir/f');
  t.equal(outputUrl('_condor_stdout', destination), undefined, 'stdout keeps its output name (HTCONDOR-1221)');
  t.equal(outputUrl('a', ClassAd.fromJSON({ OutputDestination: '"not/a/url"' })), undefined);
});

t.test("a single-file plugin's run, as InvokeFileTransferPlugin words it", async (t) => {
  t.equal(judgeSingleFileInvocation('/p', { kind: 'exit', code: 0 }, '', 'echo://a'), undefined);
  t.same(judgeSingleFileInvocation('/p', { kind: 'exit', code: 3 }, 'TransferError = "no such echo"\nnot an ad line\nTransferUrl = "echo://a?k=s"\n', 'echo://a?k=s'), {
    messages: ['non-zero exit (3) from /p. |Error: no such echo ( URL file = echo://a?... )|'],
    subCode: 3 << 8,
    url: 'echo://a?k=s',
  });
  t.same(judgeSingleFileInvocation('/p', { kind: 'signal', signal: 9 }, '', 'echo://a')?.messages, [
    'exit by signal 9 from /p. |Error: File transfer plugin /p exited unexpectedly without producing an error message  ( URL file =  )|',
  ]);
  t.same(judgeSingleFileInvocation('/p', { kind: 'timeout', seconds: 7 }, '', 'echo://a'), { messages: ['File transfer plugin /p timed out after 7 seconds.'], subCode: 62, url: 'echo://a' });
});

t.test('plugin invocation ads and filtered results, as the starter sends them in its plugin result list', async (t) => {
  const ok = pluginInvocationAd(1, '/usr/libexec/null_plugin.py', ['null://a', 'NULL://b', 'http://c'], { kind: 'exit', code: 0 }, 2);
  t.equal(ok.toText(), 'TransferClass = 1\nPluginBasename = "null_plugin.py"\nSchemes = "NULL,http,null"\nResult = 0\nDurationInSeconds = 2\nExitBySignal = false\nExitCode = 0\n');
  t.match(pluginInvocationAd(2, 'p', ['x://y'], { kind: 'signal', signal: 9 }, 0).toText(), /Result = 1\nDurationInSeconds = 0\nExitBySignal = true\nExitSignal = 9\n$/);
  t.match(pluginInvocationAd(3, 'p', ['x://y'], { kind: 'timeout', seconds: 5 }, 5).toText(), /Result = 3\n[^]*ExitCode = 62\n$/);
  const result = ClassAd.parseText(
    'TransferSuccess = true\nTransferUrl = "null://a"\nTransferFileBytes = 3\nConnectionTimeSeconds = 1\nPluginExitCode = 0\nTransferErrorData = { [ ErrorType = "x"; Secret = 1 ], 7 }\nDeveloperData = [ a = 1 ]\n',
  );
  t.equal(
    filterPluginResult(result).toText(),
    'TransferSuccess = true\nTransferUrl = "null://a"\nTransferFileBytes = 3\nTransferErrorData = { [ ErrorType = "x" ] }\nDeveloperData = [ a = 1 ]\n',
    'wrong types (an integer ConnectionTimeSeconds) and unknown attributes left out',
  );
  t.equal(pluginResultListText([ok.clone(), new ClassAd().set('TransferSuccess', false)]).slice(0, 20), '{ [ TransferClass = ');
  t.equal(pluginResultListText([]), '{  }');
});
