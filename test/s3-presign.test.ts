// s3:// URLs presigned by the schedd as HTCondor's shadow presigns them (AWSv4-utils.cpp generate_presigned_url,
// file_transfer.cpp DoUpload / DoDownload's SignUrls): the pool's curl_plugin gets https:// URLs carrying the
// X-Amz-* parameters and no keys. A local HTTPS server (the test's TLS fixture, trusted through
// NODE_EXTRA_CA_CERTS) stands in for S3: it answers only a request whose signature it recomputes from the
// test's keys, and keeps what is PUT.
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { presignS3Url } from '@tinycondor/shared/aws-sigv4';
import { startPool, waitForEvents, writeExecutable, type TestPool } from './helpers/pool.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tls');
const KEYS = { accessKeyId: 'AKIDTINYCONDOR', secretAccessKey: 'tiny/condor+secret', securityToken: 'session/token=' };

interface S3Request {
  method: string;
  url: string;
  valid: boolean;
}

/** The stand-in for S3: objects by path; a request is answered only when its signature is the one the test's keys give. */
async function s3Server(t: Test, objects: Map<string, string>): Promise<{ port: number; requests: S3Request[] }> {
  const requests: S3Request[] = [];
  let port = 0;
  const server = https.createServer({ key: fs.readFileSync(path.join(fixtures, 'server.key')), cert: fs.readFileSync(path.join(fixtures, 'server.pem')) }, (req, res) => {
    const url = new URL(req.url ?? '/', `https://${req.headers.host}`);
    const params = url.searchParams;
    const date = params.get('X-Amz-Date') ?? '';
    const time = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    const method = req.method ?? '';
    let valid = false;
    if ((method === 'GET' || method === 'PUT') && !Number.isNaN(time.getTime()) && req.headers.host === `127.0.0.1:${port}`) {
      // The session token is signed when the job names one (EC2SessionToken).
      const keys = { ...KEYS, securityToken: params.get('X-Amz-Security-Token') ?? undefined };
      const expected = presignS3Url(`s3://127.0.0.1:${port}${url.pathname}`, keys, method, time, Number(params.get('X-Amz-Expires')));
      valid = expected === `https://127.0.0.1:${port}${req.url}`;
    }
    requests.push({ method, url: req.url ?? '', valid });
    if (!valid) {
      req.resume();
      res.writeHead(403).end('SignatureDoesNotMatch');
      return;
    }
    if (method === 'GET') {
      const body = objects.get(url.pathname);
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200).end(body);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      objects.set(url.pathname, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, requests };
}

async function runJob(pool: TestPool, name: string, description: Record<string, string>): Promise<{ held: boolean; cluster: number }> {
  const lines = Object.entries({ executable: 'copy.sh', log: `${name}.log`, should_transfer_files: 'YES', leave_in_queue: 'True', ...description }).map(([key, value]) => `${key} = ${value}`);
  fs.writeFileSync(path.join(pool.dir, `${name}.sub`), `${lines.join('\n')}\nqueue\n`);
  const submitted = await pool.run('condor_submit', [`${name}.sub`]);
  if (submitted.code !== 0) throw new Error(submitted.stderr);
  t.notMatch(submitted.stderr, /not signed/, 'condor_submit warns of nothing');
  const cluster = Number(/submitted to cluster (\d+)/.exec(submitted.stdout)?.[1]);
  const events = await waitForEvents(path.join(pool.dir, `${name}.log`), (ev) => ev.some((e) => e.code === 5 || e.code === 12), 60_000);
  return { held: events.some((e) => e.code === 12), cluster };
}

async function hold(pool: TestPool, cluster: number): Promise<{ code: number; subCode: number; reason: string }> {
  const out = (await pool.run('condor_q', [String(cluster), '-af:,', 'HoldReasonCode', 'HoldReasonSubCode', 'HoldReason'])).stdout.trim();
  const [code, subCode, ...reason] = out.split(',');
  return { code: Number(code), subCode: Number(subCode), reason: reason.join(',').trim() };
}

t.test('s3:// inputs and outputs are presigned by the schedd and moved by curl_plugin over https', async (t) => {
  const objects = new Map([['/bucket/in.dat', 'from s3\n']]);
  const s3 = await s3Server(t, objects);
  const pool = await startPool(t, { startds: 1, cpus: 2, env: { NODE_EXTRA_CA_CERTS: path.join(fixtures, 'ca.pem') } });
  fs.mkdirSync(path.join(pool.dir, 'keys'));
  fs.writeFileSync(path.join(pool.dir, 'keys', 'id'), `${KEYS.accessKeyId}\n`);
  fs.writeFileSync(path.join(pool.dir, 'keys', 'secret'), `${KEYS.secretAccessKey}\n`);
  fs.writeFileSync(path.join(pool.dir, 'keys', 'token'), `${KEYS.securityToken}\n`);
  writeExecutable(path.join(pool.dir, 'copy.sh'), '#!/bin/sh\n[ ! -e in.dat ] || cat in.dat > result.txt\necho done >> result.txt\n');
  const base = `s3://127.0.0.1:${s3.port}/bucket`;
  t.match((await pool.run('condor_status', ['-af', 'HasFileTransferPluginMethods'])).stdout, /,s3,gs$/m, 'with an https plugin the machine says it moves s3 and gs');

  t.test('an input fetched and an output uploaded through presigned URLs; the key files named relative to the Iwd', async (t) => {
    const job = await runJob(pool, 'both', {
      transfer_input_files: `${base}/in.dat`,
      transfer_output_remaps: `"result.txt = ${base}/out/result.txt"`,
      s3_access_key_id_file: 'keys/id',
      s3_secret_access_key_file: 'keys/secret',
      '+EC2SessionToken': `"${path.join(pool.dir, 'keys', 'token')}"`,
    });
    t.notOk(job.held, job.held ? (await hold(pool, job.cluster)).reason : 'completed');
    t.equal(objects.get('/bucket/out/result.txt'), 'from s3\ndone\n', 'the input arrived, the output was PUT');
    const made = s3.requests.map((r) => ({ method: r.method, path: r.url.split('?')[0], valid: r.valid }));
    t.same(made, [
      { method: 'GET', path: '/bucket/in.dat', valid: true },
      { method: 'PUT', path: '/bucket/out/result.txt', valid: true },
    ]);
    const query = new URL(s3.requests[0].url, 'https://x').searchParams;
    t.equal(query.get('X-Amz-Expires'), '3600');
    t.equal(query.get('X-Amz-Security-Token'), KEYS.securityToken);
    t.match(query.get('X-Amz-Credential'), /^AKIDTINYCONDOR\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    t.notOk(fs.existsSync(path.join(pool.dir, 'result.txt')), 'the remapped output did not come back');
  });

  t.test('a checkpoint uploaded to an s3:// checkpoint_destination through presigned PUTs', async (t) => {
    writeExecutable(path.join(pool.dir, 'ckpt.sh'), '#!/bin/sh\nif [ -e state ]; then cat state > result.txt; exit 0; fi\necho checkpointed > state\nexit 85\n');
    const before = s3.requests.length;
    const job = await runJob(pool, 'ckpt', {
      executable: 'ckpt.sh',
      checkpoint_exit_code: '85',
      transfer_checkpoint_files: 'state',
      checkpoint_destination: `${base}/ckpt`,
      transfer_output_files: 'result.txt',
      aws_access_key_id_file: 'keys/id',
      aws_secret_access_key_file: 'keys/secret',
    });
    t.notOk(job.held, job.held ? (await hold(pool, job.cluster)).reason : 'completed');
    t.equal(fs.readFileSync(path.join(pool.dir, 'result.txt'), 'utf8'), 'checkpointed\n');
    const made = s3.requests.slice(before).map((r) => ({ method: r.method, path: r.url.split('?')[0], valid: r.valid }));
    t.match(made, [{ method: 'PUT', path: /^\/bucket\/ckpt\/[^/]+\/0000\/state$/, valid: true }]);
    t.equal(made.length, 1);
  });

  t.test("an unreadable key file holds the job with the shadow's DoUpload error", async (t) => {
    const before = s3.requests.length;
    const job = await runJob(pool, 'no_secret', { transfer_input_files: `${base}/in.dat`, aws_access_key_id_file: 'keys/id', aws_secret_access_key_file: 'keys/missing' });
    t.ok(job.held);
    const { code, subCode, reason } = await hold(pool, job.cluster);
    t.same([code, subCode], [13, 3]);
    t.match(reason, /^Transfer input files failure at access point \S+ while sending files to the execution point \S+\. Details: /);
    t.match(reason, new RegExp(`Details: DoUpload: Failure when signing URL '${base}/in.dat': unable to read from secret key file$`));
    t.equal(s3.requests.length, before, 'nothing reached S3');
  });

  t.test("a key file among the pool's own files is not read for the job", async (t) => {
    const job = await runJob(pool, 'pool_file', { transfer_input_files: `${base}/in.dat`, aws_access_key_id_file: path.join(pool.home, 'condor_config'), aws_secret_access_key_file: 'keys/secret' });
    t.ok(job.held);
    const { code, subCode, reason } = await hold(pool, job.cluster);
    t.same([code, subCode], [13, 3]);
    t.match(reason, /: unable to read from access key file$/);
  });

  t.test("an output URL that cannot be signed holds the job with DoDownload's error", async (t) => {
    const job = await runJob(pool, 'no_id', { output_destination: `${base}/dest/`, gs_access_key_id_file: 'keys/none', gs_secret_access_key_file: 'keys/secret' });
    t.ok(job.held);
    const { code, subCode, reason } = await hold(pool, job.cluster);
    t.same([code, subCode], [12, 8]);
    t.match(reason, new RegExp(`Details: DoDownload: Failure when signing URL '${base}/dest/result.txt': unable to read from access key file$`));
  });
});
