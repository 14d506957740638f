import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import t from 'tap';
import { cachedSchemaCompilers } from './compiled-schemas.js';

/** A route whose body is coerced and checked and whose reply is serialized by its schema, answering three requests. */
async function replies(compiledSchemaDir?: string): Promise<{ status: number; body: string }[]> {
  const app = Fastify({
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    ...(compiledSchemaDir === undefined ? {} : { schemaController: { compilersFactory: cachedSchemaCompilers(compiledSchemaDir, pino({ level: 'silent' })) } }),
  });
  app.post(
    '/echo',
    {
      schema: {
        body: { type: 'object', required: ['n'], properties: { n: { type: 'integer', maximum: 10 }, tags: { type: 'array', items: { type: 'string' } } } },
        response: { 200: { type: 'object', properties: { n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } } },
      },
    },
    // `secret` is not in the reply's schema: the serializer leaves it out.
    async (request) => ({ ...(request.body as object), secret: 'x' }),
  );
  const answers = [];
  for (const payload of [{ n: '3', tags: 'one' }, { n: 11 }, { tags: [] }]) {
    const reply = await app.inject({ method: 'POST', url: '/echo', payload });
    answers.push({ status: reply.statusCode, body: reply.body });
  }
  await app.close();
  return answers;
}

t.test('compiled schemas stored, loaded, and compiled again when a stored one is unusable: the same answers each time', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-compiled-schemas-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const expected = await replies();
  t.same(expected.map((r) => r.status), [200, 400, 400]);
  t.same(JSON.parse(expected[0].body), { n: 3, tags: ['one'] }, 'coerced, and only what the reply schema names');

  t.same(await replies(dir), expected, 'compiled and stored');
  const files = fs.readdirSync(dir);
  t.same(files.map((f) => f.replace(/-[0-9a-f]{64}\.js$/, '')).sort(), ['schema-serializer', 'schema-validator'], 'one validator, one serializer');

  t.same(await replies(dir), expected, 'loaded');

  for (const file of files) fs.writeFileSync(path.join(dir, file), 'module.exports = (');
  t.same(await replies(dir), expected, 'unusable files compiled again');
  for (const file of files) t.not(fs.readFileSync(path.join(dir, file), 'utf8'), 'module.exports = (', `${file} stored again`);
});
