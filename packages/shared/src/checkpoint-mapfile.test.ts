import t from 'tap';
import { checkpointsToKeep, cleanupCommand, parseCheckpointMap } from './checkpoint-mapfile.js';

t.test("CHECKPOINT_DESTINATION_MAPFILE as MapFile reads prefix entries, and the clean-up it names", async (t) => {
  const { map, skipped } = parseCheckpointMap(
    [
      '# comment',
      '',
      '*   local://example.vo/example.fs   cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,/srv/ckpt',
      '*  "s3://bucket/with space"  "my_cleanup -x,\\"q\\""',
      '*   local://example.vo   shorter_prefix',
      '*   local://example.vo/example.fs   second_entry_for_a_prefix',
      '*   lonely',
      '@include other.map',
    ].join('\n'),
    '/pool/checkpoint-destination-mapfile',
  );
  t.same(skipped, [
    'Error parsing line 7 of /pool/checkpoint-destination-mapfile.  (Method=*) (Principal=lonely) (Canon=) Skipping to next line.',
    '/pool/checkpoint-destination-mapfile:8: @include is not implemented by tinycondor in /pool/checkpoint-destination-mapfile',
  ]);
  t.same(cleanupCommand(map, 'local://example.vo/example.fs'), ['shorter_prefix'], 'the first matching prefix in sorted order');
  t.same(cleanupCommand(map, 's3://bucket/with space/x'), ['my_cleanup', '-x', '"q"'], 'a quoted principal and canonicalization, split on commas and blanks');
  t.equal(cleanupCommand(map, 'osdf:///nowhere'), undefined);
  const only = parseCheckpointMap('*   local://example.vo/example.fs   cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,/srv/ckpt\n', 'm').map;
  t.same(cleanupCommand(only, 'local://example.vo/example.fs/sub'), ['cleanup_locally_mounted_checkpoint', '-prefix', 'local://example.vo/example.fs', '-path', '/srv/ckpt'], '\\0 is the prefix matched');
  t.equal(cleanupCommand(parseCheckpointMap('GSI x y\n', 'm').map, 'x'), undefined, 'only method *');
});

t.test('after a successful checkpoint: the newest 1 + DEFAULT_NUM_EXTRA_CHECKPOINTS MANIFESTs stay', async (t) => {
  t.same([...checkpointsToKeep([0, 3, 1, 2], 1)].sort(), [2, 3]);
  t.same([...checkpointsToKeep([0, 3, 1, 2], 0)], [3]);
  t.same([...checkpointsToKeep([5], 1)], [5]);
  t.same([...checkpointsToKeep([], 1)], []);
});
