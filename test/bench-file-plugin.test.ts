// The file:// plugin the checkpoint-1gib-destination benchmark gives its job (bench/fixtures/file_plugin.py):
// it speaks the multi-file protocol, creates the directories an upload to <destination>/<job>/<NNNN>/ needs
// (libcurl's file:// upload does not), copies both ways, and reports a file it cannot copy as failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parsePluginResults, pluginInputFile } from '@tinycondor/shared/url-transfer';

const plugin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'fixtures', 'file_plugin.py');

function run(cwd: string, args: string[]) {
  return spawnSync(plugin, args, { cwd, encoding: 'utf8' });
}

/** Runs the plugin on the transfers and returns its exit status and its result ads. */
function transfer(dir: string, transfers: { url: string; localFileName: string }[], upload: boolean) {
  const infile = path.join(dir, 'plugin.in');
  const outfile = path.join(dir, 'plugin.out');
  fs.writeFileSync(infile, pluginInputFile(transfers));
  const result = run(dir, ['-infile', infile, '-outfile', outfile, ...(upload ? ['-upload'] : [])]);
  return { status: result.status, stderr: result.stderr, ads: parsePluginResults(fs.readFileSync(outfile, 'utf8')) };
}

t.test('-classad: a multi-file plugin for the file method', async (t) => {
  const result = run(os.tmpdir(), ['-classad']);
  t.equal(result.status, 0);
  t.match(result.stdout, /MultipleFileSupport = true/);
  t.match(result.stdout, /SupportedMethods = "file"/);
});

t.test('an upload creates the checkpoint directories; a download brings the files back', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-file-plugin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sandbox = path.join(dir, 'sandbox');
  fs.mkdirSync(path.join(sandbox, 'state'), { recursive: true });
  fs.writeFileSync(path.join(sandbox, 'state', 'big.bin'), Buffer.alloc(3 << 20, 7));
  fs.writeFileSync(path.join(sandbox, 'times'), 'exit 1\n');
  fs.writeFileSync(path.join(sandbox, 'plugin-times'), '');
  const destination = path.join(dir, 'destination');
  fs.mkdirSync(destination);
  const at = (name: string) => `file://${destination}/vm_1.0_1796638273/0000/${name}`;
  const files = ['state/big.bin', 'times'].map((name) => ({ url: at(name), localFileName: path.join(sandbox, name) }));

  const up = transfer(sandbox, files, true);
  t.equal(up.status, 0, up.stderr);
  t.same(
    up.ads.map((ad) => [ad.getBool('TransferSuccess'), ad.getString('TransferUrl'), ad.getString('TransferType'), ad.getNumber('TransferFileBytes')]),
    [
      [true, at('state/big.bin'), 'upload', 3 << 20],
      [true, at('times'), 'upload', 7],
    ],
  );
  t.ok(fs.readFileSync(path.join(destination, 'vm_1.0_1796638273', '0000', 'state', 'big.bin')).equals(Buffer.alloc(3 << 20, 7)));
  t.match(fs.readFileSync(path.join(sandbox, 'plugin-times'), 'utf8'), /^plugin-start \d+\nplugin-copied \d+\nplugin-synced \d+\nplugin-maxrss \d+\n$/);

  const restored = path.join(dir, 'restored');
  fs.mkdirSync(path.join(restored, 'state'), { recursive: true });
  const down = transfer(
    restored,
    files.map((file, i) => ({ url: file.url, localFileName: path.join(restored, ['state/big.bin', 'times'][i]) })),
    false,
  );
  t.equal(down.status, 0, down.stderr);
  t.same(down.ads.map((ad) => ad.getString('TransferType')), ['download', 'download']);
  t.equal(fs.readFileSync(path.join(restored, 'times'), 'utf8'), 'exit 1\n');
  t.notOk(fs.existsSync(path.join(restored, 'plugin-times')), 'no times are recorded unless the directory asks for them');
});

t.test('a file it cannot copy, or a URL that is not a local file, is reported failed and the plugin exits 1', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-file-plugin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const missing = transfer(dir, [{ url: `file://${dir}/dest/x`, localFileName: path.join(dir, 'no-such-file') }], true);
  t.equal(missing.status, 1);
  t.equal(missing.ads[0].getBool('TransferSuccess'), false);
  t.match(missing.ads[0].getString('TransferError') ?? '', /FileNotFoundError: .*no-such-file/);
  fs.writeFileSync(path.join(dir, 'f'), 'x');
  const remote = transfer(dir, [{ url: 'file://elsewhere.example/tmp/f', localFileName: path.join(dir, 'f') }], true);
  t.equal(remote.status, 1);
  t.match(remote.ads[0].getString('TransferError') ?? '', /not a local file URL/);
});
