import t from 'tap';
import { Cluster, type WatchStatus } from './tracker.js';
import {
  abbreviatePath, groupClusters, makeRows, makeTable, nicePath, renderScreen, summaryWithPercentages, summaryWithTotals,
  totalProgressBar, type GroupBy, type Totals,
} from './render.js';

// What condor_watch_q.in's own functions (group_clusters, make_rows_from_groups, strip_empty_columns,
// row_sorter, make_table, make_total_progress_bar, make_summary_*) print for these clusters, run with
// Python 3.11 against stubbed htcondor modules (colour forced on where the key says True).
const EXPECTED: Record<string, string[] | Record<string, number>> = {
  "BATCH-120-False": [
    "BATCH                   HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "nightly                   1     2      -    1     1      5   12.1 ... 13.0 [-------------------========########!!!!!!!!]",
    "long name for a batch     -     -      1    1     -      2   15.0, 15.1    [>>>>>>>>>>>>>>>>>>>>>>=====================]",
    "ID: 10                    -     -      -    -     2      2                 [###########################################]"
  ],
  "BATCH-120-True": [
    "BATCH                   HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "\u001b[31mnightly                   1     2      -    1     1      5   12.1 ... 13.0 \u001b[0m[\u001b[93m-------------------\u001b[0m\u001b[36m\u001b[0m\u001b[36m========\u001b[0m\u001b[36m\u001b[0m\u001b[32m########\u001b[0m\u001b[31m!!!!!!!!\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]",
    "\u001b[36mlong name for a batch     -     -      1    1     -      2   15.0, 15.1    \u001b[0m[\u001b[93m\u001b[0m\u001b[36m>>>>>>>>>>>>>>>>>>>>>>\u001b[0m\u001b[36m=====================\u001b[0m\u001b[36m\u001b[0m\u001b[32m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]",
    "\u001b[32mID: 10                    -     -      -    -     2      2                 \u001b[0m[\u001b[93m\u001b[0m\u001b[36m\u001b[0m\u001b[36m\u001b[0m\u001b[36m\u001b[0m\u001b[32m###########################################\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]"
  ],
  "BATCH-60-False": [
    "BATCH                   HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "nightly                   1     2      -    1     1      5  ",
    "long name for a batch     -     -      1    1     -      2  ",
    "ID: 10                    -     -      -    -     2      2  "
  ],
  "BATCH-60-True": [
    "BATCH                   HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "\u001b[31mnightly                   1     2      -    1     1    ",
    "\u001b[36mlong name for a batch     -     -      1    1     -    ",
    "\u001b[32mID: 10                    -     -      -    -     2    "
  ],
  "BATCH-totals": {
    "TOTAL": 9,
    "REMOVED": 0,
    "HELD": 1,
    "IDLE": 2,
    "RUN": 2,
    "DONE": 3,
    "INPUT": 1,
    "OUTPUT": 0,
    "SUSPENDED": 0
  },
  "BATCH-bar": [
    "Total Progress: [------------->>>>>>=============########################!!!!!!]"
  ],
  "BATCH-sum": [
    "Total: 9 jobs; 3 completed, 2 idle, 3 running, 1 held",
    "Total: 9 jobs; 3 co, 2 id, 3 ru, 1 he",
    "Total: 9 jobs; 33% completed, 0% removed, 22% idle, 33% running, 11% held, 0% suspended"
  ],
  "CLUSTER-120-False": [
    "CLUSTER  HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "12         -     2      -    1     1      4   12.1 ... 12.3 [------------------------------==============##############]",
    "13         1     -      -    -     -      1   13.0          [!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!]",
    "15         -     -      1    1     -      2   15.0, 15.1    [>>>>>>>>>>>>>>>>>>>>>>>>>>>>>=============================]",
    "10         -     -      -    -     2      2                 [##########################################################]"
  ],
  "CLUSTER-120-True": [
    "CLUSTER  HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "\u001b[36m12         -     2      -    1     1      4   12.1 ... 12.3 \u001b[0m[\u001b[93m------------------------------\u001b[0m\u001b[36m\u001b[0m\u001b[36m==============\u001b[0m\u001b[36m\u001b[0m\u001b[32m##############\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]",
    "\u001b[31m13         1     -      -    -     -      1   13.0          \u001b[0m[\u001b[93m\u001b[0m\u001b[36m\u001b[0m\u001b[36m\u001b[0m\u001b[36m\u001b[0m\u001b[32m\u001b[0m\u001b[31m!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]",
    "\u001b[36m15         -     -      1    1     -      2   15.0, 15.1    \u001b[0m[\u001b[93m\u001b[0m\u001b[36m>>>>>>>>>>>>>>>>>>>>>>>>>>>>>\u001b[0m\u001b[36m=============================\u001b[0m\u001b[36m\u001b[0m\u001b[32m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]",
    "\u001b[32m10         -     -      -    -     2      2                 \u001b[0m[\u001b[93m\u001b[0m\u001b[36m\u001b[0m\u001b[36m\u001b[0m\u001b[36m\u001b[0m\u001b[32m##########################################################\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m\u001b[31m\u001b[0m]"
  ],
  "CLUSTER-60-False": [
    "CLUSTER  HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "12         -     2      -    1     1      4   12.1 ... 12.3 ",
    "13         1     -      -    -     -      1   13.0          ",
    "15         -     -      1    1     -      2   15.0, 15.1    ",
    "10         -     -      -    -     2      2                 "
  ],
  "CLUSTER-60-True": [
    "CLUSTER  HELD  IDLE  INPUT  RUN  DONE  TOTAL  JOB_IDS",
    "\u001b[36m12         -     2      -    1     1      4   12.1 ... ",
    "\u001b[31m13         1     -      -    -     -      1   13.0     ",
    "\u001b[36m15         -     -      1    1     -      2   15.0, 15.",
    "\u001b[32m10         -     -      -    -     2      2            "
  ],
  "CLUSTER-totals": {
    "TOTAL": 9,
    "REMOVED": 0,
    "HELD": 1,
    "IDLE": 2,
    "RUN": 2,
    "DONE": 3,
    "INPUT": 1,
    "OUTPUT": 0,
    "SUSPENDED": 0
  },
  "CLUSTER-bar": [
    "Total Progress: [------------->>>>>>=============########################!!!!!!]"
  ],
  "CLUSTER-sum": [
    "Total: 9 jobs; 3 completed, 2 idle, 3 running, 1 held",
    "Total: 9 jobs; 3 co, 2 id, 3 ru, 1 he",
    "Total: 9 jobs; 33% completed, 0% removed, 22% idle, 33% running, 11% held, 0% suspended"
  ]
};

function cluster(id: number, log: string, batch: string | undefined, procs: number | undefined, states: Record<number, WatchStatus>): Cluster {
  const c = new Cluster(id, log, batch, procs);
  for (const [proc, s] of Object.entries(states)) c.jobs.set(Number(proc), s);
  return c;
}
const CLUSTERS = [
  cluster(12, '/home/u/a.log', 'nightly', 4, { 0: 'DONE', 1: 'RUN', 2: 'IDLE', 3: 'IDLE' }),
  cluster(13, '/home/u/a.log', 'nightly', undefined, { 0: 'HELD' }),
  cluster(10, '/home/u/b.log', undefined, undefined, { 0: 'DONE', 1: 'DONE' }),
  cluster(15, '/home/u/c.log', 'long name for a batch', 2, { 0: 'INPUT', 1: 'RUN' }),
];
const rowsOptions = (groupBy: GroupBy) => ({ groupBy, displayExited: true, exitedRowDecaySeconds: 100, nowSeconds: 0, showPath: (p: string) => p });

t.test('the table, row bars, total bar and summaries as the original draws them', async (t) => {
  for (const [groupBy, key] of [['batch', 'BATCH'], ['cluster', 'CLUSTER']] as const) {
    const view = makeRows(groupClusters(CLUSTERS, groupBy), rowsOptions(groupBy));
    for (const columns of [120, 60]) {
      for (const color of [false, true]) {
        t.same(makeTable(view.headers, view.rows, { rowProgress: true, columns, color }), EXPECTED[`${key}-${columns}-${color ? 'True' : 'False'}`], `${key} ${columns} columns, color ${color}`);
      }
    }
    t.same(view.totals, EXPECTED[`${key}-totals`]);
    t.same([totalProgressBar(view.totals, 80, false)], EXPECTED[`${key}-bar`]);
    t.same([summaryWithTotals(view.totals, 80), summaryWithTotals(view.totals, 40), summaryWithPercentages(view.totals)], EXPECTED[`${key}-sum`]);
  }
});

t.test('groups: by log; rows of exited jobs hidden after their decay under -no-display-exited', async (t) => {
  const view = makeRows(groupClusters(CLUSTERS, 'log'), { ...rowsOptions('log'), showPath: (p) => p.replace('/home/u', '~') });
  t.same(view.rows.map((r) => r.LOG), ['~/a.log', '~/c.log', '~/b.log'], 'active groups first, by smallest cluster id');
  const done = cluster(20, '/l', 'old', undefined, { 0: 'DONE' });
  done.decayStart = 0;
  const hidden = makeRows(groupClusters([done, CLUSTERS[3]], 'batch'), { ...rowsOptions('batch'), displayExited: false, nowSeconds: 200 });
  t.same(hidden.rows.map((r) => r.BATCH), ['long name for a batch']);
  t.equal(hidden.totals.TOTAL, 3, 'totals still count the hidden row');
  const none = makeRows(new Map(), rowsOptions('batch'));
  t.same(none.headers, ['BATCH', 'IDLE', 'RUN', 'DONE', 'TOTAL'], 'no rows: the columns always shown');
});

t.test('the whole screen: sections, "..." without refresh, the exit hint, a short terminal', async (t) => {
  const view = makeRows(groupClusters([CLUSTERS[2]], 'batch'), rowsOptions('batch'));
  const opts = {
    table: true, progress: true, rowProgress: false, summary: true, summaryType: 'totals' as const, updatedAt: true, color: false,
    refresh: false, hasExitConditions: false, exitOnKeyPress: false, columns: 80, lines: 24,
  };
  t.equal(
    renderScreen(view, '2026-01-02 03:04:05', opts),
    [
      'BATCH    IDLE  RUN  DONE  TOTAL  JOB_IDS',
      'ID: 10     -    -     2      2          ',
      '',
      'Total Progress: [##############################################################]',
      '',
      'Total: 2 jobs; 2 completed',
      '',
      'Updated at 2026-01-02 03:04:05',
      '...',
      'Press ^C to exit',
    ].join('\n'),
  );
  t.equal(renderScreen(view, 'now', { ...opts, table: false, progress: false, summary: false, refresh: true, hasExitConditions: true }), 'Updated at now');
  t.equal(renderScreen(view, 'now', { ...opts, table: false, progress: false, summary: false, updatedAt: false, refresh: true, exitOnKeyPress: true }), '\nPress any key to exit');
  t.equal(
    renderScreen(view, 'now', { ...opts, lines: 6, refresh: true, hasExitConditions: true }),
    'BATCH    IDLE  RUN  DONE  TOTAL  JOB_IDS\nID: 10     -    -     2      2          \n\nInsufficient terminal height to display full output!',
  );
  t.equal(summaryWithPercentages({ REMOVED: 0, HELD: 0, IDLE: 1, RUN: 0, DONE: 7, INPUT: 0, OUTPUT: 0, SUSPENDED: 0, TOTAL: 8 } as Totals), 'Total: 8 jobs; 88% completed, 0% removed, 12% idle, 0% running, 0% held, 0% suspended', 'halves round to even, as Python\'s round');
});

t.test('more clusters than Math.min(...clusters) or push(...rows) take', async (t) => {
  const many = Array.from({ length: 150_000 }, (_, i) => cluster(150_000 - i, '/home/u/a.log', 'big', 1, { 0: 'IDLE' }));
  const batch = makeRows(groupClusters(many, 'batch'), rowsOptions('batch'));
  t.same(batch.rows.map((row) => [row.BATCH, row.TOTAL]), [['big', 150_000]]);
  const view = makeRows(groupClusters(many, 'cluster'), rowsOptions('cluster'));
  const opts = {
    table: true, progress: false, rowProgress: false, summary: false, summaryType: 'totals' as const, updatedAt: false, color: false,
    refresh: true, hasExitConditions: true, exitOnKeyPress: false, columns: 80, lines: 200_000,
  };
  const lines = renderScreen(view, 'now', opts).split('\n');
  t.same([lines.length, lines[1], lines[150_000]], [150_001, '1          1    -     -      1   1.0      ', '150000     1    -     -      1   150000.0 '], 'a heading and one line per cluster, columns as wide as the widest cell');
});

t.test('paths: nice_path and abbreviate_path', async (t) => {
  t.equal(nicePath('/home/u/work/x/ev.log', '/home/u', '/home/u/work'), './x/ev.log');
  t.equal(nicePath('/home/u/ev.log', '/home/u', '/tmp'), '~/ev.log');
  t.equal(nicePath('/a.log', '/home/u', '/tmp'), '/a.log');
  const dirs: Record<string, string[]> = { '/': ['home', 'tmp'], '/home': ['foobar'], '/home/foobar': ['wizbang', 'wizard'] };
  t.equal(abbreviatePath('/home/foobar/wizbang/events.log', (d) => dirs[d] ?? [], '/home/u'), '/h/f/wizb/events.log');
  t.equal(abbreviatePath('~/foobar/events.log', (d) => (d === '/home' ? ['foobar'] : ['foobar', 'other']), '/home'), '~/f/events.log');
});
