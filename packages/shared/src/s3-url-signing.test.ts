import t from 'tap';
import { ClassAd } from './classad/index.js';
import { presignS3Url, presignTime } from './aws-sigv4.js';
import { jobS3Keys, signJobUrls, signsUrlFor } from './s3-url-signing.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const FILES: Record<string, string> = { '/k/id': 'AKIDEXAMPLE\n', '/k/secret': '  s3cr3t \n', '/k/token': 'session-token\n' };
const read = (file: string) => FILES[file];

function jobAd(attrs: Record<string, string>): ClassAd {
  const ad = new ClassAd();
  for (const [name, value] of Object.entries(attrs)) ad.set(name, value);
  return ad;
}

const KEYED = { EC2AccessKeyId: '/k/id', EC2SecretAccessKey: '/k/secret' };

t.test("jobS3Keys: the key files' contents trimmed, the session token and region when set", async (t) => {
  t.same(jobS3Keys(jobAd(KEYED), read), { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's3cr3t' });
  t.same(jobS3Keys(jobAd({ ...KEYED, EC2SessionToken: '/k/token', AWSRegion: 'eu-west-1' }), read), {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 's3cr3t',
    securityToken: 'session-token',
    region: 'eu-west-1',
  });
  const refusal = (attrs: Record<string, string>) => {
    try {
      jobS3Keys(jobAd(attrs), read);
      return undefined;
    } catch (err) {
      return [(err as { code: number }).code, (err as Error).message];
    }
  };
  t.same(refusal({ EC2SecretAccessKey: '/k/secret' }), [7, 'access key file not defined']);
  t.same(refusal({ ...KEYED, EC2AccessKeyId: '/k/none' }), [8, 'unable to read from access key file']);
  t.same(refusal({ EC2AccessKeyId: '/k/id' }), [9, 'secret key file not defined']);
  t.same(refusal({ ...KEYED, EC2SecretAccessKey: '/k/none' }), [10, 'unable to read from secret key file']);
  t.same(refusal({ ...KEYED, EC2SessionToken: '/k/none' }), [11, 'unable to read from security token file']);
});

t.test("signsUrlFor: the job's own inputs; outputs under DoDownload's output_url_prefixes", async (t) => {
  const ad = jobAd({
    TransferInput: 'in.txt, s3://bucket/in.dat, https://host/x',
    OutputDestination: 's3://bucket/out',
    TransferOutputRemaps: 'a.txt = gs://gbucket/a.txt; b.txt = b2.txt',
    CheckpointDestination: 's3://bucket/ckpt',
  });
  t.ok(signsUrlFor(ad, 'GET', 's3://bucket/in.dat'));
  t.notOk(signsUrlFor(ad, 'GET', 's3://bucket/other.dat'), 'not an input of the job');
  t.ok(signsUrlFor(ad, 'GET', 's3://bucket/ckpt/job#1/0001/file'), 'a checkpoint fetched back');
  t.notOk(signsUrlFor(ad, 'GET', 'https://host/x'), 'not s3:// or gs://');
  t.ok(signsUrlFor(ad, 'PUT', 's3://bucket/out/result.txt'));
  t.ok(signsUrlFor(ad, 'PUT', 'gs://gbucket/a.txt'));
  t.ok(signsUrlFor(ad, 'PUT', 's3://bucket/ckpt/job/0001/file'));
  t.notOk(signsUrlFor(ad, 'PUT', 's3://bucket/in.dat'), 'an input is not an output');
  t.notOk(signsUrlFor(ad, 'PUT', 's3://bucket/out/../secret'), "a URL with '/..'");
});

t.test('signJobUrls: signed in order, blank for what is not signed', async (t) => {
  const ad = jobAd({ ...KEYED, TransferInput: 's3://bucket/a, gs://g/b' });
  const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's3cr3t' };
  t.same(signJobUrls(ad, 'GET', ['gs://g/b', 's3://bucket/zzz', 's3://bucket/a'], NOW, read), {
    urls: [presignS3Url('gs://g/b', keys, 'GET', presignTime(NOW)), '', presignS3Url('s3://bucket/a', keys, 'GET', presignTime(NOW))],
  });
});

t.test("a key file that cannot be read: DoUpload's and DoDownload's hold", async (t) => {
  const ad = jobAd({ EC2AccessKeyId: '/k/missing', EC2SecretAccessKey: '/k/secret', TransferInput: 's3://bucket/a', OutputDestination: 's3://bucket/out/' });
  t.same(signJobUrls(ad, 'GET', ['s3://bucket/a'], NOW, read), {
    failure: { holdCode: 13, subCode: 3, details: "DoUpload: Failure when signing URL 's3://bucket/a': unable to read from access key file" },
  });
  t.same(signJobUrls(ad, 'PUT', ['s3://bucket/out/x', 's3://bucket/out/y'], NOW, read), {
    failure: { holdCode: 12, subCode: 8, details: "DoDownload: Failure when signing URL 's3://bucket/out/y': unable to read from access key file" },
  });
  t.same(signJobUrls(ad, 'PUT', ['s3://elsewhere/x'], NOW, read), { urls: [''] }, 'nothing to sign: the keys are not read');
});
