import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

// docs/rest-api.md's reference is generated from the routes' schemas: a schema changed without it fails here.
t.test('docs/rest-api.md lists every route as its schemas say', async (t) => {
  const root = path.resolve(import.meta.dirname, '..');
  const run = await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'rest-api-doc.mjs'), '--check'], { cwd: root }).catch(
    (err: { code: number; stderr: string }) => err,
  );
  t.equal('code' in run ? run.code : 0, 0, 'stderr' in run ? run.stderr : '');
});
