import t from 'tap';
import { CliError } from './cli-error.js';
import { DEFAULT_AUTOFORMAT } from './format/autoformat.js';
import { buildConstraint, parseQueryArgs, scanCountedConstraint, type QueryArgs } from './query-args.js';

const USAGE = 'Usage: condor_q [options]';

const defaults: QueryArgs = {
  view: 'default',
  formats: [],
  attrs: [],
  af: DEFAULT_AUTOFORMAT,
  constraints: [],
  jobs: [],
  owners: [],
  allUsers: false,
  limit: undefined,
  warnings: [],
  forwards: false,
  wide: false,
  dag: false,
  cpuTime: false,
  cumulativeTime: false,
  submitters: [],
  global: false,
};

function cliError(args: string[]): CliError {
  try {
    parseQueryArgs(args, USAGE);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

t.test('no arguments', async (t) => {
  t.same(parseQueryArgs([], USAGE), defaults);
});

t.test('bare arguments are job ids or owners', async (t) => {
  const q = parseQueryArgs(['12', '13.4', 'alice', '0', 'bob'], USAGE);
  t.same(q.jobs, [{ cluster: 12 }, { cluster: 13, proc: 4 }]);
  t.same(q.owners, ['alice', '0', 'bob'], '0 is not a cluster id');
});

t.test('views, by full name, by unambiguous prefix, with one or two dashes', async (t) => {
  const view = (arg: string) => parseQueryArgs([arg], USAGE).view;
  t.equal(view('-nobatch'), 'nobatch');
  t.equal(view('-nob'), 'nobatch');
  t.equal(view('-batch'), 'batch');
  t.equal(view('-bat'), 'batch');
  t.equal(view('-json'), 'json');
  t.equal(view('--json'), 'json');
  t.equal(view('-js'), 'json');
  t.equal(view('-l'), 'long');
  t.equal(view('-long'), 'long');
  t.equal(view('-LONG'), 'long');
  t.equal(view('-totals'), 'totals');
  t.equal(view('-total'), 'totals');
  t.equal(view('-tot'), 'totals');
});

t.test('-af takes the attributes up to the next option', async (t) => {
  const q = parseQueryArgs(['-af', 'ClusterId', 'Owner', '-const', 'JobStatus == 1'], USAGE);
  t.same(q, { ...defaults, view: 'af', attrs: ['ClusterId', 'Owner'], constraints: ['JobStatus == 1'] });
  const h = parseQueryArgs(['-autoformat:lh', 'Cmd'], USAGE);
  t.equal(h.view, 'af');
  t.same(h.af, { ...DEFAULT_AUTOFORMAT, label: true, headings: true });
  t.same(h.attrs, ['Cmd']);
  t.same(parseQueryArgs(['-af:j', 'Cmd'], USAGE).af, { ...DEFAULT_AUTOFORMAT, jobId: true });
  t.equal(cliError(['-af:T', 'QDate']).message, `Error: -af:T (values as times) is not implemented by tinycondor yet\n${USAGE}`);
});

t.test('-af without attributes is an error', async (t) => {
  t.equal(cliError(['-af']).message, `Error: -af requires at least one attribute\n${USAGE}`);
  t.equal(cliError(['-af:h', '-long']).message, `Error: -af:h requires at least one attribute\n${USAGE}`);
});

t.test('-constraint, -allusers, -limit and -match', async (t) => {
  const q = parseQueryArgs(['-constraint', 'Owner == "x"', '-constr', 'ProcId > 0', '-allusers', '-limit', '5'], USAGE);
  t.same(q.constraints, ['Owner == "x"', 'ProcId > 0']);
  t.equal(q.allUsers, true);
  t.equal(q.limit, 5);
  t.equal(parseQueryArgs(['-match', '3'], USAGE).limit, 3);
  t.equal(parseQueryArgs(['-allu'], USAGE).allUsers, true);
});

t.test('option errors name the option and end with the usage', async (t) => {
  t.equal(cliError(['-constraint']).message, `Error: Argument -constraint requires another argument\n${USAGE}`);
  t.equal(cliError(['-limit', '0']).message, `Error: -limit needs a positive number\n${USAGE}`);
  t.equal(cliError(['-limit', '2.5']).message, `Error: -limit needs a positive number\n${USAGE}`);
  t.equal(cliError(['-match', 'x']).message, `Error: -match needs a positive number\n${USAGE}`);
  t.equal(cliError(['-bogus']).message, `Error: unknown option -bogus\n${USAGE}`);
  t.equal(cliError(['-cons', 'x']).message, `Error: unknown option -cons\n${USAGE}`, 'shorter than the 5-letter minimum');
  t.equal(cliError(['-li', '3']).message, `Error: unknown option -li\n${USAGE}`);
  t.equal(cliError(['-']).message, `Error: unknown option -\n${USAGE}`);
  t.equal(cliError(['-bogus']).exitCode, 1);
});

t.test('buildConstraint: nothing selected', async (t) => {
  t.equal(buildConstraint(defaults), undefined);
});

t.test('buildConstraint: ids and owners are ORed, constraints ANDed', async (t) => {
  const q = parseQueryArgs(['12', '13.4', 'alice', '-constraint', 'JobStatus == 1', '-constraint', 'a || b'], USAGE);
  t.equal(
    buildConstraint(q),
    '(JobStatus == 1) && (a || b) && (ClusterId == 12 || (ClusterId == 13 && ProcId == 4) || Owner == "alice")',
  );
  t.equal(buildConstraint({ ...defaults, owners: ['o"brien'] }), '(Owner == "o\\"brien")');
  t.equal(buildConstraint({ ...defaults, constraints: ['true'] }), '(true)');
});

t.test("condor_q -hold / -held[:codes]: the held jobs only, by hold code (and subcode) when given", async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-hold').view, q('-hold').constraints], ['hold', ['JobStatus==5']]);
  t.same(q('-he').constraints, ['JobStatus==5'], '-held, by its prefix');
  t.same(q('-hold:34/102,13,x').constraints, ['JobStatus==5', '(HoldReasonCode==34 && HoldReasonSubCode==102) || HoldReasonCode==13']);
  t.same(q('-hold:34/102,13,x').warnings, ['Warning "x" is not a hold code and/or subcode. ignoring'], "condor_q's words for what it leaves out");
  t.same(buildConstraint(q('-hold', '7')), '(JobStatus==5) && (ClusterId == 7)');
  t.throws(() => parseQueryArgs(['-hold'], USAGE), new CliError(`Error: unknown option -hold\n${USAGE}`), 'condor_history and condor_status have no -hold');
  t.same([q('-run').view, q('-r').constraints], ['run', ['JobStatus == 2 || JobStatus == 6 || JobStatus == 7']], '-run: running, transferring output, suspended');
  t.throws(() => q('-run', '-hold'), new CliError(`-run and -hold/held or -idle are incompatible\n${USAGE}`));
});

t.test('condor_history -print-format FILE: the view, where its rows are cut, and what goes with it (history.cpp)', async (t) => {
  const h = (...args: string[]) => parseQueryArgs(args, USAGE, { historyScan: true });
  const refused = (...args: string[]) => {
    try {
      h(...args);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  t.same([h('-print-format', 'f').view, h('-pr', 'f').printFormatFile, h('-pr', '-').printFormatFile], ['printformat', 'f', '-']);
  t.same([h('-pr', '!').view, h('-pr', '!').printFormatFile], ['default', undefined], '`-pr !`: no default print-format files');
  t.equal(refused('-print-format'), 'Error: Argument -print-format requires a filename argument');
  t.equal(refused('-pr', '-long'), 'Error: Argument -print-format requires a filename argument');
  t.same([h('-long', '-pr', 'f').view, h('-pr', 'f', '-json').view], ['long', 'json'], 'the ad forms print the ads whatever the mask');
  t.same([h('-pr', 'f').printFormatCut, h('-wide', '-pr', 'f').printFormatCut, h('-wide:100', '-pr', 'f').printFormatCut], [0, 'none', 'none'], 'cut at the console width - 1 unless -wide came first');
  t.same([h('-attributes', 'A', '-pr', 'f').projection, h('-attributes', 'A', '-pr', 'f').printFormatProjects], [undefined, true], "the columns' attributes replace -attributes'");
  t.same([h('-pr', 'f', '-attributes', 'A').projection, h('-pr', 'f', '-attributes', 'A').printFormatProjects], [['A'], false], 'and a later -attributes theirs');
  t.same([h('-wide:60', '-pr', 'f').printFormatCut, h('-pr', 'f', '-wide').printFormatCut, h('-pr', 'f', '-wide:120').printFormatCut], [60, 0, 120], 'a later -wide:N recuts, a later -wide does not');
  for (const args of [['-af', 'Owner', '-pr', 'f'], ['-pr', 'f', '-format', '%s', 'Owner']]) {
    t.equal(refused(...args), 'condor_history: -print-format with -af or -format (one table of both) is not supported by tinycondor', args.join(' '));
  }
});

t.test('condor_history -since, -completedsince, -forwards and -backwards, with history.cpp\'s checks', async (t) => {
  const h = (...args: string[]) => parseQueryArgs(args, USAGE, { historyScan: true });
  t.same(h('-since', '12').since, 'ClusterId == 12', 'a cluster id');
  t.same(h('-since', '12.3').since, 'ClusterId == 12 && ProcId == 3', 'a job id');
  t.same(h('-since', 'CompletionDate < 1700000000').since, 'CompletionDate < 1700000000', 'an expression');
  t.same(h('-completedsince', '1700000000').since, 'CompletionDate <= 1700000000');
  t.same([h('-forw').forwards, h('-nob').forwards, h('-forwards', '-b').forwards], [true, true, false]);
  const refused = (args: string[]) => {
    try {
      h(...args);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  t.equal(refused(['-since', '"text"']), 'Error: invalid -since constraint: "text"\n\tconstraint must be a job-id, or expression.', 'a literal is no stop');
  t.equal(refused(['-forwards', '-since', '3']), 'Error: Argument -forwards cannot be combined with -since.');
  t.equal(refused(['-since', '3', '-forwards']), 'Error: Argument -forwards cannot be combined with -since.');
  t.equal(refused(['-completedsince', '((']), "Error: '((' not valid parameter for -completedsince ");
  t.same([h('-completedsince', '5', '-forwards').forwards, h('-forwards', '-completedsince', '5').since], [true, 'CompletionDate <= 5'], '-completedsince is not -since: -forwards goes with it');
  t.equal(refused(['-since', '3', '-completedsince', '5', '-forwards']), 'Error: Argument -forwards cannot be combined with -since.');
  t.same([h('-scanlimit', '5').scanLimit, h('-scan', '7x').scanLimit, h('-scanl', 'x').scanLimit, h().scanLimit], [5, 7, 0, undefined], '-scanlimit N read as atoi reads it, from four letters');
  t.equal(refused(['-scanlimit']), 'Error: Argument -scanlimit requires a number value  as a parameter.', "history.cpp's words");
  t.equal(refused(['-sca', '3']), `Error: Unknown argument -sca\n${USAGE}`, '-scanlimit needs four letters');
  t.equal(scanCountedConstraint(h('4', '3.1', '4.2', 'Bob')), 'ClusterId == 4 || ClusterId == 3 || Owner == "Bob"', "-scanlimit counts the named clusters' and owners' ads (parseBanner)");
  t.same([scanCountedConstraint(h()), scanCountedConstraint(h('4', '-forwards'))], [undefined, undefined], 'every ad without names, or read forwards');
  t.equal(
    refused(['-for']),
    "Error: Argument -format requires a spec and classad attribute name as parameters.\n\t\te.g. condor_history -format '%d' ClusterId",
    '-forwards needs four letters: -for is -format, as in history.cpp',
  );
});

t.test('condor_q -wide, -wide:N, -dag and -userlog', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-wide').wide, q('-wide').wideWidth], [true, undefined]);
  t.same([q('-w:100').wide, q('-w:100').wideWidth], [false, 100], '-wide:N cuts to N columns');
  t.same([q('-wide:120', '-wide').wide, q('-wide', '-wide:x').wideWidth], [true, 0], 'the last -wide wins; atoi of no number is 0');
  t.equal(q('-dag').dag, true);
  t.equal(q('-userlog', 'job.log').userlogFile, 'job.log');
  t.throws(() => q('-userlog'), { message: 'Error: -userlog requires a filename' });
  t.throws(() => parseQueryArgs(['-wide'], USAGE), /unknown option -wide/, 'condor_status has no -wide');
  const h = (...args: string[]) => parseQueryArgs(args, USAGE, { historyScan: true });
  t.same([h('-wide').wide, h('-w:100').wideWidth, h('-wide:100', '-wide').wideWidth], [true, 100, 100], 'condor_history reads -wide[:N] as condor_q does');
  t.same(h('-wide:90', '-af', 'Owner').attrs, ['Owner']);
  t.throws(() => h('-af', 'Owner', '-wide:90'), { message: 'condor_history: -wide:90 after -af or -format (which cuts their rows) is not supported by tinycondor' });
  t.same(h('-format', '%s', 'Owner', '-wide').wide, true, '-wide alone cuts nothing');
  t.throws(() => parseQueryArgs(['-userlog', 'x'], USAGE), /unknown option -userlog/, 'condor_status has no -userlog');
});

t.test('condor_history -userlog FILE: the one file read, as -file names it', async (t) => {
  const h = (...args: string[]) => parseQueryArgs(args, USAGE, { historyScan: true });
  t.same([h('-userlog', 'job.log').userlogFile, h('-u', 'job.log').userlogFile, h('-userlog', 'job.log').historyFile], ['job.log', 'job.log', undefined]);
  for (const args of [['-userlog'], ['-userlog', 'a.log', '-file', 'h'], ['-file', 'h', '-userlog', 'a.log'], ['-userlog', 'a.log', '-userlog', 'b.log']]) {
    t.throws(() => h(...args), { message: USAGE }, `${args.join(' ')}: usage (history.cpp breaks out of its loop to Usage())`);
  }
});

t.test('buildConstraint: with -dag or batch output a cluster id also selects its DAG node jobs', async (t) => {
  const q = parseQueryArgs(['7', '8.0', '9.1'], USAGE, { queueViews: true });
  t.equal(
    buildConstraint(q, { dagNodes: true }),
    '(ClusterId == 7 || DAGManJobId == 7 || (ClusterId == 8 && ProcId == 0) || DAGManJobId == 8 || (ClusterId == 9 && ProcId == 1))',
  );
  t.equal(buildConstraint(q), '(ClusterId == 7 || (ClusterId == 8 && ProcId == 0) || (ClusterId == 9 && ProcId == 1))');
});

t.test('condor_q -idle, -hold-codes[:codes] and -io, and which of them exclude one another (queue.cpp)', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-idle').view, q('-idl').constraints], ['idle', ['JobStatus==1']]);
  t.throws(() => q('-id'), new CliError(`Error: unrecognized argument -id\n${USAGE}`), '-idle needs three letters');
  t.throws(() => q('-run', '-idle'), new CliError(`-run and -hold/held or -idle are incompatible\n${USAGE}`));
  t.throws(() => q('-idle', '-hold'), new CliError(`-run and -hold/held or -idle are incompatible\n${USAGE}`));
  t.throws(() => q('-idle', '-run'), new CliError(`-run and -hold/held or -idle are incompatible\n${USAGE}`));
  t.same([q('-hold-codes').view, q('-holdc').constraints], ['holdcodes', ['JobStatus==5']], '-holdcodes by its prefix');
  t.same(q('-hold-codes:13/2,x').constraints, ['JobStatus==5', '(HoldReasonCode==13 && HoldReasonSubCode==2)']);
  t.same(q('-hold-codes:13/2,x').warnings, ['Warning "x" is not a hold code and/or subcode. ignoring']);
  t.throws(() => q('-idle', '-hold-codes'), new CliError(`-hold-codes incompatible with -idle or -run\n${USAGE}`));
  t.throws(() => q('-hold-codes', '-run'), new CliError(`-run and -hold/held or -idle are incompatible\n${USAGE}`));
  t.same([q('-hold', '-hold-codes').view, q('-hold-codes', '-hold').view], ['holdcodes', 'hold'], 'the last one shows');
  t.same([q('-io').view, q('-io').constraints], ['io', ['JobUniverse==1 || TransferQueued=?=true || TransferringOutput=?=true || TransferringInput=?=true']]);
  t.same([q('-io', '-run').view, q('-run', '-io').view], ['io', 'io'], "-io's table, -run's constraint");
});

t.test("condor_q's tables: -io or -batch, the last given, then -run, -hold or -idle (initOutputMask)", async (t) => {
  const view = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true }).view;
  t.same([view('-io', '-batch'), view('-batch', '-io'), view('-io', '-nobatch')], ['batch', 'io', 'io']);
  t.same([view('-batch', '-hold'), view('-idle', '-ba'), view('-progress', '-run')], ['batch', 'batch', 'batch'], 'an explicit -batch shows batches of the held, idle or running jobs');
  t.same([view('-batch', '-nobatch', '-hold'), view('-nobatch', '-idle'), view('-batch', '-nobatch')], ['hold', 'idle', 'nobatch']);
  t.same([view('-af', 'x', '-nobatch'), view('-json', '-idle')], ['af', 'json'], '-af, -format, -json and the like keep their form');
  t.throws(() => view('-af', 'x', '-batch'), { message: 'Error: -batch conflicts with -format and -af' });
});

t.test('condor_q -cputime, -currentrun, -cumulative-time, -limit and -attributes in queue.cpp\'s words', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-cputime').cpuTime, q('-cp').cpuTime], [true, true]);
  t.same([q('-currentrun').cumulativeTime, q('-cumulative-time').cumulativeTime], [false, true]);
  t.throws(() => q('-currentrun', '-cumulative-time'), { message: "Error: -cumulative-time can't be used with -currentrun" });
  t.throws(() => q('-cum', '-cur'), { message: "Error: -currentrun can't be used with -cumulative-time" });
  t.equal(q('-limit', '5').limit, 5);
  t.throws(() => q('-limit'), { message: 'Error: -limit requires the max number of results as an argument.' });
  t.throws(() => q('-lim', '5x'), { message: 'Error: Unable to convert (5x) to a number for -limit.' });
  t.throws(() => q('-limit', '0'), { message: 'Error: 0 is not a valid for -limit.' });
  t.throws(() => q('-limit', '-3'), { message: 'Error: -3 is not a valid for -limit.' });
  t.same(q('-attributes', 'ClusterId,Owner', '-at', 'Cmd').projection, ['ClusterId', 'Owner', 'Cmd']);
  t.throws(() => q('-attributes'), { message: 'Error: -attributes requires a list of attributes to show' });
  t.equal(q('-expert').view, 'default', '-expert: shorter error messages, which tinycondor has anyway');
});

t.test('condor_q -submitter NAME: jobs by AccountingGroup, else Owner (CondorQ::add CQ_SUBMITTER)', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same(q('-submitter', 'alice', '-s', 'nice-user.bob').submitters, ['alice', 'nice-user.bob']);
  t.equal(buildConstraint(q('7', '-submitter', 'alice', '-su', 'nice-user.bob')), '(ClusterId == 7 || (AccountingGroup ?: Owner) == "alice" || (AccountingGroup ?: Owner) == "bob")');
  t.throws(() => q('-submitter'), { message: 'Error: -submitter requires the name of a user.' });
});

t.test('condor_q -xml, and -long in the form -xml or -json chose', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-xml').view, q('-xml', '-long').view, q('-l', '-xml').view, q('-json', '-l').view], ['xml', 'xml', 'xml', 'json']);
  t.throws(() => q('-json', '-xml'), { message: 'Error: Cannot print as both XML and JSON' });
  t.throws(() => q('-xml', '-json'), { message: 'Error: Cannot print as both XML and JSON' });
  t.throws(() => q('-xm'), /unrecognized argument -xm/, '-xml needs its three letters');
  t.same([q('-long:json').view, q('-json', '-l:xml').view, q('-xml', '-long:long').view, q('-l:other').view], ['json', 'xml', 'long', 'long'], '-long:FORM');
  t.same([q('-long:jsonl').view, q('-l:new').view, q('-l:newl').view, q('-long:new', '-long').view, q('-xml', '-l:auto').view], ['jsonl', 'new', 'newl', 'new', 'long'], '-long:FORM, parseAdsFileFormat\'s words');
  t.same([q('-long:nosort').nosort, q('-long:nosort,json').view, q('-l:jsonl', '-xml').view, q('-l:new', '-json').view], [true, 'json', 'xml', 'json']);
  t.throws(() => q('-l:json', '-xml'), { message: 'Error: Cannot print as both XML and JSON' }, 'the form, not the option, conflicts');
  t.throws(() => q('-l:xml', '-json'), { message: 'Error: Cannot print as both XML and JSON' });
  t.throws(() => q('-json:x'), /unrecognized argument -json:x/, '-json and -xml take no :FORM (is_dash_arg_prefix)');
  t.throws(() => q('-xml:new'), /unrecognized argument -xml:new/);
  t.throws(() => q('-jsonl'), /unrecognized argument -jsonl/, 'condor_q has no -jsonl (condor_history does)');
  t.throws(() => q('-jobse'), { message: 'condor_q: -jobse is not supported by tinycondor: it keeps no job set ads' });
  t.throws(() => q('-jobs'), /unrecognized argument -jobs/, '-jobset needs five letters');
  t.throws(() => q('-jobsets'), /unrecognized argument -jobsets/);
});

t.test('condor_q -print-format FILE, and -pr ! (no default print-format files)', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-print-format', 'f.cpf').view, q('-pr', 'f.cpf').printFormatFile, q('-pr', '-').printFormatFile], ['printformat', 'f.cpf', '-']);
  t.same([q('-pr', '!').view, q('-pr', '!').printFormatFile], ['default', undefined]);
  t.throws(() => q('-print-format'), { message: 'Error: -print-format requires a filename argument' });
  t.throws(() => q('-print-format', '-nobatch'), { message: 'Error: -print-format requires a filename argument' });
});

t.test("condor_q's prefixes: -c is -constraint, -al or -all-users is -allusers", async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-c', 'x').constraints, q('-al').allUsers, q('-all-users').allUsers], [['x'], true, true]);
  t.throws(() => q('-c'), { message: 'Error: -constraint requires another parameter' });
});

t.test('condor_q -batch:C: what zero counts show; -batch:1 is -batch; other numbers refused', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-batch:-').batchZeroChar, q('-progress:b').batchZeroChar, q('-batch:z').batchZeroChar, q('-batch:1,*').batchZeroChar, q('-batch:x').batchZeroChar], ['-', '', '0', '*', undefined]);
  t.throws(() => q('-batch:2'), { message: 'condor_q: -batch:2: -batch:2 (experimental batch modes) is not supported by tinycondor' });
});

t.test('condor_q -help and -version stop where they are met', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-h').info, q('-help', '-bogus').info, q('-v').info, q('-he').info], ['help', 'help', 'version', undefined], '-he is -held');
  t.throws(() => q('-bogus', '-version'), /unrecognized argument -bogus/);
});

t.test('condor_q -name, -pool, -global; -schedd-constraint and -grid refused', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-name', 'submit@host').scheddName, q('-n', 'h').scheddName, q('-pool', 'cm:9618').pool, q('-g').global], ['submit@host', 'h', 'cm:9618', true]);
  t.throws(() => q('-name'), { message: 'Error: -name requires the name of a schedd as an argument.' });
  t.throws(() => q('-pool'), { message: 'Error: -pool requires a hostname as an argument.' });
  t.throws(() => q('-name', 'x', '-submitter', 'y'), { message: "Cannot query both schedd's and submitters" });
  t.throws(() => q('-submitter', 'y', '-name', 'x'), { message: "Cannot query both schedd's and submitters" });
  t.throws(() => q('-schedd-constraint', 'x'), { message: 'condor_q: -schedd-constraint is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names' });
  t.throws(() => q('-grid'), { message: 'condor_q: -grid is not supported by tinycondor: it runs no grid universe jobs' });
  t.throws(() => q('-goodput'), new CliError(`Error: unrecognized argument -goodput\n${USAGE}`), 'HTCondor\'s condor_q has no -goodput');
});

t.test('condor_history -xml, -jsonl, -json and -attributes as history.cpp reads them', async (t) => {
  const h = (...args: string[]) => parseQueryArgs(args, USAGE, { historyScan: true });
  t.same([h('-xml').view, h('-jsonl').view, h('-json').view], ['xml', 'jsonl', 'json']);
  t.same([h('-xml', '-long').view, h('-jsonl', '-l').view], ['xml', 'jsonl'], '-long keeps the form asked for');
  for (const args of [['-xml', '-json'], ['-jsonl', '-xml'], ['-json', '-jsonl']]) {
    t.throws(() => h(...args), { message: 'Error: Cannot use more than one of XML and JSON[L]' }, args.join(' '));
  }
  t.same(h('-attributes', 'Owner,ClusterId').projection, ['Owner', 'ClusterId']);
  t.throws(() => h('-attributes'), { message: 'Error: Argument -attributes must be followed by a list of attributes' });
  t.throws(() => h('-attributes', '-long'), { message: 'Error: Argument -attributes must be followed by a list of attributes' });
});

t.test('condor_q -autocluster, -group-by, -factory[:opts] and -stream-results, as queue.cpp reads them', async (t) => {
  const q = (...args: string[]) => parseQueryArgs(args, USAGE, { queueViews: true });
  t.same([q('-au').aggregate, q('-autocluster').aggregate, q('-gr').aggregate, q('-group-by').aggregate], ['autocluster', 'autocluster', 'group-by', 'group-by'], '-au and -gr come before -autoformat and -grid');
  t.equal(q('-autof', 'Owner').view, 'af');
  t.same([q('-fact').factory, q('-factory:c').factory, q('-factory:late_materialize').factory, q('-factory:c,l').factory], [3, 1, 2, 3]);
  t.throws(() => q('-factory:x'), { message: 'Error: unknown option x for -factory' });
  t.throws(() => q('-fac'), /unrecognized argument -fac/);
  t.throws(() => q('-autocluster', '-batch'), { message: 'Error: -batch conflicts with -autocluster' });
  t.throws(() => q('-batch', '-group-by'), { message: 'Error: -batch conflicts with -group-by' });
  t.equal(q('-group-by', '-batch', '-nobatch').aggregate, 'group-by', '-nobatch takes -batch back');
  t.equal(q('-autocluster', '-batch', '-long').aggregate, 'autocluster', '-long prints ads, no batches');
  t.equal(q('-st').streamResults, true);
  t.throws(() => q('-dag', '-stream-results'), /^-stream-results and -dag or -batch are incompatible\n/);
  t.throws(() => q('-stream-results', '-dag'), /^-stream-results and -dag are incompatible\n/);
  t.throws(() => q('-stream-results', '-batch'), /^-stream-results and -batch are incompatible\n/);
});

t.test("condor_history's sources, -name/-pool, -extract, -help and its other options, as history.cpp reads them", async (t) => {
  const h = (...args: string[]) => parseQueryArgs(args, USAGE, { historyScan: true });
  const refused = (...args: string[]) => {
    try {
      h(...args);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  t.same([h('-local').historyLocal, h('-loc').historyLocal, h('-lo').view], [true, true, 'long'], '-lo is -long (checked first), -loc -local');
  t.same([h('-search', '/x/history').searchPath, h('-sea', 'p').searchPath], ['/x/history', 'p']);
  t.equal(refused('-search'), 'Error: Argument -search requires another parameter');
  t.equal(h('-extract', 'out', '12').extractFile, 'out');
  t.equal(h('-ex', 'out').extractFile, 'out');
  t.equal(refused('-extract'), 'Error: Argument -extract requires another parameter.');
  t.same([h('-name', 'submit').scheddName, h('-n', 's').historyRemote, h('-pool', 'cm').pool, h('-p', 'cm').historyRemote], ['submit', true, 'cm', true]);
  t.same([h('-name', 's', '-file', 'f').historyRemote, h('-file', 'f', '-pool', 'cm').historyRemote, h('-pool', 'cm', '-local').historyRemote], [false, true, false], 'the last of -name/-pool and -file/-userlog/-local chooses (readfromfile)');
  t.equal(refused('-name'), 'Error: Argument -name requires name of a remote schedd\n\t\te.g. condor_history -name submit.example.com ');
  t.equal(refused('-pool'), 'Error: Argument -name requires name of a remote schedd\n\t\te.g. condor_history -name submit.example.com ', "history.cpp's words for -pool too");
  t.equal(refused('-local', '-name', 'x'), 'Error: -local and -name cannot be used together');
  t.equal(refused('-name', 'x', '-local'), 'Error: Arguments -local and -name cannot be used together');
  t.equal(h('-help', '-bogus').info, 'help', 'Usage at -help, before what follows');
  t.same([h('-limit', '3').limit, h('-m', '2').limit, h('-match', '0').limit, h('-lim', 'x').limit], [3, 2, undefined, undefined], '-limit/-match: atoi, 0 or less no limit');
  t.equal(refused('-limit'), 'Error: Argument -match requires a number value as a parameter.');
  t.same([h('-c', 'A').constraints, h('-co', 'B').constraints], [['A'], ['B']], '-constraint from one letter');
  t.equal(refused('-constraint'), 'Error: Argument -constraint requires another parameter');
  t.equal(refused('-since'), 'Error: Argument -since requires another parameter');
  t.equal(refused('-completedsince'), 'Error: Argument -completedsince requires another parameter.');
  t.equal(refused('-af'), 'Error: Argument -af requires at least one attribute parameter\n\t\te.g. condor_history -af ClusterId');
  t.equal(refused('-af', '-long'), 'Error: Argument -af requires at least one attribute parameter\n\t\te.g. condor_history -af ClusterId');
  t.equal(h('-autof', 'Owner').view, 'af');
  t.same([h('-debug').view, h('-debug:D_FULLDEBUG').view, h('-no-librarian').view], ['default', 'default', 'default'], 'nothing to show or to seek through');
  for (const option of ['-type', '-diagnostic', '-stream-results', '-inherit']) {
    t.equal(refused(option, 'x'), `condor_history: ${option} is not supported by tinycondor`, option);
  }
  // condor_q's and condor_status's options history.cpp does not have.
  for (const option of ['-js', '-au', '-allusers', '-totals', '-nobatch', '-batch', '-hold', '-de']) {
    t.equal(refused(option), `Error: Unknown argument ${option}\n${USAGE}`, option);
  }
});
