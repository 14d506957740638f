import t from 'tap';
import { parseWatchArgs, unknownArgHint, type WatchArgs } from './args.js';

const parse = (argv: string[], tty = false) => parseWatchArgs(argv, 'usage: condor_watch_q ...\n', tty);
const ok = (argv: string[], tty = false): WatchArgs => {
  const r = parse(argv, tty);
  if ('code' in r) throw new Error(r.stderr);
  return r;
};

t.test('defaults follow whether stdout is a terminal', async (t) => {
  t.match(ok([]), { refresh: false, color: false, exitOnKeyPress: false, groupBy: 'batch', interval: 0.5, abbreviate: true, summaryType: 'totals', exit: [] });
  t.match(ok([], true), { refresh: true, color: true, exitOnKeyPress: true });
});

t.test('options: lists, values, negations, prefixes, -opt=value', async (t) => {
  const a = ok(['-users', 'alice', 'bob', '-clusters', '3', '4', '-no-table', '-no-row-progress', '-summary-type', 'percentages', '-groupby=cluster', '-interv', '2', '-refresh']);
  t.match(a, { users: ['alice', 'bob'], clusters: ['3', '4'], table: false, rowProgress: false, summaryType: 'percentages', groupBy: 'cluster', interval: 2, refresh: true });
  t.same(ok(['-exit', 'all,done', '-exit', 'any,held,1', '-exit', 'none,active,7']).exit, [
    { grouper: 'all', status: 'done', exitStatus: 0 },
    { grouper: 'any', status: 'held', exitStatus: 1 },
    { grouper: 'none', status: 'active', exitStatus: 7 },
  ]);
  t.equal(ok(['-exited-row-decay', '2h']).exitedRowDecaySeconds, 7200);
  t.equal(ok(['-exited-row-decay', '3']).exitedRowDecaySeconds, 3 * 604800, 'weeks without a unit');
});

t.test('argparse errors: usage and "condor_watch_q: error:", status 2', async (t) => {
  const cases: [string[], string][] = [
    [['-exit', 'all'], 'invalid -exit specification'],
    [['-exit', 'most,done'], 'invalid GROUPER "most", must be one of {all, any, none}'],
    [['-exit', 'all,running'], 'invalid JOB_STATUS "running", must be one of {active, done, idle, held}'],
    [['-exit', 'all,done,x'], 'exit_status must be an integer, but was "x"'],
    [['-groupby', 'owner'], "argument -groupby: invalid choice: 'owner' (choose from 'batch', 'log', 'cluster')"],
    [['-users'], 'argument -users: expected at least one argument'],
    [['-interval'], 'argument -interval: expected one argument'],
    [['-larger-than', 'x'], "argument -larger-than: invalid int value: 'x'"],
    [['-exited-row-decay', '3q'], 'Unknown unit specifier provided for -exited-row-decay: q'],
    [['-s'], 'ambiguous option: -s could match -schedd, -summary, -summary-type'],
    [['-bogus'], 'unrecognized arguments: -bogus'],
  ];
  for (const [argv, message] of cases) t.same(parse(argv), { code: 2, stdout: '', stderr: `usage: condor_watch_q ...\ncondor_watch_q: error: ${message}\n` }, argv.join(' '));
});

t.test('condor_q-style arguments get the original\'s hints, status 1', async (t) => {
  t.same(parse(['12', '13', 'x', '-no-table']), { code: 1, stdout: 'usage: condor_watch_q ...\n', stderr: 'condor_watch_q: error: argument 12: to track specific cluster IDs, try -clusters 12 13\n' });
  t.same(unknownArgHint(['alice', '5', 'bob']), { arg: 'alice', message: 'to track jobs from specific users, try -users alice bob' });
  t.same(unknownArgHint(['-userlog', 'a.log', 'b.log']), { arg: '-userlog', message: 'to track jobs from specific event logs, try -files a.log b.log' });
  t.same(unknownArgHint(['-totals']), { arg: '-totals', message: 'to only print totals, try -no-table' });
  t.same(unknownArgHint(['-nobatch']), { arg: '-nobatch', message: 'to group by something other than batch name, try -groupby {batch,log,cluster}' });
  t.equal(unknownArgHint(['-bogus']), undefined);
});
