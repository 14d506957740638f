import t from 'tap';
import { amazonUrlEncode, amzDate, presignS3Url, presignTime, s3Target, SigV4Error, type S3Keys } from './aws-sigv4.js';

// AWS's published example (Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters (AWS
// Signature Version 4)"): a presigned GET of examplebucket/test.txt.
const EXAMPLE_KEYS: S3Keys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');
const EXAMPLE_URL =
  'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

t.test("AWS's presigned GET example: s3://examplebucket/test.txt is signed to the documented URL", async (t) => {
  t.equal(presignS3Url('s3://examplebucket/test.txt', EXAMPLE_KEYS, 'GET', EXAMPLE_TIME, 86400), EXAMPLE_URL);
  t.equal(presignS3Url('s3://examplebucket.s3.us-east-1.amazonaws.com/test.txt', EXAMPLE_KEYS, 'GET', EXAMPLE_TIME, 86400).split('X-Amz-Signature=')[1].length, 64);
  t.equal(presignS3Url('S3://examplebucket/test.txt', EXAMPLE_KEYS, 'GET', EXAMPLE_TIME, 86400), EXAMPLE_URL, 'the scheme in any case');
  t.not(presignS3Url('s3://examplebucket/test.txt', EXAMPLE_KEYS, 'PUT', EXAMPLE_TIME, 86400), EXAMPLE_URL, 'the verb is signed');
});

t.test('generate_presigned_url: an hour, as of 5 s ago, the session token as X-Amz-Security-Token in name order', async (t) => {
  const time = presignTime(Date.parse('2026-12-07T10:00:00.750Z'));
  t.equal(amzDate(time), '20261207T095955Z');
  const url = new URL(presignS3Url('s3://bucket/dir/a b.txt', { ...EXAMPLE_KEYS, securityToken: 'tok/en+=' }, 'PUT', time));
  t.equal(url.origin, 'https://bucket.s3.amazonaws.com');
  t.equal(url.pathname, '/dir/a%20b.txt');
  t.same(
    [...url.searchParams.keys()],
    ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Security-Token', 'X-Amz-SignedHeaders', 'X-Amz-Signature'],
  );
  t.equal(url.searchParams.get('X-Amz-Expires'), '3600');
  t.equal(url.searchParams.get('X-Amz-Security-Token'), 'tok/en+=');
  t.match(url.search, /X-Amz-Security-Token=tok%2Fen%2B%3D&/);
  t.equal(url.searchParams.get('X-Amz-Credential'), 'AKIAIOSFODNN7EXAMPLE/20261207/us-east-1/s3/aws4_request');
});

t.test("s3Target: the URL's host, region and canonical URI as generate_presigned_url derives them", async (t) => {
  t.same(s3Target('s3://bucket/key'), { host: 'bucket.s3.amazonaws.com', region: 'us-east-1', canonicalUri: '/key' });
  t.same(s3Target('s3://bucket/key', 'eu-west-2'), { host: 'bucket.s3.eu-west-2.amazonaws.com', region: 'eu-west-2', canonicalUri: '/key' });
  t.same(s3Target('s3://My_Bucket/a/b'), { host: 's3.amazonaws.com', region: 'us-east-1', canonicalUri: '/My_Bucket/a/b' }, 'a bucket not valid in DNS: path style');
  t.same(s3Target('s3://My_Bucket/a', 'eu-west-2'), { host: 'My_Bucket.s3.eu-west-2.amazonaws.com', region: 'eu-west-2', canonicalUri: '/a' }, 'with aws_region: never path style');
  t.same(s3Target('s3://bkt.s3.ap-south-1.amazonaws.com/k', 'eu-west-2'), { host: 'bkt.s3.ap-south-1.amazonaws.com', region: 'ap-south-1', canonicalUri: '/k' }, 'the host names the region');
  t.same(s3Target('s3://127.0.0.1:9000/bucket/key'), { host: '127.0.0.1:9000', region: 'us-east-1', canonicalUri: '/bucket/key' }, 'another endpoint: its path is the key');
  t.same(s3Target('s3://minio:9000/key'), { host: 'minio.s3.amazonaws.com:9000', region: 'us-east-1', canonicalUri: '/key' }, 'a host without a dot is a bucket, as in HTCondor');
  t.same(s3Target('gs://bucket/obj'), { host: 'storage.googleapis.com', region: 'us-east-1', canonicalUri: '/bucket/obj' }, 'gs:// is storage.googleapis.com');
  t.same(s3Target('GS://bucket/obj', 'auto'), { host: 'storage.googleapis.com', region: 'auto', canonicalUri: '/bucket/obj' });
});

t.test("URLs HTCondor refuses to sign, with its codes and words", async (t) => {
  const refusal = (url: string) => {
    try {
      s3Target(url);
    } catch (err) {
      return err instanceof SigV4Error ? [err.code, err.message] : err;
    }
    return undefined;
  };
  t.same(refusal('https://bucket/key'), [1, 'an S3 URL must begin with s3://']);
  t.match(refusal('s3://bucket'), [2, /^an S3 URL must be of the form s3:\/\/<bucket>\/<object>/]);
  t.match(refusal('s3://bucket.amazonaws.com/key'), [3, /^invalid format for domain-based buckets/]);
});

t.test('amazonURLEncode: unreserved characters kept, every other byte %XY', async (t) => {
  t.equal(amazonUrlEncode('Az09-_.~'), 'Az09-_.~');
  t.equal(amazonUrlEncode('a/b c+é'), 'a%2Fb%20c%2B%C3%A9');
});
