import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { configValue, parseCondorConfig } from '@tinycondor/shared/condor-config';
import { includesPoolFile, userConfigText, writePoolConfigFiles } from './pool-config-files.js';

function home(t: Test): { configFile: string; poolFile: string; warnings: string[]; log: pino.Logger } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-pool-config-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  return { configFile: path.join(dir, 'condor_config'), poolFile: path.join(dir, 'condor_config.pool'), warnings, log };
}

const read = (configFile: string) =>
  parseCondorConfig(fs.readFileSync(configFile, 'utf8'), configFile, undefined, {
    sources: { readFile: (f) => fs.readFileSync(f, 'utf8'), runCommand: () => ({ stdout: '', exitCode: 1 }), env: {}, cwd: '/' },
  });

t.test("a new pool's condor_config includes the pool's values; a user's edits survive a restart", async (t) => {
  const { configFile, poolFile, warnings, log } = home(t);
  writePoolConfigFiles(configFile, poolFile, [['SCHEDD_URL', 'http://127.0.0.1:1'], ['LOCAL_DIR', '/pool']], log);
  t.equal(fs.readFileSync(configFile, 'utf8'), userConfigText(poolFile));
  t.equal(configValue(read(configFile), 'SCHEDD_URL'), 'http://127.0.0.1:1');
  t.equal(configValue(read(configFile), 'LOCAL_CONFIG_DIR'), '/pool/config.d');

  fs.appendFileSync(configFile, 'CLAIM_WORKLIFE = -1\nSCHEDD_NAME = mine\n');
  writePoolConfigFiles(configFile, poolFile, [['SCHEDD_URL', 'http://127.0.0.1:2'], ['SCHEDD_NAME', 'pools']], log);
  const config = read(configFile);
  t.equal(configValue(config, 'CLAIM_WORKLIFE'), '-1', 'the edit is kept');
  t.equal(configValue(config, 'SCHEDD_NAME'), 'mine', "the user's value overrides the pool's");
  t.equal(configValue(config, 'SCHEDD_URL'), 'http://127.0.0.1:2', 'the new address is read');
  t.same(warnings, []);
});

t.test('a condor_config an earlier version rewrote at each start is replaced; one without the include is warned about', async (t) => {
  const { configFile, poolFile, warnings, log } = home(t);
  fs.writeFileSync(configFile, '# tinycondor pool configuration, written by the schedd each time it starts.\nSCHEDD_URL = http://old\n');
  writePoolConfigFiles(configFile, poolFile, [['SCHEDD_URL', 'http://new']], log);
  t.equal(configValue(read(configFile), 'SCHEDD_URL'), 'http://new');
  fs.writeFileSync(configFile, 'SCHEDD_URL = http://elsewhere\n');
  writePoolConfigFiles(configFile, poolFile, [['SCHEDD_URL', 'http://new']], log);
  t.equal(fs.readFileSync(configFile, 'utf8'), 'SCHEDD_URL = http://elsewhere\n', 'never rewritten');
  t.match(warnings, [/does not include .*condor_config.pool/]);
});

t.test('includesPoolFile reads include lines, relative ones from the file\'s directory', async (t) => {
  t.ok(includesPoolFile('include : /p/condor_config.pool\n', '/p/condor_config.pool'));
  t.ok(includesPoolFile('  @include ifexist : condor_config.pool\n', '/p/condor_config.pool'));
  t.notOk(includesPoolFile('# include : /p/condor_config.pool\n', '/p/condor_config.pool'));
  t.notOk(includesPoolFile('include : /q/condor_config.pool\n', '/p/condor_config.pool'));
});
