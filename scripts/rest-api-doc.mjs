// Writes the reference section of docs/rest-api.md (between its marker comments) from the OpenAPI document a
// schedd serves at /v1/openapi.json, itself generated from the routes' schemas. Run after `npm run build`;
// `--check` only says whether the file is up to date (exit 1 when not), as test/rest-api-doc.test.ts does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startSchedd } from '@tinycondor/schedd';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docFile = path.join(root, 'docs', 'rest-api.md');
const START = '<!-- rest-api-reference:start (written by scripts/rest-api-doc.mjs from the routes\' schemas; do not edit) -->';
const END = '<!-- rest-api-reference:end -->';

/** The OpenAPI document of a schedd started on a scratch directory. */
async function openApiDocument() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-rest-doc-'));
  const pool = await startSchedd({ home, port: 0, logger: pino({ level: 'silent' }) });
  try {
    const token = fs.readFileSync(pool.tokenFile, 'utf8').trim();
    const response = await fetch(`${pool.url}/v1/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET /v1/openapi.json: ${response.status} ${await response.text()}`);
    return await response.json();
  } finally {
    await pool.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A schema in one line: `{"a": integer, "b"?: [string]}`, a pattern or range after its type. */
function describe(schema) {
  if (schema === undefined || Object.keys(schema).length === 0) return 'any';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(describe).join(' | ');
  if (schema.allOf) return schema.allOf.map(describe).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.nullable) types.push('null');
  return types.map((type) => describeType(type, schema)).join(' | ');
}

function describeType(type, schema) {
  if (type === 'object') {
    const fields = Object.entries(schema.properties ?? {}).map(([name, value]) => `"${name}"${schema.required?.includes(name) ? '' : '?'}: ${describe(value)}`);
    for (const value of Object.values(schema.patternProperties ?? {})) fields.push(`NAME: ${describe(value)}`);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') fields.push(`NAME: ${describe(schema.additionalProperties)}`);
    return `{${fields.join(', ')}}`;
  }
  if (type === 'array') return `[${describe(schema.items)}]${range(schema.minItems, schema.maxItems, ' items')}`;
  if (type === 'string') {
    if (schema.format === 'binary') return 'bytes';
    return `string${schema.pattern ? ` /${schema.pattern}/` : ''}${range(schema.minLength, schema.maxLength, ' chars')}`;
  }
  if (type === 'integer' || type === 'number') return `${type}${range(schema.minimum, schema.maximum, '')}`;
  return String(type);
}

function range(min, max, unit) {
  if (min === undefined && max === undefined) return '';
  if (max === undefined) return ` ≥ ${min}${unit}`;
  if (min === undefined) return ` ≤ ${max}${unit}`;
  return ` ${min}…${max}${unit}`;
}

/** One route's entry: what it takes and what it answers. */
function routeSection(method, route, operation) {
  const lines = [`### \`${method.toUpperCase()} ${route}\``, ''];
  if (operation.description) lines.push(operation.description, '');
  for (const where of ['path', 'query', 'header']) {
    const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === where);
    if (parameters.length === 0) continue;
    const fields = parameters.map((parameter) => `\`${parameter.name}\`${parameter.required ? '' : '?'}: ${describe(parameter.schema)}`);
    lines.push(`- ${where}: ${fields.join('; ')}`);
  }
  for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) lines.push(`- body (\`${type}\`): \`${describe(media.schema)}\``);
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const contents = Object.entries(response.content ?? {});
    if (contents.length === 0) continue;
    for (const [type, media] of contents) lines.push(`- ${status} (\`${type}\`): \`${describe(media.schema)}\``);
  }
  return lines.join('\n').trimEnd();
}

function reference(document) {
  const sections = [];
  for (const route of Object.keys(document.paths).sort()) {
    for (const [method, operation] of Object.entries(document.paths[route])) sections.push(routeSection(method, route, operation));
  }
  return [
    START,
    '',
    '## Reference',
    '',
    'Every route, as its schemas say (the schedd serves them as OpenAPI at `GET /v1/openapi.json`). `NAME?` is optional;',
    'a route also answers 401 without credentials, and 400 (`{"error"}`, naming the field) when a request does not match.',
    '',
    sections.join('\n\n'),
    '',
    END,
  ].join('\n');
}

const text = fs.readFileSync(docFile, 'utf8');
const start = text.indexOf(START);
const end = text.indexOf(END);
const prose = start >= 0 && end > start ? text.slice(0, start) : `${text.trimEnd()}\n\n`;
const updated = `${prose}${reference(await openApiDocument())}\n`;
if (process.argv.includes('--check')) {
  if (updated !== text) {
    console.error('docs/rest-api.md is out of date with the routes\' schemas: run `npm run build && node scripts/rest-api-doc.mjs`');
    process.exit(1);
  }
} else if (updated !== text) {
  fs.writeFileSync(docFile, updated);
}
