// A port of HTCondor's src/condor_tests/test_default_checkpoint_destination.py: `use feature:
// DefaultCheckpointDestination` warns without a destination, and its CheckpointStorage job transform (run by
// condor_transform_ads -jobtransform) sets CheckpointDestination as HTCondor's does, for each test case.
// The job transform itself, as the schedd applies it at submit, is checked in test/job-transforms.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { runCommand } from '../helpers/pool.js';

const TEST_CASES: Record<string, { job: string; transformed_job: Record<string, string | number | null> }> = {
  no_checkpoint_exit_code: {
    job: `
            Owner = "example-owner-string"
        `,
    transformed_job: { SuccessCheckpointExitCode: null, CheckpointDestination: null, CheckpointStorage: null },
  },
  only_checkpoint_exit_code: {
    job: `
            Owner = "example-owner-string"
            SuccessCheckpointExitCode = 85
        `,
    transformed_job: { SuccessCheckpointExitCode: 85, CheckpointDestination: 'example://test/dir/example-owner-string', checkpoint_storage: null },
  },
  checkpoint_storage_default: {
    job: `
            Owner = "example-owner-string"
            SuccessCheckpointExitCode = 85
            checkpoint_storage = "default"
        `,
    transformed_job: { SuccessCheckpointExitCode: 85, CheckpointDestination: 'example://test/dir/example-owner-string', checkpoint_storage: 'default' },
  },
  checkpoint_storage_spool: {
    job: `
            Owner = "example-owner-string"
            SuccessCheckpointExitCode = 85
            checkpoint_storage = "spool"
        `,
    transformed_job: { SuccessCheckpointExitCode: 85, CheckpointDestination: null, checkpoint_storage: 'spool' },
  },
  checkpoint_storage_custom: {
    job: `
            Owner = "example-owner-string"
            SuccessCheckpointExitCode = 85
            checkpoint_storage = "custom://myplace"
        `,
    transformed_job: { SuccessCheckpointExitCode: 85, CheckpointDestination: 'custom://myplace', checkpoint_storage: 'custom://myplace' },
  },
};

const testDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-default-ckpt-dest-'));
t.teardown(() => fs.rmSync(testDir, { recursive: true, force: true }));
// The test's environment: its own CONDOR_CONFIG, nothing of a pool's.
const env = { PATH: process.env.PATH, HOME: process.env.HOME };

/** classad2's ad.get: the attribute's value, None (null) when it is not there. */
function valueOf(ad: ClassAd, attribute: string): string | number | null {
  if (!ad.has(attribute)) return null;
  return ad.getString(attribute) ?? ad.getInt(attribute) ?? null;
}

t.test('test_warning', async (t) => {
  const configFile = path.join(testDir, 'test_warning.config');
  fs.writeFileSync(configFile, '\n            use feature:DefaultCheckpointDestination\n        ');
  const p = await runCommand('condor_config_val', ['use', 'feature:DefaultCheckpointDestination'], { ...env, CONDOR_CONFIG: configFile }, testDir);
  t.equal(p.stderr, ' Warning : You must set DEFAULT_CHECKPOINT_DESTINATION_PREFIX or DEFAULT_CHECKPOINT_DESTINATION to use feature:DefaultCheckpointDestination.\n');
});

t.test('test_job_transform', async (t) => {
  // the_config_file writes the same file name as test_warning, after it.
  const configFile = path.join(testDir, 'test_warning.config');
  fs.writeFileSync(configFile, '\n        DEFAULT_CHECKPOINT_DESTINATION_PREFIX = example://test/dir\n        use feature:DefaultCheckpointDestination\n    ');
  for (const [name, testCase] of Object.entries(TEST_CASES)) {
    const adFile = path.join(testDir, name);
    fs.writeFileSync(adFile, testCase.job);
    const p = await runCommand('condor_transform_ads', ['-jobtransform', 'CheckpointStorage', adFile], { ...env, CONDOR_CONFIG: configFile }, testDir);
    t.equal(p.code, 0, `${name}: condor_transform_ads succeeds (stderr: ${p.stderr.trim()})`);
    // classad2.parseNext(…, ParserType.Old): the first ad of the output.
    const ad = ClassAd.parseText(p.stdout.split(/\n\s*\n/)[0]!);
    for (const [attribute, value] of Object.entries(testCase.transformed_job)) {
      t.equal(valueOf(ad, attribute), value, `${name}: ${attribute}`);
    }
  }
});
