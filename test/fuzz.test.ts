// Bounded, deterministic fuzzing of everything that parses outside input: the submit language and
// ClassAd expressions in a worker thread (so a hang is caught and named, not waited for), then the
// schedd's REST API and its startd websocket on a real pool. FUZZ_SEED=<n> replays another run; every
// failure message carries the seed and the offending input.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { ClassAd, isTrue } from '@tinycondor/shared/classad/index';
import { parseJobSpec } from '@tinycondor/shared/job-id';
import { closeReason } from '@tinycondor/shared/close-reason';
import { decodeStartdMessage, MAX_MESSAGE_BYTES } from '@tinycondor/shared/protocol';
import { eventually, startPool, writeExecutable, type TestPool } from './helpers/pool.js';
import { seedSubmit } from './helpers/seeds.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_104);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
t.comment(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

/** mulberry32: small, fast and the same on every platform. */
class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** Shows an input in a failure message: escaped, and cut when long. */
function show(input: string | Buffer, max = 600): string {
  const text = typeof input === 'string' ? JSON.stringify(input) : `<bytes ${input.toString('hex').slice(0, max)}>`;
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

// ---- generic text mutation ------------------------------------------------------------------------

/** Characters that tend to confuse text handling: NUL, lone surrogates, BOM, bidi, separators. */
const NASTY_CHARS = ['\0', '\uFFFD', '\uD800', '\uDFFF', '\uFEFF', '\u202E', '\u2028', '\u00A0', '\r', '\t', '\f', '\v', '\x1b', 'é', '😀', '\\', '"', "'"];

/** Flips or inserts high bytes and decodes as UTF-8, which is what reading an invalid UTF-8 file yields. */
function corruptUtf8(rng: Rng, text: string): string {
  const bytes = [...Buffer.from(text, 'utf8')];
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const at = rng.int(bytes.length + 1);
    const bad = rng.pick([0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf0, 0xf8, 0xff]);
    if (rng.chance(0.5) && at < bytes.length) bytes[at] = bad;
    else bytes.splice(at, 0, bad);
  }
  return Buffer.from(bytes).toString(rng.chance(0.8) ? 'utf8' : 'latin1');
}

function mutateText(rng: Rng, text: string, fragments: readonly string[]): string {
  let out = text;
  for (let edits = 1 + rng.int(5); edits > 0; edits--) {
    const at = rng.int(out.length + 1);
    const span = 1 + rng.int(rng.chance(0.8) ? 8 : 200);
    const lines = out.split('\n');
    const line = rng.int(lines.length);
    switch (rng.int(13)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + span);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at, at + span) + out.slice(at);
        break;
      case 2: {
        const other = rng.int(out.length + 1);
        const chars = [...out];
        [chars[at], chars[other]] = [chars[other] ?? '', chars[at] ?? ''];
        out = chars.join('');
        break;
      }
      case 3:
      case 4:
        out = out.slice(0, at) + rng.pick(fragments) + out.slice(at);
        break;
      case 5:
        out = out.slice(0, at) + rng.pick(NASTY_CHARS) + out.slice(at);
        break;
      case 6:
        out = out.slice(0, at) + String.fromCharCode(rng.int(128)) + out.slice(at);
        break;
      case 7:
        lines.splice(line, 1);
        out = lines.join('\n');
        break;
      case 8:
        lines.splice(line, 0, lines[line] ?? '');
        out = lines.join('\n');
        break;
      case 9: {
        const other = rng.int(lines.length);
        [lines[line], lines[other]] = [lines[other]!, lines[line]!];
        out = lines.join('\n');
        break;
      }
      case 10:
        // A very long line or token.
        out = out.slice(0, at) + rng.pick(fragments).repeat(200 + rng.int(5000)) + out.slice(at);
        break;
      case 11: {
        // Deep nesting of brackets or macro references.
        const depth = rng.pick([50, 199, 201, 500, 1000, 5000]);
        const [open, close] = rng.pick([['(', ')'], ['[', ']'], ['{', '}'], ['$(', ')'], ['$(a:', ')'], ['"', '"'], ['-', ''], ['!', '']] as const);
        out = out.slice(0, at) + open.repeat(depth) + 'x' + close.repeat(rng.chance(0.7) ? depth : rng.int(depth)) + out.slice(at);
        break;
      }
      case 12:
        out = rng.chance(0.5) ? corruptUtf8(rng, out) : out.slice(0, at);
        break;
    }
  }
  return out;
}

// ---- in-process parsers in a worker thread ----------------------------------------------------------

type SandboxKind = 'submit' | 'expr' | 'adtext';
type SandboxReply =
  | { outcome: 'accepted'; detail: string; ms: number }
  | { outcome: 'rejected'; name: string; message: string; ms: number }
  | { outcome: 'crashed'; name: string; message: string; stack: string; ms: number }
  | { outcome: 'timeout' | 'died'; message: string; ms: number };

const VALUE_TYPES = ['undefined', 'error', 'bool', 'int', 'real', 'string', 'list', 'ad'];

/** Runs in the worker (CommonJS, plain JS) against the built shared package. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const VALUE_TYPES = ${JSON.stringify(VALUE_TYPES)};
Promise.all([import(workerData.submitUrl), import(workerData.classadUrl)]).then(([s, c]) => {
  const ctx = {
    fileName: 'fuzz.sub', submitDir: '/fuzz/submit', env: { HOME: '/home/fuzz', X: 'x y' }, owner: 'fuzz', now: new Date(0),
    readFile(p) {
      if (p.endsWith('items.txt')) return 'a, 1\\nb, 2\\n\\n c , 3 4\\n';
      throw Object.assign(new Error('ENOENT: no such file or directory, open ' + p), { code: 'ENOENT' });
    },
    probeFile: () => ({ size: 100, firstLine: '#!/bin/sh\\n' }),
    runCommand: () => ({ stdout: 'arguments = from-command\\n', exitCode: 0 }),
    listDir: () => [{ name: 'a.dat', isDir: false }, { name: 'b.dat', isDir: false }, { name: 'sub', isDir: true }],
  };
  const job = c.ClassAd.parseText(workerData.jobAd);
  const machine = c.ClassAd.parseText(workerData.machineAd);
  const checkValue = (v, what) => {
    if (!v || !VALUE_TYPES.includes(v.type)) throw new Error(what + ' returned ' + JSON.stringify(v) + ', not a Value');
    return v.type;
  };
  const handlers = {
    submit(text) {
      let ads;
      try {
        ads = s.expandProcs(s.parseSubmitFile(text, ctx), 1, ctx);
      } catch (err) {
        if (err instanceof s.SubmitError) return { outcome: 'rejected', name: err.name, message: err.message };
        throw err;
      }
      // The ads travel to the schedd as expression text: each must parse back.
      for (const ad of ads) c.ClassAd.fromJSON(ad.toJSON());
      return { outcome: 'accepted', detail: ads.length + ' proc(s)' };
    },
    expr(text) {
      let expr;
      try {
        expr = c.parseExpr(text);
      } catch (err) {
        if (err instanceof c.ClassAdParseError) return { outcome: 'rejected', name: err.name, message: err.message };
        throw err;
      }
      const type = checkValue(job.evaluateExpr(expr, machine), 'evaluate');
      c.matches(job.clone().insert('Requirements', expr), machine);
      const printed = c.unparse(expr);
      const reprinted = c.unparse(c.parseExpr(printed));
      if (reprinted !== printed) throw new Error('unparse is not stable: ' + JSON.stringify(printed) + ' -> ' + JSON.stringify(reprinted));
      return { outcome: 'accepted', detail: type };
    },
    adtext(text) {
      let ad;
      try {
        ad = c.ClassAd.parseText(text);
      } catch (err) {
        if (err instanceof c.ClassAdParseError) return { outcome: 'rejected', name: err.name, message: err.message };
        throw err;
      }
      const copy = c.ClassAd.fromJSON(ad.toJSON());
      for (const name of copy.names()) checkValue(copy.evaluate(name, machine), 'evaluate ' + name);
      return { outcome: 'accepted', detail: copy.names().length + ' attribute(s)' };
    },
  };
  parentPort.on('message', ({ kind, text }) => {
    const started = performance.now();
    let reply;
    try {
      reply = handlers[kind](text);
    } catch (err) {
      reply = { outcome: 'crashed', name: String(err && err.name), message: String(err && err.message), stack: String(err && err.stack).split('\\n').slice(0, 6).join('\\n') };
    }
    parentPort.postMessage({ ...reply, ms: performance.now() - started });
  });
  parentPort.postMessage({ ready: true });
});
`;

const JOB_AD_TEXT = `ClusterId = 1
ProcId = 0
Owner = "fuzz"
Cmd = "/bin/true"
RequestCpus = 1
RequestMemory = 128
RequestDisk = 1024
Args = "a b"
Env = "A=1"
JobStatus = 1
Rank = Memory
Tags = { "a", 1, 2.5, [ x = 1 ] }
Nested = [ inner = 3; list = { 1, 2 } ]
Chain = Chain2 + 1
Chain2 = Chain
`;

const MACHINE_AD_TEXT = `MyType = "Machine"
Name = "slot1@fuzz"
Machine = "fuzz"
OpSys = "LINUX"
Arch = "X86_64"
Cpus = 4
Memory = 8192
Disk = 1000000
Start = true
Requirements = START
LoadAvg = 0.25
`;

/** One worker at a time, restarted after a timeout or death, with a per-input time limit. */
class Sandbox {
  #worker: Worker | undefined;

  async #ready(): Promise<Worker> {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        submitUrl: pathToFileURL(path.join(root, 'packages/shared/dist/submit/index.js')).href,
        classadUrl: pathToFileURL(path.join(root, 'packages/shared/dist/classad/index.js')).href,
        jobAd: JOB_AD_TEXT,
        machineAd: MACHINE_AD_TEXT,
      },
      // A runaway input exhausts the worker's heap, not the test's. (A smaller stack than the default
      // 4 MB lets V8's native RegExp compiler overflow it and abort the whole process.)
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    this.#worker = worker;
    return worker;
  }

  async run(kind: SandboxKind, text: string, limitMs: number): Promise<SandboxReply> {
    const worker = await this.#ready();
    const started = performance.now();
    return new Promise((resolve) => {
      const finish = (reply: SandboxReply, restart: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          this.#worker = undefined;
          void worker.terminate();
        }
        resolve(reply);
      };
      const onMessage = (reply: SandboxReply) => finish(reply, false);
      const onError = (err: Error) => finish({ outcome: 'died', message: `${err.name}: ${err.message}`, ms: performance.now() - started }, true);
      const onExit = (code: number) => finish({ outcome: 'died', message: `worker exited with ${code}`, ms: performance.now() - started }, true);
      const timer = setTimeout(() => finish({ outcome: 'timeout', message: `no answer within ${limitMs} ms`, ms: limitMs }, true), limitMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ kind, text });
    });
  }

  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }
}

/** A hang detector (runaway backtracking, unbounded expansion), not a speed check: generous for a loaded machine. */
const INPUT_LIMIT_MS = 10_000;

interface Tally {
  accepted: number;
  rejected: number;
  slowestMs: number;
  failures: string[];
}

/**
 * Runs inputs through the sandbox; anything but accepted or rejected-with-the-right-error is a failure,
 * including no answer within INPUT_LIMIT_MS.
 */
async function fuzzInProcess(
  sandbox: Sandbox,
  kind: SandboxKind,
  inputs: Iterable<string>,
  wellRejected: (message: string, input: string) => boolean,
): Promise<Tally> {
  const tally: Tally = { accepted: 0, rejected: 0, slowestMs: 0, failures: [] };
  for (const input of inputs) {
    const reply = await sandbox.run(kind, input, INPUT_LIMIT_MS);
    if (reply.outcome === 'accepted') tally.accepted++;
    else if (reply.outcome === 'rejected' && wellRejected(reply.message, input)) tally.rejected++;
    else {
      const what = reply.outcome === 'rejected' ? `rejected with a badly formed message ${show(reply.message, 200)}` : reply.outcome === 'crashed' ? `threw ${reply.name}: ${show(reply.message, 300)}\n${reply.stack.split('\n').slice(1).join('\n')}` : `${reply.outcome}: ${reply.message}`;
      tally.failures.push(`[seed ${SEED}] ${kind} input ${show(input)}\n  ${what}`);
      continue;
    }
    tally.slowestMs = Math.max(tally.slowestMs, reply.ms);
  }
  return tally;
}

function reportTally(t: Test, kind: string, total: number, tally: Tally): void {
  t.comment(`${kind}: ${total} inputs, ${tally.accepted} accepted, ${tally.rejected} rejected, ${tally.failures.length} failed; slowest good answer ${tally.slowestMs.toFixed(0)} ms`);
  t.same(tally.failures.slice(0, 5), [], `${kind}: every input is accepted or refused with the parser's own error (${tally.failures.length} failures)`);
}

// ---- the submit language --------------------------------------------------------------------------

/** Valid submit files: the seeds' examples plus queue forms, macros, quoting and line syntax. */
const SUBMIT_CORPUS = [
  seedSubmit('exit-driven-example.submit'),
  // The manual's, indented as in its page: leading whitespace is not part of a command.
  seedSubmit('example.submit').replace(/^(?=.)/gm, '    '),
  seedSubmit('77-ckpt.submit'),
  `executable = my_software
transfer_input_files = my_input.txt
transfer_checkpoint_files = my_output.txt, temp_dir, temp_file.txt
request_cpus = 1
request_memory = 1GB
request_disk = 1GB
checkpoint_exit_code = 85
queue
`,
  `name = second
dir = $(name)_out
executable = $(dir)/run.sh
arguments = $(Cluster) $(ClusterId) $(Process) $(ProcId) $(JobId) $(Step) $(ItemIndex) $(Row) $(Item:none) $(missing:dflt) $ENV(HOME) $(DOLLAR)(x) $$(Memory) $(SUBMIT_FILE)
output = out.$(Cluster).$(Process)
list = a
list = $(list) b
queue 2
`,
  `executable = a
arguments = $(Item) $(Step) $(ItemIndex) $(Process)
queue 3 in (A, B)
arguments = $(animal)
queue animal in [1:] (
  cat
  dog, fish
)
queue in x y
`,
  `executable = a
arguments = $(file) $(args)
input = $(file)
queue file, args from items.txt
arguments = $(x)-$(y)
queue 2 x y from [::2] (
  1 2
  3 4
  5 6
)
`,
  `executable = a
arguments = $(Item)
queue matching *.dat
arguments = $(d)
queue d matching dirs *
arguments = $(f)
queue 2 f matching files [1:2] *
`,
  `executable = a
arguments = "one 'two three' ""quoted"" four"
environment = "A=1 B='x y' C=""q"""
queue
arguments = old style\\ args
environment = A=1;B=2
getenv = HOME, X
queue
`,
  '# comment\r\n\r\nEXECUTABLE = a\r\nArguments = one \\\r\n  two\r\nNotes @=end\r\nline 1\r\nline 2\r\n@end\r\n+Notes = "$(notes)"\r\nQUEUE\r\n',
  `universe = vanilla
executable = /bin/sleep
arguments = 60
requirements = (OpSys == "LINUX") && (Memory >= 100) && TARGET.Cpus > 0
rank = Memory * 2 + Cpus
+ProjectName = "fuzz"
MY.Label = strcat("run-", "$(Process)")
priority = 5
hold = false
max_retries = 3
retry_until = ExitCode == 0
notification = never
kill_sig = SIGTERM
transfer_output_remaps = "a.out = b.out; c = d/c"
request_memory = 512M
N = 2
queue $(N)
`,
  `executable = a
log = first.log
queue
executable = b
output = $(Cluster)-$(Process).out
queue 0
queue 2
`,
];

const SUBMIT_FRAGMENTS = [
  'queue', 'queue 3', 'queue 0', 'queue in', 'queue x in (a, b)', 'queue from (', 'queue x from items.txt', 'queue matching *', ')', '(',
  '=', '==', '@=end', '@end', '"', "'", '""', "''", '\\', '\\\n', '\n', '\r\n', ' ', '\t', ',', ';', '#', '+', 'MY.', '$', '$$', '$(',
  '$(x)', '$$(y)', '$(DOLLAR)', '$ENV(HOME)', '$ENV(', '$(Item)', '$(Process)', '$(Cluster)', '$(a:$(b))', '$(list)', '$(name:)',
  '$RANDOM_CHOICE(a,b)', '$INT(Process)', '$F(Item)', '$Fpdnxq(Item)', '[1:2]', '[::-1]', '[', ']', 'executable', 'arguments',
  'environment', 'env', 'getenv', 'request_memory', 'request_disk', 'request_cpus', 'universe', 'hold', 'priority', 'kill_sig',
  'max_retries', 'retry_until', 'transfer_output_remaps', 'transfer_input_files', 'notification', 'requirements', 'rank',
  'initialdir', 'log_xml', 'x = $(x)', 'GB', 'KB', 'TB', '12', '-1', '99', '1e9', '9999999999999999999', 'true', 'x y', 'in',
  'from', 'matching', 'files', 'dirs', 'include : x', 'if true', 'endif', 'else',
];

/** `fuzz.sub:<line>: <problem>`, the line being one of the file's (or the one after its end). */
function locatedInFile(message: string, input: string): boolean {
  const line = Number(/^fuzz\.sub:(\d+): \S/.exec(message)?.[1] ?? 0);
  return line >= 1 && line <= input.split(/\r\n|\r|\n/).length + 1;
}
const anyMessage = (message: string) => message.trim() !== '';

t.test('submit language: mutated and random submit files give job ads or a located SubmitError', async (t) => {
  const rng = new Rng(SEED);
  const sandbox = new Sandbox();
  t.teardown(() => sandbox.close());

  const corpus = await fuzzInProcess(sandbox, 'submit', SUBMIT_CORPUS, () => false);
  t.equal(corpus.accepted, SUBMIT_CORPUS.length, 'every corpus file is valid to begin with');
  t.same(corpus.failures, [], 'corpus: no failures');

  const inputs: string[] = [];
  for (let n = 0; n < 4000; n++) {
    if (n % 10 === 9) {
      // Random soup of fragments, joined like lines and assignments.
      inputs.push(Array.from({ length: 1 + rng.int(40) }, () => rng.pick(SUBMIT_FRAGMENTS)).join(rng.pick(['', ' ', '\n', ' = '])));
    } else {
      let text = rng.pick(SUBMIT_CORPUS);
      // Stacked mutations drift further from valid input.
      for (let rounds = 1 + rng.int(3); rounds > 0; rounds--) text = mutateText(rng, text, SUBMIT_FRAGMENTS);
      inputs.push(text);
    }
  }
  const started = Date.now();
  const tally = await fuzzInProcess(sandbox, 'submit', inputs, locatedInFile);
  reportTally(t, 'submit files', inputs.length, tally);
  t.ok(tally.accepted > 200 && tally.rejected > 200, 'the mix reaches both outcomes');
  t.comment(`submit fuzz took ${Date.now() - started} ms`);
});

// ---- ClassAd expressions --------------------------------------------------------------------------

const EXPR_CORPUS = [
  'true', 'false', 'undefined', 'error', '42', '-7', '3.25', '1e10', '.5', '0x1F', '017', '"a string"', '"esc \\" \\\\ \\n \\t \\u00e9"',
  "'quoted attr'", 'Memory > 1024 && Cpus >= 1', 'TARGET.Memory >= MY.RequestMemory', '(OpSys == "LINUX") || (Arch =?= "X86_64")',
  'Memory =!= undefined ? Memory : 0', 'ifThenElse(Cpus > 2, "big", "small")', 'strcat("a", Args, 1, 2.5)', 'size("abc") + size(Tags)',
  'member(1, Tags)', 'Tags[3].x', 'Nested.inner * 2', 'Nested.list[1]', '{ 1, "two", { 3 }, [ a = 1 ] }', '[ a = 1; b = a + 1; c = [ d = b ] ].c.d',
  'Chain', 'regexp("^a.*", "abc")', 'substr("hello", 1, 3)', 'int(3.7) + real(2) + string(5)', 'floor(-1.5) - ceiling(1.5) + round(2.5)',
  'toUpper("x") == "X"', 'stringListMember("b", "a,b,c")', 'time() > 0', 'isUndefined(Missing) && isError(1/0)', '10 % 3 << 2 >> 1 >>> 1',
  '~5 & 3 | 4 ^ 1', '!true || -(-1) == +1', 'a.b.c.d', 'parent.x', 'MY.Rank', 'TARGET.Name', '1 is 1 && 2 isnt 3',
  'unparse(Rank)', 'eval("1+1")', 'debug(1)', 'splitUserName("a@b")', 'sum({1,2,3}) / avg({1,2})', 'pow(2, 10)', 'quantize(7, 5)',
  'join(",", {"a","b"})', 'random(10) >= 0', 'formatTime(0, "%Y")', 'interval(3600)', 'absTime("2020-01-01T00:00:00Z")',
];

const EXPR_FRAGMENTS = [
  '(', ')', '[', ']', '{', '}', '.', ',', ';', '=', '==', '=?=', '=!=', '!=', '<', '<=', '>=', '>', '&&', '||', '!', '?', ':', '+', '-', '*',
  '/', '%', '<<', '>>', '>>>', '&', '|', '^', '~', '"', "'", '\\', '\\u', '\\x', '0x', '1e', '1e999', '9'.repeat(30), '-2147483648', '.',
  'MY.', 'TARGET.', 'parent.', 'true', 'undefined', 'error', 'is', 'isnt', 'strcat(', 'ifThenElse(', 'regexp("(", ', 'size(', 'substr(',
  'eval(', 'unparse(', 'member(', 'Chain', 'Tags', 'Nested', 'Memory', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf',
  'prototype', '/*', '*/', '//', '\n', ' ',
];

t.test('ClassAd expressions: parse to a tree that evaluates to a Value, or ClassAdParseError', async (t) => {
  const rng = new Rng(SEED + 1);
  const sandbox = new Sandbox();
  t.teardown(() => sandbox.close());

  const corpus = await fuzzInProcess(sandbox, 'expr', EXPR_CORPUS, () => false);
  t.same(corpus.failures, [], 'every corpus expression parses and evaluates');

  const inputs: string[] = [];
  for (let n = 0; n < 4000; n++) {
    if (n % 5 === 4) inputs.push(Array.from({ length: 1 + rng.int(30) }, () => rng.pick(rng.chance(0.3) ? EXPR_CORPUS : EXPR_FRAGMENTS)).join(rng.pick(['', ' '])));
    else inputs.push(mutateText(rng, rng.pick(EXPR_CORPUS), EXPR_FRAGMENTS));
  }
  const tally = await fuzzInProcess(sandbox, 'expr', inputs, anyMessage);
  reportTally(t, 'expressions', inputs.length, tally);

  const adInputs: string[] = [];
  for (let n = 0; n < 600; n++) adInputs.push(mutateText(rng, rng.pick([JOB_AD_TEXT, MACHINE_AD_TEXT]), [...EXPR_FRAGMENTS, ' = ', 'X = ', '#']));
  const ads = await fuzzInProcess(sandbox, 'adtext', adInputs, anyMessage);
  reportTally(t, 'ClassAd texts', adInputs.length, ads);
});

// Inputs that once crashed, hung or misparsed: each must now get its proper answer.
t.test('regressions found by fuzzing, in process', async (t) => {
  const sandbox = new Sandbox();
  t.teardown(() => sandbox.close());
  const cases: [SandboxKind, string, 'accepted' | 'rejected'][] = [
    ['submit', `executable = a\n${'x'.repeat(50_000)} = 1\nqueue\n`, 'accepted'],
    ['submit', `executable = a\nqueue matching ${'ab'.repeat(30_000)}\n`, 'accepted'],
    ['submit', `executable = a\noutput = ${'$('.repeat(20_000)}x${')'.repeat(20_000)}\nqueue\n`, 'rejected'],
    ['submit', 'executable = a\nqueue 100000000\n', 'rejected'],
    ['expr', '1 constructor 2', 'rejected'],
    ['expr', 'Memory __proto__ 2', 'rejected'],
  ];
  for (const [kind, input, expected] of cases) {
    const reply = await sandbox.run(kind, input, INPUT_LIMIT_MS);
    const detail = reply.outcome === 'accepted' ? reply.detail : reply.message.slice(0, 160);
    t.equal(reply.outcome, expected, `${kind} ${show(input, 80)} -> ${reply.outcome} after ${reply.ms.toFixed(0)} ms: ${detail}`);
  }
});

// ---- REST ------------------------------------------------------------------------------------------

const REQUEST_LIMIT_MS = 5000;

interface Reply {
  status: number;
  text: string;
  error?: string;
}

async function send(pool: TestPool, method: string, route: string, body?: string | Buffer, opts: { contentType?: string | null; token?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? pool.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const contentType = opts.contentType === undefined ? (body === undefined ? null : 'application/json') : opts.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const response = await fetch(`${pool.url}${route}`, { method, headers, body: Buffer.isBuffer(body) ? new Uint8Array(body) : body, signal: AbortSignal.timeout(REQUEST_LIMIT_MS) });
  const text = await response.text();
  let error: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') error = parsed.error;
  } catch {
    error = undefined;
  }
  return { status: response.status, text, error };
}

/** Raw JSON text with a key JSON.stringify cannot write (`__proto__`), injected into the first object. */
function injectKey(json: string, key: string, valueJson: string): string {
  const at = json.indexOf('{');
  if (at < 0) return json;
  const rest = json.slice(at + 1);
  return `${json.slice(0, at + 1)}${JSON.stringify(key)}:${valueJson}${rest.startsWith('}') ? '' : ','}${rest}`;
}

const EVIL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'a b', 'x\ny = 1', '$(x)', 'Ünïcode', 'ClusterId', 'procs', 'action', 'JobStatus'];

function randomJson(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 8 : 11)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 2, 5, 1.5, 2 ** 53, -(2 ** 63), 1e308, 999_999_999, 1_000_000_000]);
    case 3:
      return rng.pick(['', '1', '0', '1.0', 'true', '"str"', 'x', '(', '1 +', 'undefined', 'remove', '1.0', '9999999999.0', ...EVIL_KEYS]);
    case 4:
      return rng.pick(NASTY_CHARS).repeat(1 + rng.int(50));
    case 5:
      return 'x'.repeat(rng.pick([200, 201, 4001, 100_001, 1_000_001]));
    case 6:
      return mutateText(rng, rng.pick(EXPR_CORPUS), EXPR_FRAGMENTS);
    case 7:
      return '1';
    case 8:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(EVIL_KEYS), randomJson(rng, depth + 1)]));
  }
}

/** Deep nesting as raw JSON, optionally with a key that makes the body parser scan the tree. */
function deepJson(rng: Rng): string {
  const depth = rng.pick([1000, 10_000, 100_000]);
  const inner = rng.chance(0.5) ? '{"__proto__":{"x":1}}' : '{"constructor":{"prototype":{"x":1}}}';
  return rng.chance(0.5) ? `{"procs":${'['.repeat(depth)}${inner}${']'.repeat(depth)}}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', 'application/jsonx', null];

/** A body that is usually not JSON at all, or JSON with the wrong content type. */
function oddBody(rng: Rng, json: string): { body?: string | Buffer; contentType?: string | null } {
  switch (rng.int(7)) {
    case 0:
      return { body: json, contentType: rng.pick(CONTENT_TYPES) };
    case 1:
      return { body: '', contentType: 'application/json' };
    case 2:
      return { body: undefined, contentType: 'application/json' };
    case 3:
      return { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d]) };
    case 4:
      return { body: Buffer.concat([Buffer.from(json.slice(0, json.length >> 1)), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf]), Buffer.from(json.slice(json.length >> 1))]) };
    case 5:
      return { body: rng.pick(['not json', 'null', 'true', '1', '"x"', '[]', '{', '}{', '{"procs":[]}garbage', '\u0000', 'procs=1']) };
    default:
      return { body: corruptUtf8(rng, json) };
  }
}

/** Body for /v1/clusters/{id}/procs: a valid submission mutated as a value, as text, or replaced. */
function procsBody(rng: Rng, base: Record<string, string>): { body?: string | Buffer; contentType?: string | null } {
  const procs: Record<string, unknown>[] = [{ ...base }];
  if (rng.chance(0.15)) procs.push({ ...base, ProcId: rng.pick(['1', '0', '2', '-1']) });
  const ad = procs[0]!;
  for (let edits = rng.int(4); edits > 0; edits--) {
    const name = rng.pick([...Object.keys(base), 'Requirements', 'Rank', 'Args', rng.pick(EVIL_KEYS)]);
    switch (rng.int(6)) {
      case 0:
        delete ad[name];
        break;
      case 1:
        ad[name] = randomJson(rng);
        break;
      case 2:
        ad[name] = mutateText(rng, String(ad[name] ?? '1'), EXPR_FRAGMENTS);
        break;
      case 3:
        ad[name] = rng.pick(EXPR_CORPUS);
        break;
      default:
        ad[name] = rng.pick(['"held"', '5', '1', '2', '4', '(1)', '1.0', 'undefined', '"/bin/sh"', '"' + 'y'.repeat(1000) + '"']);
    }
  }
  const top: Record<string, unknown> = { procs };
  if (rng.chance(0.1)) top.procs = randomJson(rng);
  if (rng.chance(0.1)) top[rng.pick(EVIL_KEYS)] = randomJson(rng);
  let json = JSON.stringify(top);
  if (rng.chance(0.1)) json = injectKey(json, rng.pick(['__proto__', 'constructor']), rng.pick(['{"polluted":"1"}', '{"prototype":{"polluted":"1"}}', '1', 'null']));
  const kind = rng.int(10);
  if (kind < 5) return { body: json };
  if (kind < 8) return { body: mutateText(rng, json, ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u0000', 'null', '1e999', '"__proto__":{}', '"procs":']) };
  if (kind < 9) return { body: deepJson(rng) };
  return oddBody(rng, json);
}

/** Ids that never name the jobs this test submits for real. */
const FOREIGN_IDS = ['900001', '900001.0', '900002.7', '999999999', '999999999.999999999', '0', '0.0', '00', '1234567890', '1.', '.1', '-1', '1e3', 'x', '', ' 900003', '9'.repeat(20)];

function actionsBody(rng: Rng): { body?: string | Buffer; contentType?: string | null } {
  const body: Record<string, unknown> = { action: rng.pick(['remove', 'hold', 'release', 'vacate']) };
  if (rng.chance(0.6)) body.ids = Array.from({ length: rng.int(4) }, () => rng.pick(FOREIGN_IDS));
  if (rng.chance(0.4)) body.constraint = `ClusterId >= 900000 && (${mutateText(rng, rng.pick(EXPR_CORPUS), EXPR_FRAGMENTS)})`;
  if (rng.chance(0.2)) body.reason = rng.chance(0.5) ? 'fuzz' : randomJson(rng);
  if (rng.chance(0.2)) body.user = rng.chance(0.5) ? 'fuzz' : randomJson(rng);
  for (let edits = rng.chance(0.5) ? 0 : 1 + rng.int(2); edits > 0; edits--) body[rng.pick(['action', 'ids', 'constraint', 'all', 'reason', 'user', ...EVIL_KEYS])] = randomJson(rng);
  // `all` selects every job; keep it false so the queue stays predictable.
  if ('all' in body) body.all = false;
  const json = JSON.stringify(body);
  const kind = rng.int(10);
  if (kind < 6) return { body: json };
  if (kind < 8) return { body: mutateText(rng, json, ['{', '}', '[', ']', '"', ':', ',', '\\', 'null', '"__proto__":{}']) };
  if (kind < 9) return { body: deepJson(rng) };
  return oddBody(rng, json);
}

/** Percent-encodes UTF-8 (lone surrogates become U+FFFD), sometimes adding an invalid or truncated escape. */
function urlEncode(rng: Rng, text: string): string {
  const encoded = [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`)).join('');
  if (!rng.chance(0.1)) return encoded;
  const at = rng.int(encoded.length + 1);
  return encoded.slice(0, at) + rng.pick(['%ff', '%c0%af', '%ed%a0%80', '%', '%zz', '%00', '%2f', '/']) + encoded.slice(at);
}

function randomPathSegment(rng: Rng): string {
  if (rng.chance(0.7)) return urlEncode(rng, rng.pick(FOREIGN_IDS));
  return urlEncode(rng, mutateText(rng, rng.pick(['900001.0', 'abc', '%', '..']), ['%', '/', '.', '..', '\0', '?', '#', 'é']));
}

/**
 * Whether an action request could select the real job (cluster 1): a valid action on it would free its
 * slot and let fuzz jobs run, so such requests are drawn again rather than sent. Errs on the side of yes.
 */
function couldSelectRealJob(route: string, body: string | Buffer | undefined, realJob: ClassAd): boolean {
  // What the schema's coercion could turn into a string: scalars, and a one-element array of one.
  const scalarText = (value: unknown): string => {
    const scalar: unknown = Array.isArray(value) ? value[0] : value;
    return typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean' ? String(scalar) : '';
  };
  const namesClusterOne = (id: unknown): boolean => {
    const text = scalarText(id).trim();
    return parseJobSpec(text)?.cluster === 1 || Number(text) === 1 || /^0*1(\.0*)?$/.test(text);
  };
  const decoded = (segment: string): string => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  if (route.split('/').map(decoded).some(namesClusterOne)) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(body));
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const { ids, all, constraint } = parsed as { ids?: unknown; all?: unknown; constraint?: unknown };
  if ([ids].flat().some((id) => id !== undefined && namesClusterOne(id))) return true;
  if ([all].flat().some((flag) => flag !== undefined && flag !== false && flag !== 'false' && flag !== 0 && flag !== '0' && flag !== null)) return true;
  if (constraint === undefined) return false;
  try {
    return isTrue(realJob.evaluateExpr(scalarText(constraint)));
  } catch {
    return true;
  }
}

/** Job ids named in the `results` of a successful action reply. */
function touchedJobs(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as { results?: { jobId?: unknown; ok?: unknown }[] };
    return (parsed.results ?? []).filter((r) => r.ok === true).map((r) => String(r.jobId));
  } catch {
    return [];
  }
}

/** A submitted ad as the schedd's schema coerces it (`coerceTypes: 'array'`): scalars to strings, [x] to x. */
function asStoredAd(proc: Record<string, unknown>): Record<string, string> {
  const coerce = (value: unknown): string => (Array.isArray(value) ? coerce(value[0]) : value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  return Object.fromEntries(Object.entries(proc).map(([name, value]) => [name, coerce(value)]));
}

async function queueLines(pool: TestPool): Promise<string[]> {
  const q = await pool.run('condor_q', ['-allusers', '-af', 'ClusterId', 'ProcId', 'JobStatus']);
  return q.stdout.split('\n').filter((line) => line !== '').sort();
}


t.test('REST: random and mutated requests get a 4xx with {error} (or a 2xx when valid), never a 5xx or a hang', async (t) => {
  const rng = new Rng(SEED + 2);
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(`${pool.dir}/sleep.sh`, '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(`${pool.dir}/job.sub`, 'executable = sleep.sh\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0, 'the real job is submitted');
  await eventually('job 1.0 to run', async () => ((await queueLines(pool)).join() === '1 0 2' ? true : undefined));

  const failures: string[] = [];
  const statuses = new Map<number, number>();
  const accepted = new Map<number, string[]>();
  const touched = new Set<string>();
  let requests = 0;
  const check = async (label: string, method: string, route: string, payload: { body?: string | Buffer; contentType?: string | null; token?: string | null }) => {
    requests++;
    let reply: Reply;
    try {
      reply = await send(pool, method, route, payload.body, payload);
    } catch (err) {
      failures.push(`[seed ${SEED}] ${label}: ${method} ${route.slice(0, 200)} body ${show(payload.body ?? '')} content-type ${String(payload.contentType)}\n  no reply: ${(err as Error).message}`);
      return undefined;
    }
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    const wellFormed = (reply.status >= 200 && reply.status < 300) || (reply.status >= 400 && reply.status < 500 && reply.error !== undefined && reply.error !== '');
    if (!wellFormed) {
      failures.push(`[seed ${SEED}] ${label}: ${method} ${route.slice(0, 200)} body ${show(payload.body ?? '')} content-type ${String(payload.contentType)}\n  -> ${reply.status} ${show(reply.text, 300)}`);
    }
    return reply;
  };

  const base = (clusterId: number): Record<string, string> => ({
    ClusterId: String(clusterId), ProcId: '0', JobStatus: '1', Cmd: '"/bin/true"', Iwd: JSON.stringify(pool.dir), Owner: '"fuzz"', Requirements: 'false',
  });
  let cluster = Number(JSON.parse((await send(pool, 'POST', '/v1/clusters')).text).clusterId);
  for (let n = 0; n < 220; n++) {
    const id = rng.chance(0.85) ? String(cluster) : randomPathSegment(rng);
    const payload = procsBody(rng, base(cluster));
    const reply = await check('procs', 'POST', `/v1/clusters/${id}/procs`, payload);
    if (reply?.status === 201) {
      // A valid submission: remember what condor_q must show, then use a fresh cluster.
      const procs = (JSON.parse(String(payload.body)) as { procs: Record<string, unknown>[] }).procs.map(asStoredAd);
      accepted.set(cluster, procs.map((p) => `${cluster} ${ClassAd.fromJSON(p).getInt('ProcId')} ${ClassAd.fromJSON(p).getInt('JobStatus')}`));
      cluster = Number(JSON.parse((await send(pool, 'POST', '/v1/clusters')).text).clusterId);
    }
  }
  const realJob = ClassAd.fromJSON((JSON.parse((await send(pool, 'GET', '/v1/jobs/1.0')).text) as { ad: Record<string, string> }).ad);
  const draw = <T extends { body?: string | Buffer }>(route: () => string, make: () => T): [string, T] => {
    for (;;) {
      const [path, payload] = [route(), make()];
      if (!couldSelectRealJob(path, payload.body, realJob)) return [path, payload];
    }
  };
  for (let n = 0; n < 150; n++) {
    const [, payload] = draw(() => '/v1/actions', () => actionsBody(rng));
    const reply = await check('actions', 'POST', '/v1/actions', payload);
    if (reply?.status === 200) for (const job of touchedJobs(reply.text)) touched.add(job);
  }
  for (let n = 0; n < 100; n++) {
    const action = rng.pick(['remove', 'hold', 'release', 'vacate', 'explode', 'REMOVE', '__proto__', 'constructor', 'toString', '']);
    const makeBody = () => {
      const reason = rng.chance(0.5) ? { reason: rng.chance(0.5) ? 'fuzz' : randomJson(rng) } : {};
      const user = rng.chance(0.5) ? { user: rng.chance(0.5) ? 'fuzz' : randomJson(rng) } : {};
      const body = rng.chance(0.7) ? JSON.stringify({ ...reason, ...user, ...(rng.chance(0.3) ? { [rng.pick(EVIL_KEYS)]: 1 } : {}) }) : mutateText(rng, '{"reason":"r","user":"u"}', ['{', '}', '"', ':', 'null', '"__proto__":{}']);
      return rng.chance(0.85) ? { body } : oddBody(rng, body);
    };
    const [route, payload] = draw(() => `/v1/${rng.chance(0.8) ? 'jobs' : 'clusters'}/${randomPathSegment(rng)}/${action}`, makeBody);
    const reply = await check('job action', 'POST', route, payload);
    if (reply?.status === 200) for (const job of touchedJobs(reply.text)) touched.add(job);
  }
  for (let n = 0; n < 120; n++) {
    const constraint = n % 4 === 3 ? Array.from({ length: 1 + rng.int(12) }, () => rng.pick(EXPR_FRAGMENTS)).join(' ') : mutateText(rng, rng.pick(EXPR_CORPUS), EXPR_FRAGMENTS);
    const encoded = urlEncode(rng, constraint).slice(0, 6000);
    const extra = rng.pick(['', '', '', '&constraint=true', '&limit=0', '&limit=abc', '&limit=5', '&__proto__=1', '&constructor=x', '&x=1', '&constraint']);
    await check('constraint', 'GET', `${rng.pick(['/v1/jobs', '/v1/jobs', '/v1/history'])}?constraint=${encoded}${extra}`, {});
  }
  for (let n = 0; n < 30; n++) {
    const token = rng.pick([null, '', 'wrong', `${pool.token}x`, pool.token.slice(1), ' ', '\u00e9']);
    const route = rng.pick(['/v1/jobs', '/v1/actions', `/v1/clusters/${cluster}/procs`, '/v1/status', '/v1/startd']);
    const reply = await check('token', route === '/v1/jobs' || route === '/v1/status' ? 'GET' : 'POST', route, { body: route.startsWith('/v1/jobs') || route === '/v1/status' || route === '/v1/startd' ? undefined : '{}', token: token === '\u00e9' ? 'abc' : token });
    if (reply && reply.status !== 401) failures.push(`[seed ${SEED}] token ${show(String(token))} on ${route} -> ${reply.status}, expected 401`);
  }

  t.comment(`REST: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ${accepted.size} valid submissions, jobs touched by valid actions: ${[...touched].join(' ') || 'none'}`);
  t.same(failures.slice(0, 8), [], `every reply is a 2xx or a 4xx with {error: string} (${failures.length} failures)`);
  t.equal(pool.process.exitCode, null, 'the schedd is still running');

  t.notOk(touched.has('1.0'), 'no valid fuzz action reached the real job');
  const untouched = (line: string) => !touched.has(line.split(' ').slice(0, 2).join('.'));
  const expected = ['1 0 2', ...[...accepted.values()].flat()].filter(untouched).sort();
  t.same((await queueLines(pool)).filter(untouched), expected, 'the queue holds exactly the real job and the valid fuzz submissions');

  // Healthy afterwards: the fuzz clusters can be removed and a normal submission still works.
  if (accepted.size > 0) {
    const removed = await send(pool, 'POST', '/v1/actions', JSON.stringify({ action: 'remove', ids: [...accepted.keys()].map(String) }));
    t.equal(removed.status, 200, 'the valid fuzz clusters can be removed');
  }
  await eventually('the fuzz jobs to leave the queue', async () => ((await queueLines(pool)).join() === '1 0 2' ? true : undefined), 10_000);
  const resubmitted = await pool.run('condor_submit', ['-terse', 'job.sub']);
  t.equal(resubmitted.code, 0, `condor_submit still works: ${resubmitted.stderr}`);
  const newCluster = resubmitted.stdout.split('.')[0];
  t.same(await queueLines(pool), ['1 0 2', `${newCluster} 0 1`].sort(), 'and its job waits behind the real one');
});

// ---- the startd channel ------------------------------------------------------------------------------

type Closed = { code: number; reason: string };

interface Channel {
  socket: WebSocket;
  closed: Promise<Closed>;
  welcomed: Promise<unknown>;
}

function connect(pool: TestPool, token: string | null): Promise<Channel | { status: number }> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const socket = new WebSocket(`${pool.url.replace(/^http/, 'ws')}/v1/startd`, { headers, maxPayload: 2 * MAX_MESSAGE_BYTES });
  const closed = new Promise<Closed>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
  const welcomed = new Promise<unknown>((resolve) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type?: string };
      if (message.type === 'welcome') resolve(message);
    });
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, closed, welcomed }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

/** What the schedd must do with one message: close the channel with this reason, or keep it open. */
function verdict(raw: string, helloDone: boolean): { close: string } | { close?: undefined; hello: boolean } {
  try {
    const message = decodeStartdMessage(raw);
    if (message.type === 'hello') return helloDone ? { close: 'hello sent twice' } : { hello: true };
    return helloDone ? { hello: false } : { close: `'${message.type}' before hello` };
  } catch (err) {
    return { close: closeReason((err as Error).message) };
  }
}

function hello(n: number): Record<string, unknown> {
  return {
    type: 'hello',
    startdName: `fuzzd${n}`,
    machine: 'fuzz.example',
    opSys: 'LINUX',
    arch: 'X86_64',
    slots: [{ name: `slot1_${n}`, cpus: 1, memoryMb: 1, diskKb: 1 }],
    runs: n % 3 === 0 ? [{ jobId: '1.0', runId: '0000000000000000000001', slotName: `slot1_${n}` }] : [],
  };
}

/** Valid-shaped reports, several about job 1.0 which runs on the real startd and must not be affected. */
const REPORTS: Record<string, unknown>[] = [
  { type: 'executing', jobId: '1.0', runId: '0000000000000000000001', seq: 1 },
  { type: 'exited', jobId: '1.0', runId: '0000000000000000000001', seq: 2, exit: { bySignal: false, exitCode: 0 }, usage: { userSeconds: 0, systemSeconds: 0 }, bytesSent: 0, bytesReceived: 0, outputSent: false },
  { type: 'exited', jobId: '900001.0', runId: '0000000000000000000002', seq: 3, exit: { bySignal: true, signal: 9 }, usage: { userSeconds: 1.5, systemSeconds: 0 }, bytesSent: 10, bytesReceived: 0, outputSent: true },
  { type: 'run-failed', jobId: '1.0', runId: '0000000000000000000001', seq: 4, stage: 'input', reason: 'fuzz', subCode: 2 },
  { type: 'run-ended', jobId: '1.0', runId: '0000000000000000000002', seq: 5, usage: { userSeconds: 0, systemSeconds: 0 } },
  { type: 'checkpoint-restarted', jobId: '1.0', runId: '0000000000000000000001', seq: 6, checkpoint: 0, exitedAt: 1, restartedAt: 2 },
  { type: 'ssh-output', sessionId: 'abc-123', stream: 'stdout', data: 'aGVsbG8=' },
  { type: 'ssh-exit', sessionId: 'abc-123', exitCode: null, signal: 9, error: 'gone' },
];

const MESSAGE_FRAGMENTS = ['{', '}', '[', ']', '"', ':', ',', '\\', 'null', '1e999', '-1', '0', '"type"', '"hello"', '"__proto__":{}', '"constructor":{"prototype":{}}', 'é', '😀'];

/** A message derived from a valid one: a field replaced, removed or added, or its text mutated. */
function mutateMessage(rng: Rng, message: Record<string, unknown>): string {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(message)) as Record<string, unknown>;
  const keys = Object.keys(copy);
  switch (rng.int(6)) {
    case 0:
      copy[rng.pick(keys)] = randomJson(rng);
      break;
    case 1:
      delete copy[rng.pick(keys)];
      break;
    case 2:
      copy[rng.pick(EVIL_KEYS)] = randomJson(rng);
      break;
    case 3:
      copy.type = rng.pick(['hello', 'executing', 'exited', 'welcome', 'start', 'kill', 'HELLO', '', 'toString', '__proto__']);
      break;
    case 4:
      return mutateText(rng, JSON.stringify(copy), MESSAGE_FRAGMENTS);
    default:
      return injectKey(JSON.stringify(copy), rng.pick(['__proto__', 'constructor']), rng.pick(['{"type":"hello"}', '{"prototype":{"x":1}}', '"x"']));
  }
  return JSON.stringify(copy);
}


t.test('startd channel: bad messages close that channel with 1008, the schedd and its jobs carry on', async (t) => {
  const rng = new Rng(SEED + 3);
  const pool = await startPool(t, { startds: 1 });
  writeExecutable(`${pool.dir}/sleep.sh`, '#!/bin/bash\nexec sleep 300\n');
  fs.writeFileSync(`${pool.dir}/job.sub`, 'executable = sleep.sh\nqueue\n');
  t.equal((await pool.run('condor_submit', ['job.sub'])).code, 0, 'the real job is submitted');
  await eventually('job 1.0 to run', async () => ((await queueLines(pool)).join() === '1 0 2' ? true : undefined));

  for (const token of [null, 'wrong', '']) {
    const refused = await connect(pool, token);
    t.same('status' in refused ? refused.status : 'open', 401, `a websocket with token ${JSON.stringify(token)} gets 401`);
  }

  const failures: string[] = [];
  let sent = 0;
  let validHellos = 0;
  for (let n = 0; n < 80; n++) {
    const channel = await connect(pool, pool.token);
    if ('status' in channel) {
      failures.push(`[seed ${SEED}] connection ${n} refused with ${channel.status}`);
      continue;
    }
    const script: string[] = [];
    if (rng.chance(0.15)) script.push(JSON.stringify(rng.pick(REPORTS)));
    script.push(rng.chance(0.6) ? JSON.stringify(hello(n)) : mutateMessage(rng, hello(n)));
    for (let k = rng.int(6); k > 0; k--) script.push(rng.chance(0.6) ? JSON.stringify(rng.pick(REPORTS)) : mutateMessage(rng, rng.pick([...REPORTS, hello(n)])));
    // A sentinel: if everything before it was fine, this closes the channel with a known reason.
    script.push(JSON.stringify({ type: `sentinel-${n}` }));

    let helloDone = false;
    let expectedClose = '';
    for (const [index, message] of script.entries()) {
      const expected = verdict(message, helloDone);
      const raw = message;
      channel.socket.send(raw);
      sent++;
      if (expected.close !== undefined) {
        expectedClose = expected.close;
        script.splice(index + 1);
        break;
      }
      if (expected.hello) {
        helloDone = true;
        validHellos++;
        if ((await within(channel.welcomed, REQUEST_LIMIT_MS)) === 'timeout') failures.push(`[seed ${SEED}] no welcome after hello ${show(raw)}`);
      }
    }
    const closed = await within(channel.closed, REQUEST_LIMIT_MS);
    if (closed === 'timeout' || closed.code !== 1008 || closed.reason !== expectedClose) {
      failures.push(`[seed ${SEED}] messages ${script.map((m) => show(m, 300)).join('\n    ')}\n  expected close 1008 ${show(expectedClose)}, got ${closed === 'timeout' ? 'no close' : `${closed.code} ${show(closed.reason)}`}`);
      channel.socket.terminate();
    }
  }

  // Frames the protocol has no place for: binary, invalid UTF-8 text (1007) and oversized (1009; the
  // schedd may reset the connection while the client is still sending, which the client sees as 1006).
  const odd: [string, (socket: WebSocket) => void, number[]][] = [
    ['binary frame', (s) => s.send(Buffer.from(JSON.stringify(hello(900))), { binary: true }), [1008]],
    ['invalid UTF-8 text frame', (s) => s.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), [1007]],
    ['oversized frame', (s) => s.send('x'.repeat(MAX_MESSAGE_BYTES + 1)), [1009, 1006]],
  ];
  for (const [what, sendIt, codes] of odd) {
    const channel = await connect(pool, pool.token);
    if ('status' in channel) {
      failures.push(`[seed ${SEED}] ${what}: connection refused with ${channel.status}`);
      continue;
    }
    sendIt(channel.socket);
    const closed = await within(channel.closed, REQUEST_LIMIT_MS);
    if (closed === 'timeout' || !codes.includes(closed.code)) failures.push(`[seed ${SEED}] ${what}: expected close ${codes.join(' or ')}, got ${closed === 'timeout' ? 'no close' : closed.code}`);
  }

  t.comment(`startd channel: ${sent} messages on 83 connections, ${validHellos} valid hellos`);
  t.same(failures.slice(0, 8), [], `every bad channel is closed with the expected code and reason (${failures.length} failures)`);
  t.equal(pool.process.exitCode, null, 'the schedd is still running');
  t.same(await queueLines(pool), ['1 0 2'], 'the real job still runs, untouched by reports from other startds');
  const slots = await eventually('the fake startds to be gone', async () => {
    const status = await send(pool, 'GET', '/v1/status');
    const ads = (JSON.parse(status.text) as { ads: Record<string, string>[] }).ads;
    return ads.every((ad) => /@startd1"?$/.test(ad.Name)) ? ads : undefined;
  }, 10_000);
  t.same(slots.map((ad) => ad.Name.replace(/"/g, '')).sort(), ['slot1@startd1', 'slot1_1@startd1'], 'only the real startd\'s partitionable slot and its job\'s dynamic slot are left');
});

// Requests that once crashed the schedd or were misread: each must now get its proper answer.
t.test('regressions found by fuzzing, on a live pool', async (t) => {
  const pool = await startPool(t, { startds: 1 });
  for (const [route, body] of [
    ['/v1/actions', '{"action":"remove","ids":["0"]}'],
    ['/v1/actions', '{"action":"hold","ids":["0.0"]}'],
    ['/v1/jobs/0.0/remove', '{}'],
  ] as const) {
    const reply = await send(pool, 'POST', route, body);
    t.equal(reply.status, 400, `POST ${route} ${body} -> ${reply.status} ${reply.text.slice(0, 120)}`);
  }

  const constraint = await send(pool, 'GET', `/v1/jobs?constraint=${encodeURIComponent('true constructor 1')}`);
  t.equal(constraint.status, 400, `constraint "true constructor 1" -> ${constraint.status} ${constraint.text.slice(0, 120)}`);
  const clusterId = Number(JSON.parse((await send(pool, 'POST', '/v1/clusters')).text).clusterId);
  const ad = { ClusterId: String(clusterId), ProcId: '0', JobStatus: '1', Cmd: '"/bin/true"', Iwd: JSON.stringify(pool.dir), Owner: '"fuzz"', Requirements: 'true constructor 1' };
  const submitted = await send(pool, 'POST', `/v1/clusters/${clusterId}/procs`, JSON.stringify({ procs: [ad] }));
  t.equal(submitted.status, 400, `Requirements "true constructor 1" -> ${submitted.status} ${submitted.text.slice(0, 120)}`);

  const channel = await connect(pool, pool.token);
  if ('status' in channel) throw new Error(`websocket refused with ${channel.status}`);
  channel.socket.send(JSON.stringify({ type: 'é'.repeat(200) }));
  const closed = await within(channel.closed, REQUEST_LIMIT_MS);
  t.equal(closed === 'timeout' ? 'timeout' : closed.code, 1008, 'a message whose type is 200 × "é" closes the channel with 1008');
  t.ok(closed !== 'timeout' && Buffer.byteLength(closed.reason) <= 123, 'the close reason fits a close frame');
  const status = await send(pool, 'GET', '/v1/status').catch((err: Error) => ({ status: 0, text: err.message }));
  t.equal(status.status, 200, `the schedd still answers (${status.text.slice(0, 80)})`);
});
