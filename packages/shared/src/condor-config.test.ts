import t from 'tap';
import { ConfigParseError, configValue, expandTemplateArguments, formatCondorConfig, parseCondorConfig, templateUses } from './condor-config.js';

t.test('parses assignments, comments, blank lines and continuations', async (t) => {
  const config = parseCondorConfig(
    ['# a comment', '', 'SPOOL = /var/spool/tc', '  Schedd_Name=sched1  ', 'LONG = one \\', 'two', 'EMPTY =', 'Url = http://x/#frag'].join('\n'),
    'tc.conf',
  );
  t.same([...config.entries()], [
    ['SPOOL', { name: 'SPOOL', value: '/var/spool/tc', source: 'tc.conf, line 3' }],
    ['SCHEDD_NAME', { name: 'Schedd_Name', value: 'sched1', source: 'tc.conf, line 4' }],
    ['LONG', { name: 'LONG', value: 'one two', source: 'tc.conf, line 5' }],
    ['EMPTY', { name: 'EMPTY', value: '', source: 'tc.conf, line 7' }],
    ['URL', { name: 'Url', value: 'http://x/#frag', source: 'tc.conf, line 8' }],
  ]);
});

t.test('CRLF line endings and a later assignment overriding an earlier one', async (t) => {
  const config = parseCondorConfig('A = 1\r\nB = 2\r\na = 3\r\n', 'f');
  t.equal(configValue(config, 'A'), '3');
  t.equal(configValue(config, 'B'), '2');
  t.equal(config.get('A')?.name, 'a');
});

t.test('a line that is not an assignment is an error naming file and line', async (t) => {
  const err = t.throws(() => parseCondorConfig('A = 1\n\nthis is junk\n', '/etc/tc.conf'));
  t.ok(err instanceof ConfigParseError);
  if (err instanceof ConfigParseError) {
    t.equal(err.message, "/etc/tc.conf:3: expected NAME = value, got 'this is junk'");
    t.equal(err.file, '/etc/tc.conf');
    t.equal(err.line, 3);
    t.equal(err.name, 'ConfigParseError');
  }
  t.throws(() => parseCondorConfig('A-B = x', 'f'), { message: 'f:1: Illegal Identifier: <A-B>' });
});

t.test('configValue expands $(NAME) references case-insensitively', async (t) => {
  const config = parseCondorConfig('LOCAL_DIR = /tc\nSPOOL = $(local_dir)/spool\nLOG = $(LOCAL_DIR)/log/$(MISSING)x\n', 'f');
  t.equal(configValue(config, 'spool'), '/tc/spool');
  t.equal(configValue(config, 'LOG'), '/tc/log/x', 'an unset reference expands to nothing');
  t.equal(configValue(config, 'NOT_SET'), undefined);
});

t.test('a reference cycle is reported instead of recursing forever', async (t) => {
  const config = parseCondorConfig('A = $(B)\nB = $(A)\n', 'f');
  t.throws(() => configValue(config, 'A'), { message: 'config macro expansion failed while expanding A: macro $(B) refers to itself (recursive macro definition)' });
});

t.test('$(NAME:default) uses the default when NAME is unset', async (t) => {
  const config = parseCondorConfig('PORT = $(TC_PORT:9618)\n', 'f');
  t.equal(configValue(config, 'PORT'), '9618');
});

t.test('a self-reference expands to the earlier value, as in HTCondor', async (t) => {
  const config = parseCondorConfig('DAEMON_LIST = MASTER\nDAEMON_LIST = $(DAEMON_LIST) SCHEDD\n', 'f');
  let value: string | undefined;
  try {
    value = configValue(config, 'DAEMON_LIST');
  } catch {
    value = undefined;
  }
  t.equal(value, 'MASTER SCHEDD');
});

t.test('formatCondorConfig writes the header as comments then NAME = value lines', async (t) => {
  const text = formatCondorConfig(
    [
      ['SPOOL', '/tc/spool'],
      ['SCHEDD_NAME', 'sched 1'],
    ],
    'written by tinycondor\ndo not edit',
  );
  t.equal(text, '# written by tinycondor\n# do not edit\nSPOOL = /tc/spool\nSCHEDD_NAME = sched 1\n');
  const back = parseCondorConfig(text, 'f');
  t.equal(configValue(back, 'SCHEDD_NAME'), 'sched 1');
});

const files = (tree: Record<string, string>, commands: Record<string, { stdout: string; exitCode: number }> = {}) => ({
  readFile: (p: string) => {
    const text = tree[p];
    if (text === undefined) throw new Error('No such file or directory');
    return text;
  },
  runCommand: (argv: string[]) => {
    const result = commands[argv.join(' ')];
    if (!result) throw new Error(`cannot run ${argv[0]}`);
    return result;
  },
  env: { HOME: '/home/u' },
  cwd: '/etc/condor',
});

t.test('+= appends with a space or the separator given, only to a non-empty value', async (t) => {
  const config = parseCondorConfig('A += one\nA += two\nB = x\nB +,= y\nC = p\nC +&&= q\n', 'f');
  t.equal(configValue(config, 'A'), 'one two');
  t.equal(configValue(config, 'B'), 'x,y');
  t.equal(configValue(config, 'C'), 'p && q');
});

t.test('NAME @=tag … @tag holds several lines; NAME : value is an assignment', async (t) => {
  const config = parseCondorConfig('X @=end\n  SET A 1\n  # a comment\n  SET B 2\n@end\nY: 3\n', 'f');
  t.equal(configValue(config, 'X'), 'SET A 1\nSET B 2');
  t.equal(configValue(config, 'Y'), '3');
  t.throws(() => parseCondorConfig('X @=end\nA\n', 'f'), { message: "f:1: Found end-of-file while scanning for '@end' in f" });
});

t.test('if/elif/else/endif choose lines; defined, version, booleans and $(…) conditions', async (t) => {
  const text = [
    'A = 1',
    'if defined A',
    '  B = yes',
    'else',
    '  B = no',
    'endif',
    'if ! defined NOPE',
    '  C = 1',
    'endif',
    'if $(A)',
    '  D = one',
    'elif true',
    '  D = two',
    'endif',
    'if version >= 8.0.0',
    '  E = new',
    'endif',
    'if defined use feature:GPUs',
    '  F = has',
    'endif',
    'if defined use feature:NoSuchThing',
    '  G = has',
    'endif',
  ].join('\n');
  const config = parseCondorConfig(text, 'f');
  t.equal(configValue(config, 'B'), 'yes');
  t.equal(configValue(config, 'C'), '1');
  t.equal(configValue(config, 'D'), 'one');
  t.equal(configValue(config, 'E'), 'new');
  t.equal(configValue(config, 'F'), 'has');
  t.equal(configValue(config, 'G'), undefined);
  t.throws(() => parseCondorConfig('if a == b\nendif\n', 'f'), { message: 'f:1: a == b is not a valid if condition because complex conditionals are not supported' });
  t.throws(() => parseCondorConfig('if true\n', 'f'), { message: 'f:1: endif(s) not found before end-of-file' });
  t.throws(() => parseCondorConfig('endif\n', 'f'), { message: 'f:1: endif without matching if' });
});

t.test('use CATEGORY : name reads HTCondor\'s template, with its arguments and warnings', async (t) => {
  const warnings: string[] = [];
  const config = parseCondorConfig('use feature:DefaultCheckpointDestination\n', '/c', undefined, { warn: (w) => warnings.push(w) });
  t.same(warnings, [' Warning : You must set DEFAULT_CHECKPOINT_DESTINATION_PREFIX or DEFAULT_CHECKPOINT_DESTINATION to use feature:DefaultCheckpointDestination.']);
  t.equal(configValue(config, 'JOB_TRANSFORM_NAMES'), undefined, 'nothing is set without a destination');

  const set = parseCondorConfig('DEFAULT_CHECKPOINT_DESTINATION_PREFIX = example://test/dir\nUSE Feature : DefaultCheckpointDestination\n', '/c');
  t.equal(set.get('DEFAULT_CHECKPOINT_DESTINATION')?.value, '"$(DEFAULT_CHECKPOINT_DESTINATION_PREFIX)/$(MY.Owner)"');
  t.equal(configValue(set, 'DEFAULT_CHECKPOINT_DESTINATION'), '"example://test/dir/"', 'MY.Owner is the job\'s, known only in a transform');
  t.equal(set.get('DEFAULT_CHECKPOINT_DESTINATION')?.source, '/c, line 2 (use FEATURE:DefaultCheckpointDestination)');
  t.equal(configValue(set, 'JOB_TRANSFORM_NAMES')?.trim(), 'CheckpointStorage');
  t.match(configValue(set, 'JOB_TRANSFORM_CheckpointStorage'), /^REQUIREMENTS \(MY.CheckpointDestination =\?= undefined\)/);
  t.match(configValue(set, 'EXTENDED_SUBMIT_COMMANDS'), /^checkpoint_storage = "'default' or 'spool' or a checkpoint_destination"/);

  const monitor = parseCondorConfig('use feature : StartdCronPeriodic(tag, 5m, /bin/true)\n', 'f');
  t.equal(configValue(monitor, 'STARTD_CRON_JOBLIST')?.trim(), 'tag');
  t.equal(configValue(monitor, 'STARTD_CRON_tag_PERIOD'), '5m');
  t.throws(() => parseCondorConfig('use feature : Monitor(a)\n', 'f'), { message: 'f:1: at use FEATURE:Monitor: Error : use feature : monitor requires five or more arguments' });
  t.throws(() => parseCondorConfig('use feature : NoSuch\n', 'f'), { message: 'f:1: Error: use feature: does not recognise NoSuch' });
  t.throws(() => parseCondorConfig('use nosuchcategory : x\n', 'f'), { message: 'f:1: Error: at use nosuchcategory:x' });
});

t.test('template arguments: $(N), $(N?), $(N+), $(0#) and defaults', async (t) => {
  t.equal(expandTemplateArguments('$(1)/$(2)/$(3:z)', 'a, b'), 'a/b/z');
  t.equal(expandTemplateArguments('$(2?) $(3?)', 'a,b'), '1 0');
  t.equal(expandTemplateArguments('N=$(2:$(NUM_CPUS)) T=$(3+:1/$(N_$(1:1)))', ''), 'N=$(NUM_CPUS) T=1/$(N_1)', 'a default holding macros, argument macros in it expanded too');
  t.equal(expandTemplateArguments('$(2+)', 'a, b,c'), 'b,c');
  t.equal(expandTemplateArguments('$(0#) [$(0)]', ' a,b '), '2 [a,b]');
  t.same(templateUses('A, B(x, (y)), C'), [
    { name: 'A', args: '' },
    { name: 'B', args: 'x, (y)' },
    { name: 'C', args: '' },
  ]);
});

t.test('include reads a file or a command\'s output in place, with ifexist and a depth limit', async (t) => {
  const sources = files(
    { '/etc/condor/local.conf': 'B = from-local\ninclude : $(DIR)/deeper.conf\n', '/etc/condor/d/deeper.conf': 'C = deep\n' },
    { 'gen --x': { stdout: 'D = generated\n', exitCode: 0 }, 'fail': { stdout: '', exitCode: 3 } },
  );
  const config = parseCondorConfig('DIR = /etc/condor/d\ninclude : local.conf\ninclude command : gen --x\ninclude ifexist : missing.conf\nE = $ENV(HOME)\n', 'top', undefined, { sources });
  t.equal(configValue(config, 'B'), 'from-local');
  t.equal(configValue(config, 'C'), 'deep');
  t.equal(configValue(config, 'D'), 'generated');
  t.equal(configValue(config, 'E', sources.env), '/home/u');
  t.equal(config.get('C')?.source, '/etc/condor/d/deeper.conf, line 1');
  t.throws(() => parseCondorConfig('include : missing.conf\n', 'top', undefined, { sources }), {
    message: "top:1: Include Depth 1: missing.conf: can't open file missing.conf: No such file or directory",
  });
  t.throws(() => parseCondorConfig('include : fail |\n', 'top', undefined, { sources }), { message: 'top:1: Include Depth 1: fail: command terminated with exit code 3' });
  t.throws(() => parseCondorConfig('include : x\n', 'top'), { message: 'top:1: include statement is not allowed in this context' });
  const loop = files({ '/etc/condor/self.conf': 'include : self.conf\n' });
  t.throws(() => parseCondorConfig('include : self.conf\n', 'top', undefined, { sources: loop }), /includes nested too deep/);
});

t.test('warning and error lines, in HTCondor\'s words', async (t) => {
  const warnings: string[] = [];
  parseCondorConfig('A = x\nwarning : careful with $(A)\n', '/c', undefined, { warn: (w) => warnings.push(w) });
  t.same(warnings, ['Config source Warning "/c", Line 2: careful with x']);
  t.throws(() => parseCondorConfig('error : stop here\n', '/c'), { message: '/c:1: Error : stop here' });
});

t.test('a Win32 .ini section header is skipped; a leading : in an if body is read', async (t) => {
  const config = parseCondorConfig('[Section]\nif true\n:A = 1\nendif\n', 'f');
  t.equal(configValue(config, 'A'), '1');
});
