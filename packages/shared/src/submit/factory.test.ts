import t from 'tap';
import type { SubmitContext } from './context.js';
import { SubmitError } from './errors.js';
import { factorySubmission, ProcFactory } from './factory.js';
import { forEachProcOverlay, parseSubmitFile } from './submit.js';
import { MacroUsage } from './usage.js';

const files: Record<string, string> = {
  '/home/alice/jobs/items.txt': 'a 1\nb 2\n\nc 85\n',
};

const ctx: SubmitContext = {
  fileName: 'job.sub',
  submitDir: '/home/alice/jobs',
  env: { HOME: '/home/alice', PATH: '/usr/bin:/bin', COLOUR: 'blue' },
  owner: 'alice',
  now: new Date(1_700_000_000_000),
  batchName: 'nightly',
  // JOB_DEFAULT_NOTIFICATION travels in the digest: the materialized procs get it too.
  defaultNotification: 'Error',
  readFile: (path) => {
    const text = files[path];
    if (text === undefined) throw new Error('No such file or directory');
    return text;
  },
  probeFile: () => ({ size: 100, firstLine: '#!/bin/sh\n' }),
  runCommand: () => {
    throw new Error('No such file or directory');
  },
  listDir: () => [
    { name: 'x.dat', isDir: false },
    { name: 'y.dat', isDir: false },
    { name: 'sub', isDir: true },
  ],
  extendedCommands: new Map([['favourite', { name: 'Favourite', kind: 'string' }]]),
};

/** condor_submit's procs of a whole submission: the cluster ad, then each overlay, as JSON text. */
function submitted(text: string): string[] {
  const out: string[] = [];
  forEachProcOverlay(parseSubmitFile(text, ctx), 7, ctx, (cluster, overlay) => {
    if (out.length === 0) out.push(JSON.stringify(cluster.stored));
    out.push(JSON.stringify(overlay));
  });
  return out;
}

/** The same procs as a schedd builds them from the digest, after a round trip through JSON (as stored). */
function materialized(text: string): string[] {
  const submission = factorySubmission(parseSubmitFile(text, ctx), 7, ctx);
  if (submission === undefined) throw new Error('not a factory');
  const factory = new ProcFactory(JSON.parse(JSON.stringify(submission.digest)), 7);
  const out = [JSON.stringify(factory.cluster.stored)];
  for (let proc = 0; proc < factory.totalProcs; proc++) out.push(JSON.stringify(factory.overlay(proc)));
  return out;
}

const CASES = [
  'executable = /bin/echo\narguments = $(Process) $(Cluster)\noutput = out.$(Process)\nmax_materialize = 3\nqueue 10\n',
  'executable = /bin/echo\nmax_idle = 2\narguments = "$(Item) $(Step) $(ItemIndex)"\noutput = $(Item).out\nqueue 2 in (red, green, blue)\n',
  `executable = /bin/sh\nmaterialize_max_idle = 4\narguments = "-c 'echo $(name) $(n)'"\n+Name = "$(name)"\nrequest_memory = $(n)\nmax_materialize = 2\nqueue name n from items.txt\n`,
  'executable = /bin/cat\ninput = $(file)\ninitialdir = sub\nmax_materialize = 1\nqueue file matching files *.dat\n',
  'executable = /bin/env\ngetenv = HOME, COLOUR\nenvironment = "X=$ENV(COLOUR) P=$(Process)"\nfavourite = $(Process)\nlog = job.log\nmax_materialize = 5\nN = 4\nqueue $(N)\n',
  'executable = /bin/true\npriority = -$(Process)\nrequest_disk = $(Process)000\nmax_materialize = 0\nqueue 3 from (\n  alpha\n  beta\n)\n',
];

for (const [index, text] of CASES.entries()) {
  t.test(`case ${index}: a materialized proc is the proc condor_submit sends`, async (t) => {
    const whole = submitted(text);
    t.ok(whole.length > 2);
    t.same(materialized(text), whole);
  });
}

t.test('JobMaterializeLimit: max_materialize clamped to the procs and to at least 1; max_idle alone has none of its own', async (t) => {
  const limit = (text: string) => factorySubmission(parseSubmitFile(text, ctx), 1, ctx)?.limit;
  t.equal(limit('executable = /bin/true\nmax_materialize = 3\nqueue 10\n'), 3);
  t.equal(limit('executable = /bin/true\nmax_materialize = 30\nqueue 10\n'), 10);
  t.equal(limit('executable = /bin/true\nmax_materialize = 0\nqueue 10\n'), 10);
  t.equal(limit('executable = /bin/true\nmax_idle = 2\nqueue 10\n'), 10);
  t.equal(limit('executable = /bin/true\nqueue 10\n'), undefined);
  // Set after the first queue statement it is not seen (and is extra data for a factory anyway).
  t.equal(limit('executable = /bin/true\nqueue 10\nmax_materialize = 3\n'), undefined);
});

t.test('the cluster ad carries JobMaterializeMaxIdle as an expression', async (t) => {
  const submission = factorySubmission(parseSubmitFile('executable = /bin/true\nmax_idle = 1 + 1\nqueue 4\n', ctx), 1, ctx);
  t.equal(new ProcFactory(submission!.digest, 1).cluster.stored.JobMaterializeMaxIdle, '1 + 1');
});

t.test('refusals in condor_submit words', async (t) => {
  const refusal = (text: string) => {
    try {
      factorySubmission(parseSubmitFile(text, ctx), 1, ctx);
      return 'accepted';
    } catch (err) {
      t.type(err, SubmitError);
      return (err as SubmitError).problem;
    }
  };
  t.equal(refusal('executable = /bin/true\nmax_materialize = 2\nqueue 3\nqueue 2\n'), 'on Line 4 of job.sub: Extra data found after queue statement');
  t.equal(refusal('executable = /bin/true\nmax_materialize = 2\nqueue 3\narguments = x\n'), 'on Line 4 of job.sub: Extra data found after queue statement');
  t.equal(refusal('executable = /bin/true\nmax_materialize = lots\nqueue 3\n'), 'max_materialize=lots is invalid, must eval to an integer.');
  t.equal(refusal('executable = /bin/true\nmax_materialize = 2\nqueue 1000001\n'), 'this submission would queue more than 1000000 jobs (MAX_JOBS_PER_SUBMISSION)');
});

t.test('a million procs cost one digest; any proc is built on its own', async (t) => {
  const submission = factorySubmission(parseSubmitFile('executable = /bin/echo\narguments = $(Process)\nmax_materialize = 1000\nqueue 1000000\n', ctx), 9, ctx)!;
  t.equal(submission.totalProcs, 1_000_000);
  t.ok(JSON.stringify(submission.digest).length < 2_000);
  const factory = new ProcFactory(submission.digest, 9);
  t.same(factory.overlay(999_999), { ProcId: '999999', Args: '"999999"' });
  t.throws(() => factory.overlay(1_000_000), RangeError);
});

t.test("condor_submit's build of proc 0 checks files and marks the lines used", async (t) => {
  const usage = new MacroUsage();
  const text = 'executable = missing\nmax_materialize = 2\nqueue 3\n';
  const submission = factorySubmission(parseSubmitFile(text, ctx), 1, ctx, usage)!;
  t.throws(() => new ProcFactory(submission.digest, 1, { probeFile: () => ({ error: 'No such file or directory' }), fileChecks: false, usage }), /Can't access executable file missing/);
  t.same(usage.unimplemented(), []);
  // The schedd checks no file (HTCondor's factory_check_sub_file).
  t.equal(new ProcFactory(submission.digest, 1).totalProcs, 3);
});

t.test("the factory's userMap() calls go to the maps of the process that expands the digest", async (t) => {
  const text = 'executable = /bin/true\nmax_materialize = 1\n+Group = "$EVAL(userMap("Groups", "$(item)"))"\nqueue item in (alice, bob)\n';
  const submission = factorySubmission(parseSubmitFile(text, ctx), 1, ctx)!;
  const schedd = { userMap: (mapName: string, input: string) => (mapName === 'Groups' ? `${input}-group` : undefined) };
  const factory = new ProcFactory(submission.digest, 1, undefined, schedd);
  t.equal(factory.cluster.stored.Group, '"alice-group"');
  t.same(factory.overlay(1), { ProcId: '1', Group: '"bob-group"' });
  t.equal(new ProcFactory(submission.digest, 1).cluster.stored.Group, '"undefined"', 'no maps: userMap() is undefined');
});
