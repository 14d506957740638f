// Every file of test/fixtures/submit-corpus (real submit files: HTCondor's own, campus and OSPool guides,
// Pegasus's planned node files…, see its README) through
// condor_submit -dry-run, called in process: each is accepted, or refused with the error its index entry
// expects (why is there); none crashes, and no command HTCondor acts on is ignored without a word, even
// with the unused-line warnings off (-unused).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CliError, type CommandIo } from '@tinycondor/cli/dist/cli-error.js';
import { condorSubmit } from '@tinycondor/cli/dist/commands/condor-submit.js';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'submit-corpus');

interface CorpusEntry {
  path: string;
  repository: string;
  commit: string;
  source: string;
  universe: string;
  /** The licence of the repository the file comes from (SPDX): only files whose repository states one are kept. */
  license?: string;
  /** `feature`: a refusal that is tinycondor's own, of something it does not run on purpose (an Apptainer image). */
  expect: { accept: true } | { refuse: string; why: string; feature?: string };
  /**
   * Files beside the submit file (what a `queue … matching` finds, the list a `queue … from` reads): copied
   * from the corpus when the repository has them there, else created empty.
   */
  inputs?: string[];
  /** Files written beside the submit file with this text: lists the tutorials have their readers make. */
  inputText?: Record<string, string>;
  /** Where `inputText` comes from. */
  inputsFrom?: string;
  /** name=value arguments, as the HTCondor test driver passes them. */
  args?: string[];
  /** Where `args` come from. */
  argsFrom?: string;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** The stack of an error condor_submit did not report as its own. */
  crash?: string;
}

const entries: CorpusEntry[] = JSON.parse(fs.readFileSync(path.join(corpus, 'index.json'), 'utf8'));
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'submit-corpus-'));
t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
const condorConfig = path.join(home, 'condor_config');
fs.writeFileSync(condorConfig, '# A throwaway pool: condor_submit -dry-run reads its configuration and connects to no schedd.\n');

/** A stack trace or a JavaScript error's name: condor_submit's own errors carry neither. */
const CRASH = /\b(TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b|^\s+at .+:\d+:\d+\)?$/m;
/** The executable check, the one condor_submit makes whatever SUBMIT_SKIP_FILECHECKS says. */
const MISSING_EXECUTABLE = /Can't access executable file (.+): No such file or directory/;
/** Placeholders for the job's own files are made at most this many times per submit file. */
const MAX_PLACEHOLDERS = 5;

async function dryRun(dir: string, file: string, args: string[]): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIo = {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    env: { CONDOR_CONFIG: condorConfig, PATH: process.env.PATH, HOME: dir },
    cwd: dir,
    readStdin: async () => '',
    stdin: process.stdin,
  };
  try {
    const code = await condorSubmit([...args, '-dry-run', '-', file], io);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } catch (err) {
    if (err instanceof CliError) return { code: err.exitCode, stdout: stdout.join(''), stderr: stderr.join('') + err.message };
    return { code: -1, stdout: stdout.join(''), stderr: stderr.join(''), crash: (err as Error).stack ?? String(err) };
  }
}

/**
 * The file submitted from a directory of its own, where the executable it names (relative to it) is created
 * as a placeholder when the dry run says it is missing: the job's own scripts are not in the corpus.
 */
async function submitFromPlaceholderDir(entry: CorpusEntry, extraArgs: string[] = []): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(home, 'job-'));
  const file = path.basename(entry.path);
  fs.copyFileSync(path.join(corpus, entry.path), path.join(dir, file));
  for (const input of entry.inputs ?? []) {
    const companion = path.join(corpus, path.dirname(entry.path), input);
    if (fs.existsSync(companion)) fs.copyFileSync(companion, path.join(dir, input));
    else fs.writeFileSync(path.join(dir, input), '');
  }
  for (const [name, text] of Object.entries(entry.inputText ?? {})) fs.writeFileSync(path.join(dir, name), text);
  let outcome = await dryRun(dir, file, [...(entry.args ?? []), ...extraArgs]);
  for (let made = 0; made < MAX_PLACEHOLDERS; made++) {
    const missing = MISSING_EXECUTABLE.exec(outcome.stderr)?.[1];
    if (missing === undefined || path.isAbsolute(missing)) break;
    fs.mkdirSync(path.dirname(path.join(dir, missing)), { recursive: true });
    fs.writeFileSync(path.join(dir, missing), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    outcome = await dryRun(dir, file, [...(entry.args ?? []), ...extraArgs]);
  }
  return outcome;
}

/** condor_submit's warnings, each without "WARNING: ". */
function warningsOf(stderr: string): string[] {
  return [...stderr.matchAll(/^WARNING: (.*)$/gm)].map((match) => match[1]!);
}

const UNIMPLEMENTED = /^(\S+) is not implemented by tinycondor: /;

t.test('the corpus: each HTCondor submit file accepted, or refused as its index entry says', async (t) => {
  const refusedBy = new Map<string, number>();
  const unimplemented = new Map<string, number>();
  let vanilla = 0;
  let vanillaRefusedFeature = 0;
  let vanillaHTCondorAccepts = 0;
  let vanillaAccepted = 0;
  let crashes = 0;
  for (const entry of entries) {
    const outcome = await submitFromPlaceholderDir(entry);
    const what = `${entry.path} (${entry.repository}@${entry.commit.slice(0, 8)}:${entry.source})`;
    const crashed = outcome.crash !== undefined || CRASH.test(outcome.stdout) || CRASH.test(outcome.stderr);
    if (crashed) crashes++;
    t.notOk(crashed, `${what}: no crash`, { stderr: outcome.stderr, stack: outcome.crash });
    if (entry.universe === 'vanilla') vanilla++;
    if ('accept' in entry.expect) {
      if (entry.universe === 'vanilla') vanillaHTCondorAccepts++;
      if (outcome.code === 0 && entry.universe === 'vanilla') vanillaAccepted++;
      t.equal(outcome.code, 0, `${what}: accepted`, { stderr: outcome.stderr });
      t.match(outcome.stdout, /\d+ job\(s\) dry-run to cluster 1\.\n$/, `${what}: the dry run's count`);
      const warnings = warningsOf(outcome.stderr);
      for (const warning of warnings) {
        const name = UNIMPLEMENTED.exec(warning)?.[1];
        if (name !== undefined) unimplemented.set(name.toLowerCase(), (unimplemented.get(name.toLowerCase()) ?? 0) + 1);
        else t.notMatch(warning, /not (yet )?implemented|not supported|ignored/i, `${what}: a warning about something not done names it as not implemented`);
      }
      // With the unused-line warnings off, what tinycondor does not implement is still said.
      const quiet = await submitFromPlaceholderDir(entry, ['-unused']);
      t.same(
        warningsOf(quiet.stderr).filter((warning) => UNIMPLEMENTED.test(warning)),
        warnings.filter((warning) => UNIMPLEMENTED.test(warning)),
        `${what}: no command accepted and ignored in silence under -unused`,
      );
    } else {
      t.not(outcome.code, 0, `${what}: refused (${entry.expect.why})`);
      t.match(outcome.stderr, new RegExp(entry.expect.refuse), `${what}: refused with ${entry.expect.refuse}`);
      const { feature } = entry.expect;
      if (feature !== undefined && entry.universe === 'vanilla') vanillaRefusedFeature++;
      const category = feature ?? (entry.universe === 'vanilla' ? 'vanilla, refused by HTCondor too' : `${entry.universe} universe`);
      refusedBy.set(category, (refusedBy.get(category) ?? 0) + 1);
    }
  }
  const percent = (100 * vanillaAccepted) / vanillaHTCondorAccepts;
  const repositories = new Set(entries.map((entry) => entry.repository)).size;
  t.comment(`files: ${entries.length} from ${repositories} repositories; vanilla: ${vanilla}, of which HTCondor accepts ${vanillaHTCondorAccepts + vanillaRefusedFeature}`);
  t.comment(
    `vanilla accepted: ${vanillaAccepted}/${vanillaHTCondorAccepts} of those needing no feature tinycondor refuses (${percent.toFixed(1)} %), ` +
      `${vanillaAccepted}/${vanillaHTCondorAccepts + vanillaRefusedFeature} of all HTCondor accepts; crashes: ${crashes}`,
  );
  t.comment(`refused: ${[...refusedBy].map(([category, count]) => `${category}: ${count}`).join(', ')}`);
  t.comment(`accepted with commands tinycondor does not implement (warned): ${[...unimplemented].map(([name, count]) => `${name} ×${count}`).join(', ')}`);
  t.ok(entries.length >= 400, 'at least 400 files');
  t.ok(entries.filter((entry) => entry.repository !== 'htcondor/htcondor').length >= 90, 'at least 90 of them from repositories other than HTCondor\'s');
  t.ok(percent >= 98, 'at least 98 % of the vanilla files HTCondor accepts are accepted');
  t.equal(crashes, 0, 'no crash');
});
