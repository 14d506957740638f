import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import t from 'tap';
import { MAX_SUBMIT_BODY_BYTES } from '@tinycondor/shared/submit-limits';
import { eventually, rest, runCommand, startPool, type TestPool } from './helpers/pool.js';

/** issue 18 item 7: bulk actions on big clusters, oversized submissions, and a submit whose connection breaks. */

async function queueSize(pool: TestPool): Promise<number> {
  const { body } = await rest(pool, 'GET', '/v1/jobs/totals');
  return (body.totals as { count: number }[]).reduce((sum, { count }) => sum + count, 0);
}

/**
 * Sends only the head of a POST that declares a body of `bytes`, and reads the reply. The schedd refuses
 * such a request from its Content-Length and closes the connection (fastify): a client still writing the
 * body then gets EPIPE, and fetch() loses the reply it was sent, so the refusal is read this way.
 */
async function declaredSizeRequest(pool: TestPool, route: string, bytes: number): Promise<{ status: number; headers: string[]; body: Record<string, unknown> }> {
  const target = new URL(pool.url);
  const head = [`POST ${route} HTTP/1.1`, `Host: ${target.host}`, `Authorization: Bearer ${pool.token}`,
    'Content-Type: application/json', `Content-Length: ${bytes}`, '', ''].join('\r\n');
  const reply = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(target.port), target.hostname, () => socket.write(head));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
  const [statusLine, ...headers] = reply.split('\r\n\r\n')[0].split('\r\n');
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Record<string, unknown> };
}

t.test('condor_rm of a cluster of 20 000 jobs: other requests are answered while it goes on', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const procs = 20_000;
  fs.writeFileSync(path.join(pool.dir, 'big.sub'), `executable = /bin/true\nrequirements = Cpus > 1000\nqueue ${procs}\n`);
  fs.writeFileSync(path.join(pool.dir, 'one.sub'), 'executable = /bin/true\nrequirements = Cpus > 1000\nqueue\n');
  t.equal((await pool.run('condor_submit', ['big.sub'])).code, 0);
  t.equal((await pool.run('condor_submit', ['one.sub'])).code, 0);
  t.equal(await queueSize(pool), procs + 1);

  const removal = pool.run('condor_rm', ['1']);
  // A query answered between two counts that both show the removal under way was answered during it.
  const during = await eventually('a job query answered while the cluster is being removed', async () => {
    const before = await queueSize(pool);
    const job = await rest(pool, 'GET', '/v1/jobs/2.0');
    const after = await queueSize(pool);
    const underWay = (n: number) => n > 1 && n < procs + 1;
    return underWay(before) && underWay(after) ? { before, job, after } : undefined;
  });
  t.equal(during.job.status, 200);
  t.equal((during.job.body.ad as Record<string, string>).ProcId, '0', 'the other cluster\'s job, as stored');
  t.ok(during.after <= during.before, `the removal went on meanwhile (${during.before} → ${during.after} jobs)`);

  const removed = await removal;
  t.same([removed.code, removed.stdout], [0, 'All jobs in cluster 1 have been marked for removal\n']);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId'])).stdout, '2 0\n');
  const history = await pool.run('condor_history', ['-constraint', 'ClusterId == 1 && JobStatus == 3', '-af', 'ProcId']);
  t.equal(history.stdout.split('\n').filter((line) => line !== '').length, procs, 'every job of the cluster went to the history as removed');
});

t.test('a submission larger than the schedd takes is refused with 413 and says what to do', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const { body: reserved } = await rest(pool, 'POST', '/v1/clusters');
  const refused = await declaredSizeRequest(pool, `/v1/clusters/${reserved.clusterId as number}/procs`, MAX_SUBMIT_BODY_BYTES + 1);
  t.equal(refused.status, 413);
  t.ok(refused.headers.some((line) => /^connection: close$/i.test(line)), 'the refusal closes the connection: the body is never read');
  t.match(refused.body.error, /^the submission is larger than the schedd accepts in one request \(64 MiB\): split the cluster/);

  // condor_submit knows the limit: it refuses before sending, with the same words and the size.
  fs.writeFileSync(path.join(pool.dir, 'huge.sub'), `executable = /bin/true\narguments = $(Process) ${'y'.repeat(2000)}\nqueue 40000\n`);
  const submitted = await pool.run('condor_submit', ['huge.sub']);
  t.equal(submitted.code, 1);
  t.match(submitted.stderr, /^ERROR: the submission of \d+\.\d MiB is larger than the schedd accepts in one request \(64 MiB\)/m);
  t.equal(await queueSize(pool), 0);
});

/**
 * A TCP proxy to the schedd that breaks the connection of a procs submission: once the schedd has replied
 * ('reply': it stored the cluster, the submitter never learns it), or before the request reaches the schedd
 * ('request': nothing is stored). Returns the proxy's URL.
 */
async function droppingProxy(t: { teardown(fn: () => unknown): void }, schedd: string, drop: 'reply' | 'request'): Promise<string> {
  const target = new URL(schedd);
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    let submitting = false;
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (/^POST \/v1\/clusters\/\d+\/procs /.test(chunk.toString('latin1'))) {
        submitting = true;
        if (drop === 'request') return close();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (submitting ? close() : client.write(chunk)));
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A condor_config for the pool's commands that reaches the schedd through `url`. */
function clientEnv(pool: TestPool, url: string): NodeJS.ProcessEnv {
  const config = path.join(pool.dir, `condor_config.${new URL(url).port}`);
  fs.writeFileSync(config, `SCHEDD_URL = ${url}\nTINYCONDOR_TOKEN_FILE = ${path.join(pool.home, 'pool.token')}\n`);
  return { ...pool.env, CONDOR_CONFIG: config };
}

t.test('a submit whose reply is lost tells the truth: stored once, and said so', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const env = clientEnv(pool, await droppingProxy(t, pool.url, 'reply'));
  fs.writeFileSync(path.join(pool.dir, 'three.sub'), 'executable = /bin/true\nrequirements = Cpus > 1000\nqueue 3\n');
  const submitted = await runCommand('condor_submit', ['three.sub'], env, pool.dir);
  t.same([submitted.code, submitted.stdout], [0, 'Submitting job(s)...\n3 job(s) submitted to cluster 1.\n'], submitted.stderr);
  t.equal((await pool.run('condor_q', ['-af', 'ClusterId', 'ProcId'])).stdout, '1 0\n1 1\n1 2\n', 'stored once');
});

t.test('a submit whose request is lost tells the truth: not stored, and never later', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  const env = clientEnv(pool, await droppingProxy(t, pool.url, 'request'));
  fs.writeFileSync(path.join(pool.dir, 'three.sub'), 'executable = /bin/true\nrequirements = Cpus > 1000\nqueue 3\n');
  const submitted = await runCommand('condor_submit', ['three.sub'], env, pool.dir);
  t.equal(submitted.code, 1);
  t.match(submitted.stderr, /^ERROR: Can't connect to the schedd at http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET\)\. Is the pool running\?\nERROR: Failed to commit job submission into the queue\.\n$/m);
  t.equal(await queueSize(pool), 0);
  // A copy of the submission still on its way is refused: the answer "not submitted" stays true.
  const late = await rest(pool, 'POST', '/v1/clusters/1/procs', { procs: [{ ClusterId: '1', ProcId: '0', JobStatus: '1', Cmd: '"/bin/true"', Iwd: '"/tmp"', Owner: '"nobody"' }] });
  t.same([late.status, late.body.error], [400, 'cluster 1 was given up by its submitter after a lost connection']);
});
