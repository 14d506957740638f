import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { fileSha256, fileSha256Sync } from './file-sha256.js';

t.test('the SHA-256 of files shorter than, equal to and longer than a chunk', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-sha-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const size of [0, 1, 1 << 20, (1 << 20) * 2 + 5]) {
    const bytes = Buffer.alloc(size, 0);
    for (let i = 0; i < size; i += 997) bytes[i] = i % 251;
    const file = path.join(dir, `f${size}`);
    fs.writeFileSync(file, bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    t.equal(await fileSha256(file), expected, `${size} bytes, read on the threadpool`);
    t.equal(fileSha256Sync(file), expected, `${size} bytes, read in the calling thread`);
  }
  await t.rejects(fileSha256(path.join(dir, 'missing')), { code: 'ENOENT' });
});
