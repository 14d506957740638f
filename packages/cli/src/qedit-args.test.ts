import t from 'tap';
import { DEFAULT_JOB_ATTR_RULES, jobAttrRules } from '@tinycondor/shared/job-edit';
import { diagnosticReport, editsFromFile, parseQeditArgs, protectedEditErrors, storedEditValue } from './qedit-args.js';

t.test('job ids alone are edited one by one, sorted and without repeats', async (t) => {
  t.same(parseQeditArgs(['12.1', '3.0', '12.1', 'Foo', '1']), {
    edit: { jobs: ['3.0', '12.1'], onlyMyJobs: false, edits: [['Foo', '1']], dryRun: false },
  });
});

t.test('a cluster id turns the ids into a constraint, as qedit.cpp builds it', async (t) => {
  const parsed = parseQeditArgs(['7', '5.2', '5.1', 'A=2']);
  t.same(parsed, {
    edit: { constraint: '( (( ClusterId == 5 && (ProcId == 1  || ProcId == 2 ))|| ClusterId == 7 ) )', onlyMyJobs: false, edits: [['A', '2']], dryRun: false },
  });
});

t.test('an owner, -owner, -jobids and -constraint are joined with &&', async (t) => {
  t.same(parseQeditArgs(['alice', 'X', '"y"']), { edit: { constraint: '( (Owner=="alice") )', onlyMyJobs: false, edits: [['X', '"y"']], dryRun: false } });
  t.same(parseQeditArgs(['-owner', 'bob', '-jobids', '4.0,4.1', '-constraint', 'JobPrio > 1', 'X=1']), {
    edit: { constraint: '( (Owner=="bob") && (JobPrio > 1) && (( ClusterId == 4 && (ProcId == 0  || ProcId == 1 ))) )', onlyMyJobs: false, edits: [['X', '1']], dryRun: false },
  });
});

t.test('a constraint alone edits only my jobs (CONDOR_Q_ONLY_MY_JOBS)', async (t) => {
  t.same(parseQeditArgs(['-constraint', 'true', 'X', '1']), { edit: { constraint: '( (true) )', onlyMyJobs: true, edits: [['X', '1']], dryRun: false } });
});

t.test('edits are set by name, the last value of a name wins, -dry-run asks only', async (t) => {
  t.same(parseQeditArgs(['-dry', '1.0', 'b', '2', 'a=1', 'b=3']), { edit: { jobs: ['1.0'], onlyMyJobs: false, edits: [['a', '1'], ['b', '3']], dryRun: true } });
  t.same(parseQeditArgs(['1.0', 'Neg', '-5']), { edit: { jobs: ['1.0'], onlyMyJobs: false, edits: [['Neg', '-5']], dryRun: false } }, 'a value after a name may start with -');
});

t.test("HTCondor's messages for what it refuses", async (t) => {
  t.same(parseQeditArgs([]), { usage: 1 });
  t.same(parseQeditArgs(['-help']), { usage: 0 });
  t.same(parseQeditArgs(['1.0']), { usage: 1, message: 'condor_qedit : Error - no attributes specifed.\n' });
  t.same(parseQeditArgs(['-constraint', 'true']), { usage: 1, message: 'condor_qedit : Error - no attributes specifed.\n' });
  t.same(parseQeditArgs(['1.0', 'Foo']), { usage: 1, message: 'condor_qedit : expression required after attribute Foo\n' });
  t.same(parseQeditArgs(['-bogus']), { usage: 1, message: 'condor_qedit: -bogus is not a valid option\n' });
  t.same(parseQeditArgs(['1.0', 'bad-name=2']), { error: 'Update aborted, illegal attribute-name specified for attribute "bad-name".', abort: true });
  t.match(parseQeditArgs(['1.0', '2bad=2']), { usage: 1 }, 'an argument starting with a digit after a job id is another job id, as on HTCondor');
  t.same(parseQeditArgs(['1.0', 'Foo=(']), { error: 'Update aborted, illegal value for : Foo', abort: true });
  t.same(parseQeditArgs(['1.0', 'Foo=']), { error: 'Update aborted, illegal value for : Foo', abort: true });
  t.same(parseQeditArgs(['-constraint', '((', 'X=1']), { error: 'condor_qedit: invalid constraint: ((' });
  t.match(parseQeditArgs(['-name', 'other', '1.0', 'X=1']), { error: /-name is not supported by tinycondor/ });
  t.same(parseQeditArgs(['-forw', '1.0', 'X=1']), { edit: { jobs: ['1.0'], onlyMyJobs: false, edits: [['X', '1']], dryRun: false, forward: true } }, '-forward, any prefix of three letters');
  t.same(parseQeditArgs(['-fo', '1.0', 'X=1']), { usage: 1, message: 'condor_qedit: -fo is not a valid option\n' });
});

t.test('immutable and secure attributes are refused by the tool, without regard to case', async (t) => {
  t.same(protectedEditErrors([['ClusterId', '3'], ['Foo', '1'], ['osuser', '"x"'], ['TotalSubmitProcs', '1']], DEFAULT_JOB_ATTR_RULES), [
    'Update of immutable attribute "ClusterId" is not allowed.',
    'Update of immutable attribute "osuser" is not allowed.',
    'Update of secure attribute "TotalSubmitProcs" is not allowed.',
  ]);
  const knobs: Record<string, string> = { IMMUTABLE_JOB_ATTRS: 'AcctGroup', PROTECTED_JOB_ATTRS: 'Bar', SECURE_JOB_ATTRS: 'Baz' };
  const rules = jobAttrRules((name) => knobs[name]);
  t.same(protectedEditErrors([['acctgroup', '"x"'], ['Bar', '1'], ['Baz', '1'], ['Owner', '"x"']], rules), [
    'Update of immutable attribute "acctgroup" is not allowed.',
    'Update of secure attribute "Baz" is not allowed.',
    'Update of immutable attribute "Owner" is not allowed.',
  ], "the configured lists; a protected attribute is the schedd's to refuse (a queue superuser may change it)");
});

t.test('a file of edits in the long or the new form', async (t) => {
  t.same([...editsFromFile('# comment\nA = 1\nB = "two"\n\nC = 3\n', 'auto', 'f')], [['A', '1'], ['B', '"two"']], 'one ad: up to the first blank line');
  t.same([...editsFromFile('[ A = 1; B = "two" ]', 'auto', 'f')], [['A', '1'], ['B', '"two"']]);
  t.throws(() => editsFromFile('{"A": 1}', 'auto', 'f'), /not json/);
  t.throws(() => editsFromFile('', 'long', 'f'), /Unable to read file of edits: f/);
});

t.test('-diagnostic reports the query and the edits instead of editing (qedit.cpp, dash_diagnostic)', async (t) => {
  const stopped = parseQeditArgs(['-diag', '3.1', '3.0', 'Owner', '"x"', 'Foo=(', 'JobPrio=5']);
  t.same(
    stopped,
    { diagnostic: { errors: ['Update aborted, illegal value for : Foo'], jobs: ['3.0', '3.1'], onlyMyJobs: false, canDoClusterEdits: false, edits: [['Owner', '"x"']] } },
    'a bad edit ends the reading at level 1 (as without -diagnostic), and the report still comes, of what was read',
  );
  const good = parseQeditArgs(['-diagnostic', '3.1', '3.0', 'Owner', '"x"', 'JobPrio=5']);
  t.ok('diagnostic' in good);
  if (!('diagnostic' in good)) return;
  t.same(good.diagnostic, { errors: [], jobs: ['3.0', '3.1'], onlyMyJobs: false, canDoClusterEdits: false, edits: [['JobPrio', '5'], ['Owner', '"x"']] });
  const rules = jobAttrRules((name) => (name === 'PROTECTED_JOB_ATTRS' ? 'JobPrio' : undefined));
  t.equal(
    diagnosticReport(good.diagnostic, good.diagnostic.edits, rules),
    '--- effective query ----\nFROM local (local)\nQEDIT BY JOBID : 3.0 3.1 \nONLY_MY_JOBS = false\nCAN_DO_CLUSTER_EDITS = false\n' +
      'JobPrio = 5\n  WARNING: protected attribute\nOwner = "x"\n  ERROR: immutable attribute\n------------------------\n',
  );

  const clusters = parseQeditArgs(['-diagnostic:2', '7', 'bad-name=1', 'Foo=(', 'Bar=2']);
  if (!('diagnostic' in clusters)) return t.fail('a report at level 2');
  t.same(clusters.diagnostic.errors, ['Update aborted, illegal attribute-name specified for attribute "bad-name".', 'Update aborted, illegal value for : Foo'], 'level 2 reads every argument');
  t.equal(
    diagnosticReport(clusters.diagnostic, clusters.diagnostic.edits, DEFAULT_JOB_ATTR_RULES),
    '--- effective query ----\nFROM local (local)\nQEDIT BY CONSTRAINT : ( (ClusterId == 7 ) )\nONLY_MY_JOBS = false\nCAN_DO_CLUSTER_EDITS = true\n' +
      'Bar = 2\nFoo = (\n  ERROR: invalid expression\nbad-name = 1\n  ERROR: invalid attribute\n------------------------\n',
  );

  const levelOne = parseQeditArgs(['-diagnostic', '-constraint', 'true', 'A=1', 'bad-name=1', 'B=2']);
  if (!('diagnostic' in levelOne)) return t.fail('a report at level 1 after a bad edit');
  t.same(levelOne.diagnostic, { errors: ['Update aborted, illegal attribute-name specified for attribute "bad-name".'], constraint: '( (true) )', onlyMyJobs: true, canDoClusterEdits: false, edits: [['A', '1']] }, 'level 1 stops at the first bad edit and reports what it read');
  t.same(parseQeditArgs(['-diagnostic:x', '1.0', 'A=1']), { edit: { jobs: ['1.0'], onlyMyJobs: false, edits: [['A', '1']], dryRun: false } }, 'atoi of a non-number is 0: no diagnostic');
});

t.test('values are read in old ClassAd syntax (ParseClassAdRvalExpr) and sent in the stored form', async (t) => {
  t.equal(storedEditValue('"C:\\dir"'), '"C:\\\\dir"');
  t.equal(storedEditValue('"D:\\out\\"'), '"D:\\\\out\\\\"');
  t.equal(storedEditValue('Foo + 1'), 'Foo + 1');
  t.equal(storedEditValue('"a\\" + 1'), undefined, 'a quote after a backslash is no closing quote while text follows');
  const parsed = parseQeditArgs(['1.0', 'Dir', '"D:\\out\\"']);
  t.same('edit' in parsed && parsed.edit.edits, [['Dir', '"D:\\out\\"']], 'accepted as typed');
  t.same(editsFromFile('[ Dir = "C:\\\\x"; N = 1 ]', 'auto', 'f'), new Map([['Dir', '"C:\\x"'], ['N', '1']]), 'a new-form file\'s values as ExprTreeToString writes them');
});
