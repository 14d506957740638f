import t from 'tap';
import { ClassAd } from './classad/index.js';
import { configValue, parseCondorConfig } from './condor-config.js';
import { checkSubmitRequirements, configuredSubmitRequirements, SubmitWarnings } from './submit-requirements.js';

function configured(text: string) {
  const config = parseCondorConfig(text, 'c');
  return configuredSubmitRequirements({ value: (name) => configValue(config, name) });
}

const schedd = new ClassAd().set('MyType', 'Scheduler').set('Name', 'submit.example.org');

t.test("the admin manual's example: requirements in order, the first not met refuses with its reason", async (t) => {
  const { requirements, problems } = configured(
    [
      'SUBMIT_REQUIREMENT_NAMES = NotStandardUniverse, MinimalRequestMemory, NotChris',
      'SUBMIT_REQUIREMENT_NotStandardUniverse = JobUniverse != 1',
      'SUBMIT_REQUIREMENT_MinimalRequestMemory = RequestMemory > 512',
      'SUBMIT_REQUIREMENT_NotChris = Owner != "chris"',
      'SUBMIT_REQUIREMENT_NotStandardUniverse_REASON = "This pool does not accept standard universe jobs."',
      'SUBMIT_REQUIREMENT_MinimalRequestMemory_REASON = strcat( "The job only requested ", \\',
      '  RequestMemory, " Megabytes." )',
      '',
    ].join('\n'),
  );
  t.same(problems, []);
  t.same(
    requirements.map((r) => [r.name, r.isWarning, r.reason !== undefined]),
    [
      ['NotStandardUniverse', false, true],
      ['MinimalRequestMemory', false, true],
      ['NotChris', false, false],
    ],
  );
  const job = (text: string) => ClassAd.parseText(text);
  t.same(checkSubmitRequirements(requirements, job('JobUniverse = 5\nRequestMemory = 1024\nOwner = "alice"'), schedd), { refusal: undefined, warnings: [], problems: [] });
  t.same(checkSubmitRequirements(requirements, job('JobUniverse = 1\nRequestMemory = 10\nOwner = "chris"'), schedd).refusal, { words: 'This pool does not accept standard universe jobs.', rval: -1 });
  t.same(checkSubmitRequirements(requirements, job('JobUniverse = 5\nRequestMemory = 10\nOwner = "alice"'), schedd).refusal, { words: 'The job only requested 10 Megabytes.', rval: -1 });
  t.same(checkSubmitRequirements(requirements, job('JobUniverse = 5\nRequestMemory = 1024\nOwner = "chris"'), schedd).refusal, { words: 'Submit requirement NotChris not met.\n', rval: -1 }, 'no reason: the default words');
});

t.test('a warning does not refuse and does not stop the check; the refusal after it still comes', async (t) => {
  const { requirements } = configured(
    [
      'SUBMIT_REQUIREMENT_NAMES = OneGig Flag',
      'SUBMIT_REQUIREMENT_OneGig = RequestMemory > 1024',
      'SUBMIT_REQUIREMENT_OneGig_REASON = "As of <date>, the minimum requested memory will be 1024."',
      'SUBMIT_REQUIREMENT_OneGig_IS_WARNING = TRUE',
      'SUBMIT_REQUIREMENT_Flag = flag == true',
      '',
    ].join('\n'),
  );
  t.same(checkSubmitRequirements(requirements, ClassAd.parseText('RequestMemory = 600\nflag = true'), schedd), {
    refusal: undefined,
    warnings: ['As of <date>, the minimum requested memory will be 1024.'],
    problems: [],
  });
  t.same(checkSubmitRequirements(requirements, ClassAd.parseText('RequestMemory = 600\nflag = false'), schedd), {
    refusal: { words: 'Submit requirement Flag not met.\n', rval: -1 },
    warnings: ['As of <date>, the minimum requested memory will be 1024.'],
    problems: [],
  });
});

t.test('MY is the schedd, TARGET the job; SCHEDD and JOB name them; an unscoped name is looked for in the schedd first', async (t) => {
  const { requirements } = configured(
    [
      'SUBMIT_REQUIREMENT_NAMES = Here Scoped Aliased',
      'SUBMIT_REQUIREMENT_Here = Name == "submit.example.org"',
      'SUBMIT_REQUIREMENT_Scoped = MY.MyType == "Scheduler" && TARGET.Name == "job-name"',
      'SUBMIT_REQUIREMENT_Aliased = SCHEDD.Name == "submit.example.org" && JOB.Name == "job-name" && JOB.RequestCpus == 2',
      '',
    ].join('\n'),
  );
  t.same(checkSubmitRequirements(requirements, ClassAd.parseText('Name = "job-name"\nRequestCpus = 2'), schedd).refusal, undefined);
  t.same(checkSubmitRequirements(requirements, ClassAd.parseText('Name = "job-name"\nRequestCpus = 1'), schedd).refusal?.words, 'Submit requirement Aliased not met.\n');
});

t.test('what is not a boolean refuses in checkSubmitRequirements words; a number counts as one', async (t) => {
  const { requirements } = configured('SUBMIT_REQUIREMENT_NAMES = R\nSUBMIT_REQUIREMENT_R = $(EXPR)\n');
  const check = (expr: string) => checkSubmitRequirements(configured(`SUBMIT_REQUIREMENT_NAMES = R\nSUBMIT_REQUIREMENT_R = ${expr}\n`).requirements, ClassAd.parseText('A = 1'), schedd).refusal;
  t.same(requirements, [], 'an empty value is not defined');
  t.same(check('NoSuchAttribute'), { words: 'Submit requirement R evaluated to non-boolean.\n', rval: -3 });
  t.same(check('"text"'), { words: 'Submit requirement R evaluated to non-boolean.\n', rval: -3 });
  t.same(check('1/0 == 1'), { words: 'Submit requirement R evaluated to non-boolean.\n', rval: -3 }, 'an error');
  t.same(check('{ 1, 2 }'), { words: 'Submit requirement R failed to evaluate.\n', rval: -2 }, 'a list');
  t.same(check('A'), undefined, '1 is true');
  t.same(check('A - 1'), { words: 'Submit requirement R not met.\n', rval: -1 }, '0 is false');
});

t.test('a reason that gives no string: the default words, and the schedd says why in its log', async (t) => {
  const verdict = (reason: string) =>
    checkSubmitRequirements(configured(`SUBMIT_REQUIREMENT_NAMES = R\nSUBMIT_REQUIREMENT_R = false\nSUBMIT_REQUIREMENT_R_REASON = ${reason}\n`).requirements, new ClassAd(), schedd);
  t.same(verdict('NoSuchAttribute'), { refusal: { words: 'Submit requirement R not met.\n', rval: -1 }, warnings: [], problems: ['Submit requirement reason R did not evaluate to a string.'] });
  t.same(verdict('{ "a" }').problems, ['Submit requirement reason R failed to evaluate.']);
});

t.test("the configuration's problems: logged, and the requirement or its reason left out, as the schedd's initAndReconfig does", async (t) => {
  const { requirements, problems } = configured(
    [
      'SUBMIT_REQUIREMENT_NAMES = NAMES, Missing, Broken, BadReason, BadWarning',
      'SUBMIT_REQUIREMENT_Broken = RequestMemory >',
      'SUBMIT_REQUIREMENT_BadReason = true',
      'SUBMIT_REQUIREMENT_BadReason_REASON = strcat("x"',
      'SUBMIT_REQUIREMENT_BadWarning = true',
      'SUBMIT_REQUIREMENT_BadWarning_IS_WARNING = sometimes',
      '',
    ].join('\n'),
  );
  t.same(problems, [
    'Submit requirement Missing not defined, ignoring.',
    'Unable to parse submit requirement Broken, ignoring.',
    'Unable to parse submit requirement reason BadReason, ignoring.',
    'SUBMIT_REQUIREMENT_BadWarning_IS_WARNING in the condor configuration  is not a valid boolean ("sometimes").  Please set it to True or False (default is False)',
  ]);
  t.same(
    requirements.map((r) => [r.name, r.reason, r.isWarning]),
    [
      ['BadReason', undefined, false],
      ['BadWarning', undefined, false],
    ],
  );
});

t.test('IS_WARNING as param_boolean reads it: true/false/1/0, or an expression', async (t) => {
  const isWarning = (value: string) => configured(`SUBMIT_REQUIREMENT_NAMES = W\nSUBMIT_REQUIREMENT_W = true\nSUBMIT_REQUIREMENT_W_IS_WARNING = ${value}\n`).requirements[0]?.isWarning;
  t.equal(isWarning('True'), true);
  t.equal(isWarning('1'), true);
  t.equal(isWarning('FALSE'), false);
  t.equal(isWarning('0'), false);
  t.equal(isWarning('2 > 1'), true);
  t.equal(isWarning('10'), true);
});

t.test("the warnings' text as CondorError::getFullText gives it: newest first, QMGMT:0:, joined by |", async (t) => {
  const warnings = new SubmitWarnings();
  t.equal(warnings.empty, true);
  warnings.add('first');
  warnings.add('second');
  warnings.add('second');
  t.equal(warnings.empty, false);
  t.equal(warnings.text(), 'QMGMT:0:second|QMGMT:0:second|QMGMT:0:first');
});
