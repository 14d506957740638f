import t from 'tap';
import { ConfigParseError, configValue, formatCondorConfig, parseCondorConfig } from './condor-config.js';

t.test('parses assignments, comments, blank lines and continuations', async (t) => {
  const config = parseCondorConfig(
    ['# a comment', '', 'SPOOL = /var/spool/tc', '  Schedd_Name=sched1  ', 'LONG = one \\', 'two', 'EMPTY =', 'Url = http://x/#frag'].join('\n'),
    'tc.conf',
  );
  t.same([...config.entries()], [
    ['SPOOL', { name: 'SPOOL', value: '/var/spool/tc' }],
    ['SCHEDD_NAME', { name: 'Schedd_Name', value: 'sched1' }],
    ['LONG', { name: 'LONG', value: 'one two' }],
    ['EMPTY', { name: 'EMPTY', value: '' }],
    ['URL', { name: 'Url', value: 'http://x/#frag' }],
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
  t.throws(() => parseCondorConfig('1ABC = x', 'f'), { message: "f:1: expected NAME = value, got '1ABC = x'" });
});

t.test('configValue expands $(NAME) references case-insensitively', async (t) => {
  const config = parseCondorConfig('LOCAL_DIR = /tc\nSPOOL = $(local_dir)/spool\nLOG = $(LOCAL_DIR)/log/$(MISSING)x\n', 'f');
  t.equal(configValue(config, 'spool'), '/tc/spool');
  t.equal(configValue(config, 'LOG'), '/tc/log/x', 'an unset reference expands to nothing');
  t.equal(configValue(config, 'NOT_SET'), undefined);
});

t.test('a reference cycle is reported instead of recursing forever', async (t) => {
  const config = parseCondorConfig('A = $(B)\nB = $(A)\n', 'f');
  t.throws(() => configValue(config, 'A'), { message: 'config macro expansion too deep while expanding A' });
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
