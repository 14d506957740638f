import t from 'tap';
import { ClassAd } from './classad/index.js';
import { configValue, parseCondorConfig, type CondorConfig } from './condor-config.js';
import { applyJobTransform, configuredJobTransforms, parseJobTransform, transformMatches, TransformError, type JobTransform } from './job-transform.js';

const settingsOf = (config: CondorConfig = new Map(), log?: (line: string, isError: boolean) => void) => ({
  configRaw: (name: string) => config.get(name.toUpperCase())?.value,
  env: {},
  log,
});

function transformed(ad: ClassAd, transform: JobTransform, config?: CondorConfig): { ad: ClassAd; changed: string[] } {
  const copy = ad.clone();
  const changed = transformMatches(transform, copy) ? [...applyJobTransform(copy, transform, settingsOf(config))] : [];
  return { ad: copy, changed };
}

t.test("HTCondor's test_default_checkpoint_destination: feature:DefaultCheckpointDestination's transform", async (t) => {
  const config = parseCondorConfig('DEFAULT_CHECKPOINT_DESTINATION_PREFIX = example://test/dir\nuse feature:DefaultCheckpointDestination\n', 'c');
  const { transforms, problems } = configuredJobTransforms({ value: (n) => configValue(config, n), raw: (n) => config.get(n.toUpperCase())?.value });
  t.same(problems, []);
  t.same(
    transforms.map((x) => x.name),
    ['CheckpointStorage'],
  );
  const [transform] = transforms as [JobTransform];
  const cases: [string, string, Record<string, unknown>][] = [
    ['no_checkpoint_exit_code', 'Owner = "example-owner-string"', { SuccessCheckpointExitCode: undefined, CheckpointDestination: undefined, CheckpointStorage: undefined }],
    ['only_checkpoint_exit_code', 'Owner = "example-owner-string"\nSuccessCheckpointExitCode = 85', { SuccessCheckpointExitCode: 85, CheckpointDestination: 'example://test/dir/example-owner-string', checkpoint_storage: undefined }],
    ['checkpoint_storage_default', 'Owner = "example-owner-string"\nSuccessCheckpointExitCode = 85\ncheckpoint_storage = "default"', { SuccessCheckpointExitCode: 85, CheckpointDestination: 'example://test/dir/example-owner-string', checkpoint_storage: 'default' }],
    ['checkpoint_storage_spool', 'Owner = "example-owner-string"\nSuccessCheckpointExitCode = 85\ncheckpoint_storage = "spool"', { SuccessCheckpointExitCode: 85, CheckpointDestination: undefined, checkpoint_storage: 'spool' }],
    ['checkpoint_storage_custom', 'Owner = "example-owner-string"\nSuccessCheckpointExitCode = 85\ncheckpoint_storage = "custom://myplace"', { SuccessCheckpointExitCode: 85, CheckpointDestination: 'custom://myplace', checkpoint_storage: 'custom://myplace' }],
  ];
  for (const [name, text, expected] of cases) {
    const { ad } = transformed(ClassAd.parseText(text), transform, config);
    for (const [attribute, value] of Object.entries(expected)) {
      const got = ad.has(attribute) ? (typeof value === 'number' ? ad.getInt(attribute) : ad.getString(attribute)) : undefined;
      t.equal(got, value, `${name}: ${attribute}`);
    }
  }
});

t.test('SET, DEFAULT, EVALSET, COPY, RENAME, DELETE and their regex forms', async (t) => {
  const transform = parseJobTransform(
    'x',
    [
      'SET A = 1 + 2',
      'EVALSET B 1 + 2',
      'DEFAULT C "kept"',
      'DEFAULT D "new"',
      'COPY Owner OwnerCopy',
      'RENAME Old New',
      'DELETE Gone',
      'COPY /^Request(.*)$/ Orig\\1',
      'DELETE /^tmp_/',
    ].join('\n'),
  );
  const ad = ClassAd.parseText('Owner = "u"\nC = "was"\nOld = 7\nGone = 1\nRequestCpus = 2\ntmp_a = 1\nTMP_b = 2');
  const { ad: out, changed } = transformed(ad, transform);
  t.equal(out.getSource('A'), '1 + 2');
  t.equal(out.getSource('B'), '3');
  t.equal(out.getString('C'), 'was');
  t.equal(out.getString('D'), 'new');
  t.equal(out.getString('OwnerCopy'), 'u');
  t.equal(out.getInt('New'), 7);
  t.notOk(out.has('Old'));
  t.notOk(out.has('Gone'));
  t.equal(out.getInt('OrigCpus'), 2);
  t.notOk(out.has('tmp_a'));
  t.notOk(out.has('TMP_b'), 'regexes are case-insensitive');
  t.same(changed.map((c) => c.toLowerCase()).sort(), ['a', 'b', 'd', 'gone', 'new', 'old', 'origcpus', 'ownercopy', 'tmp_a', 'tmp_b'].sort());
});

t.test('macros: own, MY.attr of the ad, then the configuration; if blocks; EVALMACRO', async (t) => {
  const config = parseCondorConfig('SITE = example\n', 'c');
  const transform = parseJobTransform(
    'x',
    ['Where = $(SITE)-$(MY.Owner)', 'EVALMACRO Big (RequestMemory > 1000)', 'if $(Big)', '  SET Size "big"', 'else', '  SET Size "small"', 'endif', 'if RequestMemory > 10', '  SET Over10 true', 'endif', 'SET Where "$(Where)"'].join('\n'),
  );
  const { ad } = transformed(ClassAd.parseText('Owner = "u"\nRequestMemory = 2048'), transform, config);
  t.equal(ad.getString('Where'), 'example-u');
  t.equal(ad.getString('Size'), 'big');
  t.equal(ad.getBool('Over10'), true, 'a complex condition is evaluated against the ad');
});

t.test('REQUIREMENTS chooses the ads; NAME, UNIVERSE and TRANSFORM lines are envelope', async (t) => {
  const transform = parseJobTransform('x', 'NAME other\nUNIVERSE vanilla\nREQUIREMENTS JobUniverse == 5\nSET Seen true\nTRANSFORM 1\nSET After true');
  t.equal(transform.name, 'x');
  t.same(transform.lines, ['SET Seen true'], 'reading stops at TRANSFORM with arguments');
  t.same(parseJobTransform('x', 'TRANSFORM\nSET After true').lines, ['TRANSFORM', 'SET After true'], 'a bare TRANSFORM is a statement (is_xform_statement wants a space after it)');
  t.equal(transformMatches(transform, ClassAd.parseText('JobUniverse = 5')), true);
  t.equal(transformMatches(transform, ClassAd.parseText('JobUniverse = 1')), false);
  t.equal(transformMatches(transform, ClassAd.parseText('Foo = 1')), false, 'undefined is not true');
  t.throws(() => parseJobTransform('x', 'REQUIREMENTS (('), new TransformError('x', 'invalid REQUIREMENTS : (('));
});

t.test('a statement that cannot be read fails the transform; a bad expression is logged and skipped', async (t) => {
  const ad = ClassAd.parseText('A = 1');
  t.throws(() => applyJobTransform(ad.clone(), parseJobTransform('x', 'FROB A 1'), settingsOf()), { message: 'FROB is not a valid transform keyword' });
  t.throws(() => applyJobTransform(ad.clone(), parseJobTransform('x', 'SET A'), settingsOf()), { message: 'SET needs 2 arguments' });
  t.throws(() => applyJobTransform(ad.clone(), parseJobTransform('x', 'if true\nSET A 2'), settingsOf()), { message: 'endif(s) not found before end-of-file' });
  const logged: string[] = [];
  const copy = ad.clone();
  applyJobTransform(copy, parseJobTransform('x', 'SET B ((\nSET C 3'), settingsOf(new Map(), (line, isError) => isError && logged.push(line)));
  t.same(logged, ['ERROR: SET B invalid expression : ((']);
  t.equal(copy.getInt('C'), 3);
});

t.test('configuredJobTransforms leaves out what the schedd ignores, with its log lines', async (t) => {
  const config = parseCondorConfig('JOB_TRANSFORM_NAMES = A, Missing Empty Old Bad NAMES\nJOB_TRANSFORM_A = SET X 1\nJOB_TRANSFORM_Empty =\nJOB_TRANSFORM_Old = [ set_X = 1 ]\nJOB_TRANSFORM_Bad = REQUIREMENTS ((\n', 'c');
  const { transforms, problems } = configuredJobTransforms({ value: (n) => configValue(config, n), raw: (n) => config.get(n.toUpperCase())?.value });
  t.same(
    transforms.map((x) => x.name),
    ['A'],
  );
  t.same(problems, [
    'JOB_TRANSFORM_Missing not defined, ignoring.',
    'JOB_TRANSFORM_Empty definition is empty, ignoring.',
    'JOB_TRANSFORM_Old macro appears to be in ClassAd format, which is no longer supported. Ignoring.',
    'JOB_TRANSFORM_Bad macro stream malformed, ignoring. (err=-1) invalid REQUIREMENTS : ((',
  ]);
});
