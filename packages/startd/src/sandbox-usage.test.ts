import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { sandboxUsageBytes } from './sandbox-usage.js';

t.test('the usage counts the blocks of files in all subdirectories and does not follow links', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-usage-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const empty = await sandboxUsageBytes(dir);
  fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a', 'b', 'data'), Buffer.alloc(3 << 20, 1));
  fs.symlinkSync('/usr', path.join(dir, 'usr'));
  const used = await sandboxUsageBytes(dir);
  t.ok(used - empty >= 3 << 20, `3 MiB written are counted (${used - empty})`);
  t.ok(used - empty < 4 << 20, 'the link to /usr is not followed');
  t.equal(await sandboxUsageBytes(path.join(dir, 'gone')), 0, 'a sandbox already removed uses nothing');
});
