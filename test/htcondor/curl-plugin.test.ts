// A port of HTCondor's src/condor_tests/test_curl_plugin.py: URL inputs fetched by the pool's curl_plugin
// (tinycondor's own, $(LIBEXEC)/curl_plugin): a good http URL and a good file URL arrive, a URL answered
// 404 or 500 holds the job, three good URLs take one plugin invocation, three with two bad ones hold it.
// The test's pytest_httpserver is a node HTTP server on loopback; its count of "FILETRANSFER: invoking:"
// lines in slot2's StarterLog becomes a count of those lines for the job in the startd's StartLog (this
// pool's starter log). Beyond the test: a job's own plugin (transfer_plugins), and
// the requirement condor_submit adds for a URL's method, outputs uploaded to URLs (a remap, output_destination).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import t, { type Test } from 'tap';
import { startPool, waitForEvents, writeExecutable, type TestPool } from '../helpers/pool.js';

/** The test's HTTPServer: each path answers its body, or its status with no body. */
async function httpServer(t: Test, routes: Record<string, string | number>): Promise<number> {
  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route === undefined) res.writeHead(404).end();
    else if (typeof route === 'number') res.writeHead(route).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(route);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** Submits the description (the test's dictionary) and waits until the job is held or completed. */
async function runJob(pool: TestPool, name: string, description: Record<string, string>): Promise<{ held: boolean; cluster: number }> {
  const lines = Object.entries({ executable: '/bin/sleep', arguments: '0', log: `${name}.log`, should_transfer_files: 'YES', leave_in_queue: 'True', ...description }).map(
    ([key, value]) => `${key} = ${value}`,
  );
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${lines.join('\n')}\nqueue\n`);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  if (submitted.code !== 0) throw new Error(submitted.stderr);
  const cluster = Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]);
  const events = await waitForEvents(path.join(pool.dir, `${name}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  return { held: events.some((e) => e.code === 12), cluster };
}

async function holdReason(pool: TestPool, cluster: number): Promise<{ code: number; subCode: number; reason: string }> {
  const out = (await pool.run('condor_q', [String(cluster), '-af:,', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason'])).stdout.trim();
  const [code, subCode, ...reason] = out.split(',');
  return { code: Number(code), subCode: Number(subCode), reason: reason.join(',') };
}

/** The plugin invocations StartLog recorded for the cluster's job. */
function invocations(pool: TestPool, cluster: number): number {
  const log = fs.readFileSync(path.join(pool.home, 'log', 'StartLog.startd1'), 'utf8');
  return log.split('\n').filter((line) => line.includes('FILETRANSFER: invoking:') && line.includes(`"jobId":"${cluster}.0"`)).length;
}

t.test('test_curl_plugin', async (t) => {
  const pool = await startPool(t, { startds: 1, cpus: 2 });
  const port = await httpServer(t, {
    '/goodurl': 'Great success!',
    '/badurl404': 404,
    '/badurl500': 500,
    '/goodurl1': 'goodurl1',
    '/goodurl2': 'goodurl2',
    '/goodurl3': 'goodurl3',
    '/badurl1': 'badurl1',
    '/badurl2': 500,
    '/badurl3': 500,
  });
  const base = `http://localhost:${port}`;

  t.test('test_job_with_good_url_succeeds, its file contents are correct', async (t) => {
    const job = await runJob(pool, 'good_url', { transfer_input_files: `${base}/goodurl`, transfer_output_files: 'goodurl' });
    t.notOk(job.held, 'completed');
    t.equal(fs.readFileSync(path.join(pool.dir, 'goodurl'), 'utf8'), 'Great success!');
  });

  t.test('test_job_with_good_file_url_succeeds, its file contents are correct', async (t) => {
    const source = path.join(pool.dir, 'source');
    fs.mkdirSync(source);
    fs.writeFileSync(path.join(source, 'file_url_tester'), 'curl supports file urls');
    const job = await runJob(pool, 'good_file_url', { transfer_input_files: `file://${source}/file_url_tester`, transfer_output_files: 'file_url_tester' });
    t.notOk(job.held, 'completed');
    t.equal(fs.readFileSync(path.join(pool.dir, 'file_url_tester'), 'utf8'), 'curl supports file urls');
  });

  for (const status of [404, 500]) {
    t.test(`test_job_with_bad_url_holds (${status})`, async (t) => {
      const job = await runJob(pool, `bad_url_${status}`, { transfer_input_files: `${base}/badurl${status}` });
      t.ok(job.held, 'held');
      const hold = await holdReason(pool, job.cluster);
      t.equal(hold.code, 13, 'TransferInputError');
      t.equal(hold.subCode, 1 << 8, "the plugin's exit code 1, shifted as DoDownload shifts it");
      t.match(hold.reason, `Transfer input files failure at execution point slot1_1@startd1 using protocol http. Details: The requested URL returned error: ${status} ( URL file = ${base}/badurl${status} )`);
    });
  }

  t.test('test_job_with_multiple_good_urls_succeeds, invokes the plugin once', async (t) => {
    const job = await runJob(pool, 'multiple_good_urls', {
      transfer_input_files: `${base}/goodurl1, ${base}/goodurl2, ${base}/goodurl3`,
      transfer_output_files: 'goodurl1, goodurl2, goodurl3',
    });
    t.notOk(job.held, 'completed');
    for (const name of ['goodurl1', 'goodurl2', 'goodurl3']) t.equal(fs.readFileSync(path.join(pool.dir, name), 'utf8'), name);
    t.equal(invocations(pool, job.cluster), 1, 'one invocation for the three URLs');
  });

  t.test('test_job_with_multiple_bad_urls_holds', async (t) => {
    const job = await runJob(pool, 'multiple_bad_urls', {
      transfer_input_files: `${base}/badurl1, ${base}/badurl2, ${base}/badurl3`,
      transfer_output_files: 'badurl1, badurl2, badurl3',
    });
    t.ok(job.held, 'held');
    t.match((await holdReason(pool, job.cluster)).reason, 'The requested URL returned error: 500');
  });

  t.test('test_job_with_bad_remaps', async (t) => {
    const job = await runJob(pool, 'job_with_bad_remap', { transfer_output_files: 'missing_file', transfer_output_remaps: '"missing_file = file:///tmp/missing_file"' });
    t.ok(job.held, 'held');
    const hold = await holdReason(pool, job.cluster);
    t.notMatch(hold.reason, 'did not produce valid response');
    t.match(hold.reason, 'could not open local file');
    t.equal(hold.code, 12, 'TransferOutputError');
  });

  t.test('beyond the test: outputs uploaded to URLs, a remap and output_destination (file and http PUT)', async (t) => {
    const target = path.join(pool.dir, 'uploads');
    fs.mkdirSync(target);
    writeExecutable(path.join(pool.dir, 'make_outputs.sh'), '#!/bin/sh\necho one > one.txt\necho two > two.txt\necho on stdout\n');
    const remapped = await runJob(pool, 'url_remap', {
      executable: 'make_outputs.sh',
      output: 'remap.out',
      transfer_output_files: 'one.txt, two.txt',
      transfer_output_remaps: `"one.txt = file://${target}/first.txt"`,
    });
    t.notOk(remapped.held, 'completed');
    t.equal(fs.readFileSync(path.join(target, 'first.txt'), 'utf8'), 'one\n', 'the remapped output went to its URL');
    t.notOk(fs.existsSync(path.join(pool.dir, 'one.txt')), 'and not to the submit directory');
    t.equal(fs.readFileSync(path.join(pool.dir, 'two.txt'), 'utf8'), 'two\n', 'the others came back');
    t.equal(fs.readFileSync(path.join(pool.dir, 'remap.out'), 'utf8'), 'on stdout\n');

    const received = new Map<string, string>();
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.set(`${req.method} ${req.url}`, body);
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const destination = await runJob(pool, 'output_destination', {
      executable: 'make_outputs.sh',
      output: 'dest.out',
      transfer_output_files: 'one.txt, two.txt',
      output_destination: `http://127.0.0.1:${(server.address() as AddressInfo).port}/results`,
    });
    t.notOk(destination.held, 'completed');
    t.same(Object.fromEntries(received), { 'PUT /results/one.txt': 'one\n', 'PUT /results/two.txt': 'two\n' }, 'each output PUT under the destination');
    t.equal(fs.readFileSync(path.join(pool.dir, 'dest.out'), 'utf8'), 'on stdout\n', 'stdout comes back under its output name (HTCONDOR-1221)');
  });

  t.test("beyond the test: a job's own plugin (transfer_plugins) handles its method", async (t) => {
    writeExecutable(
      path.join(pool.dir, 'example_plugin.py'),
      `#!/usr/bin/python3
import sys, re
if sys.argv[1:] == ['-classad']:
    print('MultipleFileSupport = true\\nSupportedMethods = "example"')
    sys.exit(0)
infile, outfile = sys.argv[sys.argv.index('-infile') + 1], sys.argv[sys.argv.index('-outfile') + 1]
ads = re.findall(r'Url = "([^"]*)"; LocalFileName = "([^"]*)"', open(infile).read())
with open(outfile, 'w') as out:
    for url, local in ads:
        open(local, 'w').write('fetched ' + url)
        out.write('[ TransferSuccess = true; TransferUrl = "%s" ]' % url)
`,
    );
    const job = await runJob(pool, 'own_plugin', { transfer_plugins: 'example=example_plugin.py', transfer_input_files: 'example://somewhere/thing', transfer_output_files: 'thing' });
    t.notOk(job.held, 'completed');
    t.equal(fs.readFileSync(path.join(pool.dir, 'thing'), 'utf8'), 'fetched example://somewhere/thing');
  });

  t.test('beyond the test: a method no plugin of the pool handles is a requirement no slot meets', async (t) => {
    fs.writeFileSync(path.join(pool.dir, 'ftp.sub'), 'executable = /bin/sleep\narguments = 0\nshould_transfer_files = YES\ntransfer_input_files = ftp://h/x\nqueue\n');
    const submitted = await pool.run('condor_submit', ['ftp.sub']);
    t.equal(submitted.code, 0, submitted.stderr);
    const cluster = /submitted to cluster (\d+)/.exec(submitted.stdout)?.[1];
    t.match((await pool.run('condor_q', [String(cluster), '-af:r', 'Requirements'])).stdout, 'stringListIMember("ftp",TARGET.HasFileTransferPluginMethods)');
    const methods = (await pool.run('condor_status', ['-af', 'HasFileTransferPluginMethods'])).stdout.trim().split('\n');
    t.same([...new Set(methods)], ['http,https,file,dav,davs,s3,gs'], "each slot (the partitionable slot, and any dynamic one) advertises its startd's plugin methods (no ftp), and s3,gs with https (GetSupportedMethods)");
  });
});

t.test("beyond the test: a system plugin without MultipleFileSupport is run once per URL as `plugin <url> <file>`", async (t) => {
  // Only FILETRANSFER_PLUGINS may be single-file plugins: a job's own (transfer_plugins) are multi-file, as HTCondor takes them.
  const pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-echo-plugin-'));
  t.teardown(() => fs.rmSync(pluginDir, { recursive: true, force: true }));
  const plugin = path.join(pluginDir, 'echo_plugin.sh');
  writeExecutable(
    plugin,
    '#!/bin/sh\nif [ "$1" = -classad ]; then printf \'PluginType = "FileTransfer"\\nSupportedMethods = "echo"\\n\'; exit 0; fi\ncase "$1" in *fail*) echo \'TransferError = "no such echo"\'; echo "TransferUrl = \\"$1\\""; exit 3;; esac\nprintf \'%s\\n\' "$1" > "$2"\n',
  );
  const pool = await startPool(t, { startds: 1, env: { _CONDOR_FILETRANSFER_PLUGINS: plugin } });
  t.equal((await pool.run('condor_status', ['-af', 'HasFileTransferPluginMethods'])).stdout.trim(), 'echo', 'FILETRANSFER_PLUGINS replaces the default list');
  const job = await runJob(pool, 'single_file', { transfer_input_files: 'echo://one/a, echo://two/b', transfer_output_files: 'a, b' });
  t.notOk(job.held, 'completed');
  t.equal(fs.readFileSync(path.join(pool.dir, 'a'), 'utf8'), 'echo://one/a\n');
  t.equal(fs.readFileSync(path.join(pool.dir, 'b'), 'utf8'), 'echo://two/b\n');
  t.equal(invocations(pool, job.cluster), 2, 'one invocation per URL');
  const failed = await runJob(pool, 'single_file_fails', { transfer_input_files: 'echo://x/fail' });
  t.ok(failed.held, 'a failed single-file transfer holds the job');
  const hold = await holdReason(pool, failed.cluster);
  t.equal(hold.subCode, 3 << 8);
  t.match(hold.reason, 'using protocol echo. Details: no such echo ( URL file = echo://x/fail )');
});
