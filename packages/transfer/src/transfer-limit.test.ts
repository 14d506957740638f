import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { transferLimitExcess } from './transfer-limit.js';

t.test('transferLimitExcess names the file that takes the total past the limit, in DoUpload words', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-limit-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'small'), Buffer.alloc(600 * 1024));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'big'), Buffer.alloc(3 * 1024 * 1024));
  const entries = [{ name: 'small', source: path.join(dir, 'small') }, { name: 'data', source: path.join(dir, 'data') }];
  t.equal(transferLimitExcess(entries, 4 * 1024 * 1024, 'upload'), undefined);
  t.equal(transferLimitExcess(entries, 3 * 1024 * 1024, 'upload'), `sending file ${path.join(dir, 'data', 'big')}: max total upload bytes exceeded (max=3 MB, this file=3 MB)`);
  t.equal(transferLimitExcess(entries, 1024 * 1024, 'download'), 'sending file data/big: max total download bytes exceeded (max=1 MB, this file=3 MB)');
  t.equal(transferLimitExcess(entries, 0, 'upload'), `sending file ${path.join(dir, 'small')}: max total upload bytes exceeded (max=0 MB, this file=0 MB)`);
});
