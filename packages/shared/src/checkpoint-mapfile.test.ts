import t from 'tap';
import { checkpointsToKeep, cleanupCommand } from './checkpoint-mapfile.js';
import { parseMapData } from './map-file.js';

t.test('CHECKPOINT_DESTINATION_MAPFILE: the clean-up the longest matching prefix names', async (t) => {
  const { map, problems } = parseMapData(
    [
      '# comment',
      '',
      '*   local://example.vo/example.fs   cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,/srv/ckpt',
      '*  "s3://bucket/with space"  "my_cleanup -x,\\"q\\""',
      '*   local://example.vo   shorter_prefix',
      '*   local://example.vo/example.fs   second_entry_for_a_prefix',
      '*   lonely',
    ].join('\n'),
    '/pool/checkpoint-destination-mapfile',
    { prefix: true },
  );
  t.same(problems, ['ERROR: Error parsing line 7 of /pool/checkpoint-destination-mapfile.  (Method=*) (Principal=lonely) (Canon=) Skipping to next line.']);
  t.same(
    cleanupCommand(map, 'local://example.vo/example.fs/sub'),
    ['cleanup_locally_mounted_checkpoint', '-prefix', 'local://example.vo/example.fs', '-path', '/srv/ckpt'],
    'the longest prefix, its first line; \\0 is the prefix matched',
  );
  t.same(cleanupCommand(map, 'local://example.vo/other'), ['shorter_prefix']);
  t.same(cleanupCommand(map, 's3://bucket/with space/x'), ['my_cleanup', '-x', '"q"'], 'a quoted principal and canonicalization, split on commas and blanks');
  t.equal(cleanupCommand(map, 'osdf:///nowhere'), undefined);
  t.equal(cleanupCommand(parseMapData('GSI x y\n', 'm', { prefix: true }).map, 'x'), undefined, 'only method *');
});

t.test('after a successful checkpoint: the newest 1 + DEFAULT_NUM_EXTRA_CHECKPOINTS MANIFESTs stay', async (t) => {
  t.same([...checkpointsToKeep([0, 3, 1, 2], 1)].sort(), [2, 3]);
  t.same([...checkpointsToKeep([0, 3, 1, 2], 0)], [3]);
  t.same([...checkpointsToKeep([5], 1)], [5]);
  t.same([...checkpointsToKeep([], 1)], []);
});
