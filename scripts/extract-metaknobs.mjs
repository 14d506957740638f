// Writes packages/shared/src/config-metaknobs.ts from HTCondor's src/condor_utils/param_info.in: the
// `use CATEGORY : name` templates ([$CATEGORY.name] sections), verbatim. Run it again when the HTCondor
// version the pool follows changes:  node scripts/extract-metaknobs.mjs PATH/TO/param_info.in [COMMIT]
import fs from 'node:fs';
import path from 'node:path';

const [input, commit = 'unknown'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/extract-metaknobs.mjs PATH/TO/param_info.in [COMMIT]');
  process.exit(2);
}
const lines = fs.readFileSync(input, 'utf8').split('\n');
const table = {};
for (let i = 0; i < lines.length; i++) {
  const header = /^\[\$([A-Za-z_]+)\.([A-Za-z_0-9]+)\]\s*$/.exec(lines[i]);
  if (!header) continue;
  let j = i + 1;
  while (j < lines.length && !/^\[/.test(lines[j]) && !/^default\s*[:=]/.test(lines[j])) j++;
  const block = /^default\s*:\s*@(\S+)\s*$/.exec(lines[j] ?? '');
  const single = /^default\s*=\s*(.*)$/.exec(lines[j] ?? '');
  if (!block && !single) throw new Error(`${input}:${i + 1}: [$${header[1]}.${header[2]}] has no default`);
  const body = [];
  if (single) body.push(single[1]);
  else for (j++; j < lines.length && lines[j].trim() !== `@${block[1]}`; j++) body.push(lines[j]);
  const category = header[1].toUpperCase();
  (table[category] ??= {})[header[2]] = body.join('\n');
  i = j;
}
const out = [
  `// The configuration templates of \`use CATEGORY : name\`, copied verbatim from HTCondor's`,
  `// src/condor_utils/param_info.in (commit ${commit}; Apache License 2.0) by scripts/extract-metaknobs.mjs.`,
  `// Do not edit by hand.`,
  `export const METAKNOBS: Readonly<Record<string, Readonly<Record<string, string>>>> = ${JSON.stringify(table, null, 2)};`,
  '',
].join('\n');
const target = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'packages', 'shared', 'src', 'config-metaknobs.ts');
fs.writeFileSync(target, out);
console.log(`${target}: ${Object.values(table).reduce((n, c) => n + Object.keys(c).length, 0)} templates in ${Object.keys(table).length} categories`);
