// `tinycondor test-checkpointing` on every job of test/fixtures/checkpoint-defects/: each broken job FAILs
// with its diagnosis, each correct one PASSes. Each runs as people run it, in the job's own directory
// with the report redirected into it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { diagnosisCodes, testCheckpointingIn } from './helpers/test-checkpointing.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'checkpoint-defects');

/** expected.json of a fixture. */
interface Expected {
  what: string;
  /** Arguments after the submit file (which is job.sub unless `submit` names another). */
  args: string[];
  submit?: string;
  pass: boolean;
  /**
   * The run judged (0: the reference) and its leading diagnosis codes, in order (what follows from them,
   * such as outputs that differ after a crash, may come after); a passing job has none in any run.
   */
  run?: number;
  diagnoses?: string[];
  /** A pattern the judged run's diagnosis messages match (joined by newlines). */
  message?: string;
  /** A pattern the printed report matches. */
  report?: string;
}

const only = process.env.TC_FIXTURE;
for (const name of fs.readdirSync(FIXTURES).sort()) {
  if (only !== undefined && only !== name) continue;
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
  t.test(`${name}: ${expected.what}`, async (t) => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), `tinycondor-fixture-${name}-`));
    fs.cpSync(path.join(FIXTURES, name), path.join(base, 'job'), { recursive: true, filter: (source) => path.basename(source) !== 'expected.json' });
    const { result, report } = await testCheckpointingIn(t, base, expected.submit ?? 'job.sub', expected.args, { reportInJobDir: true });
    const runs = report.runs.map((r) => `${r.name} ${JSON.stringify(r.eviction ?? {})} ${r.figures.checkpoints.length} checkpoint(s): ${r.pass ? 'PASS' : 'FAIL'} ${JSON.stringify(r.diagnoses.map((d) => `${d.code}: ${d.message}`))}`).join('\n');
    // Messages carry the runs' verdicts, short enough to survive a CI log's truncation; the whole report last.
    t.equal(result.code, expected.pass ? 0 : 1, `exit code\n${runs}`);
    t.match(result.stdout, /\ntinycondor test-checkpointing \S+ \(seed \d+\)\n\nstatic checks of /, 'the static checks come first');
    if (expected.report) t.match(result.stdout, new RegExp(expected.report), 'the report says so');
    t.equal(report.pass, expected.pass, `verdict\n${runs}`);
    if (expected.pass) {
      // A time-driven job may checkpoint less often in a run than in the reference: a planned moment it never reaches is no verdict.
      t.same(report.runs.map((r) => r.diagnoses.filter((d) => d.code !== 'eviction-missed')), report.runs.map(() => []), `no diagnoses\n${runs}`);
      t.ok(report.runs.some((r) => r.figures.evictions.length > 0), 'the job was evicted at least once');
      if (!t.passing()) t.comment(result.stdout);
      return;
    }
    const judged = report.runs[expected.run ?? 0];
    t.ok(judged, `run ${String(expected.run)} exists\n${runs}`);
    if (!judged) return;
    t.same(diagnosisCodes(judged).slice(0, expected.diagnoses?.length), expected.diagnoses, `diagnoses of ${judged.name}\n${runs}`);
    if (expected.message) t.match(judged.diagnoses.map((d) => d.message).join('\n'), new RegExp(expected.message), `message of ${judged.name}`);
    t.match(result.stdout, /runs? FAILED\n/);
    if (!t.passing()) t.comment(result.stdout);
  });
}
