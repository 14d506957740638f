import t from 'tap';
import { ClusterAd } from '../cluster-ad.js';
import type { SubmitContext } from './context.js';
import { forEachProc, forEachProcOverlay, parseSubmitFile } from './index.js';
import { dependsOnProc } from './proc-template.js';
import type { Definition, QueueScope } from './proc-input.js';

const ctx: SubmitContext = {
  fileName: 'job.sub',
  submitDir: '/home/alice/jobs',
  env: { HOME: '/home/alice', PATH: '/usr/bin:/bin' },
  owner: 'alice',
  now: new Date(1_700_000_000_000),
  readFile: () => 'a 1\nb\n\nc 85\n',
  probeFile: () => ({ size: 100, firstLine: '#!/bin/sh\n' }),
  runCommand: () => {
    throw new Error('No such file or directory');
  },
  listDir: () => [
    { name: 'x.dat', isDir: false },
    { name: 'y.dat', isDir: false },
  ],
};

/** What each way gives: the cluster ad and every overlay as JSON text (key order counts), or the error. */
function whole(text: string): string {
  try {
    let cluster: ClusterAd | undefined;
    const out: string[] = [];
    forEachProc(parseSubmitFile(text, ctx), 3, ctx, (ad) => {
      const stored = ad.toJSON();
      if (cluster === undefined) {
        cluster = new ClusterAd(stored);
        out.push(JSON.stringify(stored));
      }
      out.push(JSON.stringify(cluster.overlayOf(stored)));
    });
    return out.join('\n');
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

function templated(text: string): string {
  try {
    let first = true;
    const out: string[] = [];
    forEachProcOverlay(parseSubmitFile(text, ctx), 3, ctx, (cluster, overlay) => {
      if (first) out.push(JSON.stringify(cluster.stored));
      first = false;
      out.push(JSON.stringify(overlay));
    });
    return out.join('\n');
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

const CASES = [
  'executable = /bin/true\noutput = out.$(Process)\nqueue 5\n',
  'executable = /bin/true\nqueue 3\n',
  'executable = run.sh\narguments = -n $(Process) -s $(Step)\nerror = err.$(ClusterId).$(ProcId)\nlog = job.log\nqueue 2 in (a, b)\n',
  'executable = run.sh\ninitialdir = dir.$(Item)\nlog = l.log\nx509userproxy = proxy\ninput = in\nqueue item in (a, b, c)\n',
  'executable = run.sh\nA = $(Process)\nB = $(A)x\noutput = $(B)\nrequest_memory = 1$(A:0) MB\nqueue 3\n',
  'executable = run.sh\nname_0 = zero\nname_1 = one\narguments = $(name_$(Process))\nqueue 2\n',
  'executable = run.sh\nrequest_memory = $(size)\nqueue size from (\n 100\n 2 GB\n oops\n)\n',
  'executable = run.sh\ncheckpoint_exit_code = $(code)\nqueue name, code from list.txt\n',
  'executable = run.sh\n+SuccessCheckpointExitCode = $(code)\nqueue name, code from (\n a 85\n b 86\n)\n',
  'executable = run.sh\n+Tag = "t$(Step)"\n+Fixed = 7\nMY.Out = "custom.$(Process)"\nqueue 3\n',
  'executable = run.sh\nhold = $(h)\nqueue h in (false, true, false)\n',
  'executable = run.sh\nenvironment = "N=$(Process) HOME=$ENV(HOME)"\ngetenv = PATH\nqueue 2\n',
  'executable = run.sh\noutput = o.$(Process)\nqueue 2\noutput = p.$(Process)\narguments = x\nqueue 2\nlog = late.log\nqueue 1\n',
  'executable = run.sh\nqueue 1\n+Extra = $(Process)\nqueue 2\nrequest_cpus = $(Process) + 1\nqueue 2\n',
  'executable = run.sh\ntransfer_input_files = $(Item), common\nqueue matching *.dat\n',
  'executable = run.sh\nloop = $(loop2)\nloop2 = $(loop)\narguments = $(Process)\nqueue 2\n',
  'executable = run.sh\nloop = $(loop2)$(Process)\nloop2 = $(loop)\narguments = $(loop)\nqueue 2\n',
  'executable = run.sh\n+Bad = $(Item)\nqueue in (1, , 3)\n',
  'executable = $(Item)\nqueue in (a, , c)\n',
  'executable = run.sh\npriority = $(Process) - 1\nrank = $(Process)\non_exit_remove = ExitCode == $(Process)\nmax_retries = $(Process)\nqueue 3\n',
  'executable = run.sh\naccounting_group = g$(Process)\nbatch_name = b.$(Step)\nqueue 2\n',
  'executable = run.sh\nProcess = 7\narguments = $(Process)\nqueue 2\n',
  'executable = run.sh\nshould_transfer_files = $(stf)\nwhen_to_transfer_output = ON_EXIT\nqueue stf in (YES, NO)\n',
  'universe = $(u)\nexecutable = run.sh\nqueue u in (vanilla, docker)\n',
];

t.test('overlays built from a template are those of the whole ads, or the same error', async (t) => {
  for (const text of CASES) t.equal(templated(text), whole(text), text);
});

let seed = 4242;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pickOne = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const LINES = [
  'output = out.$(Process)', 'error = e.$(Item)', 'log = $(Step).log', 'log = all.log', 'arguments = $(Process) $(Item)',
  'initialdir = d$(ItemIndex)', 'request_memory = $(Process)', 'request_memory = 2 GB', 'request_cpus = $(Item)',
  'hold = $(Item)', 'checkpoint_exit_code = $(Process)', '+SuccessCheckpointExitCode = $(Step)', '+WantFTOnCheckpoint = false',
  '+Tag = "$(Item)"', 'MY.Out = "o$(Process)"', '+JobPrio = $(Step)', 'priority = $(Process)', 'M = $(Process)$(N)', 'N = $(Item:z)',
  'arguments = $(M)', 'environment = "A=$(M)"', 'transfer_output_files = $(N)', 'should_transfer_files = NO', 'notification = $(Item)',
  'kill_sig = $(Item)', 'max_retries = $(Step)', 'retry_until = $(Item)', 'getenv = $(Item)', 'batch_name = $(Step)',
  'executable = x$(Process)', 'executable =', 'rank = $(Item)', 'queue 2', 'queue 2 in (1, true, SIGTERM)', 'queue Item from list.txt',
];

t.test('random submit files: the template gives what the whole ads give', async (t) => {
  for (let n = 0; n < 400; n++) {
    const lines = ['executable = run.sh', ...Array.from({ length: 1 + Math.floor(random() * 8) }, () => pickOne(LINES)), 'queue 3 in (1, true, 85)'];
    const text = `${lines.join('\n')}\n`;
    const expected = whole(text);
    const actual = templated(text);
    if (actual !== expected) {
      t.equal(actual, expected, text);
      return;
    }
  }
  t.pass('400 random submit files agree');
});

t.test('a definition depends on the proc when its expansion looks up a per-proc macro', async (t) => {
  const pos = { file: 'job.sub', line: 1 };
  const definitions = new Map<string, Definition>(
    Object.entries({ fixed: 'a', chain: '$(fixed)-$(proxy)', proxy: '$(Process)', plain: '$(fixed)$(DOLLAR)', nested: '$(x_$(Item))', fallback: '$(missing:$(Step))', loop: '$(loop)', env: '$ENV(HOME)' }).map(
      ([key, value]) => [key, { name: key, value, pos, custom: false }],
    ),
  );
  const scope: QueueScope = { definitions, perProcNames: new Set(['process', 'step', 'item']), loopVars: new Set(['item']), queuePos: pos, clusterId: 1, qdate: 0, ctx };
  const live = new Map([['process', '0'], ['step', '0'], ['item', 'a'], ['cluster', '1']]);
  const expected: Record<string, boolean> = { fixed: false, chain: true, proxy: true, plain: false, nested: true, fallback: true, loop: true, env: false, undefinedname: false };
  for (const [key, answer] of Object.entries(expected)) t.equal(dependsOnProc(scope, live, key), answer, key);
});
