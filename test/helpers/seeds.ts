// The seeds' submit files (test/fixtures/seeds/), one copy for every test that runs or parses them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEEDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'seeds');

export type SeedSubmit = 'example.submit' | 'exit-driven-example.submit' | '77-ckpt.submit';

/** The text of a seed's submit file, verbatim. */
export function seedSubmit(name: SeedSubmit): string {
  return fs.readFileSync(path.join(SEEDS_DIR, name), 'utf8');
}

/** `text` with its one occurrence of `from` replaced: a variant of a seed that fails loudly if the seed changes. */
export function variantOf(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`the seed does not hold ${JSON.stringify(from)} exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
