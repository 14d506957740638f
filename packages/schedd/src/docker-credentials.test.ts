import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { dockerCredentials } from './docker-credentials.js';

const log = { warn: () => undefined };
const wants = new ClassAd().set('DockerSendCredentials', true);

function producer(t: Test, body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pat-producer-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'producer');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

t.test('the shadow answers only a job that asked, and only with a producer configured', async (t) => {
  t.same(await dockerCredentials(new ClassAd(), { producer: '/bin/true', user: undefined, log }), { error: 'Job did not request docker credentials to be sent' });
  t.same(await dockerCredentials(wants, { producer: undefined, user: undefined, log }), { error: 'No DOCKER_PAT_PRODUCER configured on the access point' });
  t.same(await dockerCredentials(wants, { producer: ' ', user: undefined, log }), { error: 'No DOCKER_PAT_PRODUCER configured on the access point' });
});

t.test("the producer's stdout, run with PATH and HOME (the owner's home directory) and not the schedd's environment, is the config.json", async (t) => {
  // tap adds variables of its own to every child's environment.
  process.env.SCHEDD_ONLY = 'x';
  t.teardown(() => delete process.env.SCHEDD_ONLY);
  const file = producer(t, 'echo "{\\"auths\\": {}, \\"home\\": \\"$HOME\\", \\"path\\": \\"$PATH\\", \\"other\\": \\"${SCHEDD_ONLY:-unset}\\"}"\necho to stderr >&2');
  const answer = await dockerCredentials(wants, { producer: file, user: undefined, log });
  t.same('config' in answer ? JSON.parse(answer.config) : answer, { auths: {}, home: os.userInfo().homedir, path: process.env.PATH, other: 'unset' });
});

t.test("a producer that fails gives its HTCondorError; one that cannot run, the shadow's generic words", async (t) => {
  const failing = producer(t, 'echo \'{"HTCondorError": "Failed to retrieve bearer token."}\'\nexit 1');
  t.same(await dockerCredentials(wants, { producer: failing, user: undefined, log }), { error: 'Failed to retrieve bearer token.' });
  t.same(await dockerCredentials(wants, { producer: '/nonexistent/condor_docker_pat_producer', user: undefined, log }), { error: 'Cannot parse output of docker pat producer' });
});
