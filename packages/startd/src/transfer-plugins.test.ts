import t from 'tap';
import pino from 'pino';
import { transferUrls, type UrlTransferRun } from './transfer-plugins.js';

// No plugin in the table: transferUrls' first failure names the URL it would have handed to one.
const settings = { table: new Map(), lifetimeSeconds: 60 };
const base: Omit<UrlTransferRun, 'sign'> = { sandbox: '/nonexistent', user: undefined, jobAdFile: '', machineAdFile: '', log: pino({ enabled: false }) };

t.test('s3:// and gs:// URLs go to the plugins as the schedd signed them, each asked once', async (t) => {
  const asked: [string, string[]][] = [];
  const run: UrlTransferRun = {
    ...base,
    sign: async (verb, urls) => {
      asked.push([verb, urls]);
      return { urls: urls.map((url) => (url.startsWith('s3://') ? `https://signed/${url.slice(5)}?X-Amz-Signature=x` : '')) };
    },
  };
  const files = [
    { url: 's3://bucket/a', localFileName: '/s/a' },
    { url: 'S3://bucket/a', localFileName: '/s/a2' },
    { url: 'gs://g/b', localFileName: '/s/b' },
    { url: 'http://h/c', localFileName: '/s/c' },
  ];
  const failure = await transferUrls(files, true, settings, run);
  t.same(asked, [['PUT', ['s3://bucket/a', 'S3://bucket/a', 'gs://g/b']]], 'PUT for an upload; http:// is not asked about');
  t.equal(failure?.url, 'https://signed/bucket/a?X-Amz-Signature=x');
  const unsigned = await transferUrls([{ url: 'gs://g/b', localFileName: '/s/b' }], false, settings, run);
  t.equal(unsigned?.url, 'gs://g/b', "a URL the schedd does not sign ('') stays as written");
});

t.test("the schedd's hold, or a schedd that cannot be asked, fails the transfer", async (t) => {
  const held = await transferUrls([{ url: 's3://bucket/a', localFileName: '/s/a' }], false, settings, {
    ...base,
    sign: async () => ({ holdReason: "Transfer input files failure at access point ap … DoUpload: Failure when signing URL 's3://bucket/a': x", holdCode: 13, subCode: 3 }),
  });
  t.match(held, { subCode: 3, holdReason: /DoUpload: Failure when signing URL/ });
  const unreachable = await transferUrls([{ url: 's3://bucket/a', localFileName: '/s/a' }], false, settings, {
    ...base,
    sign: async () => {
      throw new Error('connect ECONNREFUSED');
    },
  });
  t.same(unreachable, { messages: ['|Error: unable to have the access point sign the URLs: connect ECONNREFUSED'], subCode: 0 });
});
