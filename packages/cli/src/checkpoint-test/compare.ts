/** How one output file of a run compares with the reference run's. */
export interface FileComparison {
  name: string;
  status: 'same' | 'differs' | 'missing' | 'extra';
  /** For 'differs': the first line (1-based) that differs, and both versions of it. */
  line?: number;
  expected?: string;
  actual?: string;
  /** For 'differs': the run's file is the reference's without its first `lostLines` lines. */
  lostLines?: number;
}

function lines(content: Buffer): string[] {
  return content.toString('utf8').split('\n');
}

/** Each run has its own sandbox, `dir_<startd pid>_<run id>`; messages that print its path are the same message. */
function withoutSandboxNames(content: Buffer): string {
  return content.toString('utf8').replace(/\bdir_[0-9]+_[0-9]+\b/g, 'dir_*');
}

function compareFile(name: string, expected: Buffer, actual: Buffer): FileComparison {
  if (expected.equals(actual) || withoutSandboxNames(expected) === withoutSandboxNames(actual)) return { name, status: 'same' };
  const want = lines(expected);
  const got = lines(actual);
  let line = 0;
  while (line < want.length && line < got.length && want[line] === got[line]) line++;
  const comparison: FileComparison = { name, status: 'differs', line: line + 1, expected: want[line] ?? '<end of file>', actual: got[line] ?? '<end of file>' };
  const lost = want.length - got.length;
  if (lost > 0 && want.slice(lost).join('\n') === got.join('\n')) comparison.lostLines = lost;
  return comparison;
}

/** Byte-exact comparison of the files a run produced with those of the reference run, sorted by name. */
export function compareOutputs(reference: Map<string, Buffer>, run: Map<string, Buffer>): FileComparison[] {
  const names = [...new Set([...reference.keys(), ...run.keys()])].sort();
  return names.map((name) => {
    const expected = reference.get(name);
    const actual = run.get(name);
    if (expected === undefined) return { name, status: 'extra' };
    if (actual === undefined) return { name, status: 'missing' };
    return compareFile(name, expected, actual);
  });
}

/** The integers a job reports as its progress, in order, from its stdout. */
export function progressValues(stdout: string, pattern: RegExp): number[] {
  const values: number[] = [];
  for (const line of stdout.split('\n')) {
    const match = pattern.exec(line);
    if (match?.[1] !== undefined && /^-?[0-9]+$/.test(match[1])) values.push(Number(match[1]));
  }
  return values;
}

/** Lines such as `Starting from 3`, `step 7`, `resuming at iteration 12`, `epoch 4`, `progress: 40`. */
export const DEFAULT_PROGRESS = /\b(?:start(?:ing)?|resum\w*|restor\w*|step|iteration|epoch|progress|timestamp)\b\D{0,20}?(\d+)/i;
