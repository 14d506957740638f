import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { probeFile } from './file-probe.js';

t.test('probeFile gives the size and first line, or strerror\'s text', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'script'), '#!/bin/sh\r\necho hi\n');
  fs.writeFileSync(path.join(dir, 'empty'), '');
  t.same(probeFile(path.join(dir, 'script')), { size: 19, firstLine: '#!/bin/sh\r\n' });
  t.same(probeFile(path.join(dir, 'empty')), { size: 0, firstLine: '' });
  t.same(probeFile(path.join(dir, 'missing')), { error: 'No such file or directory' });
  t.same(probeFile(path.join(dir, 'script', 'below')), { error: 'Not a directory' });
});
