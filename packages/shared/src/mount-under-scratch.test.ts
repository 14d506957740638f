import t from 'tap';
import { ClassAd } from './classad/index.js';
import { DEFAULT_MOUNT_UNDER_SCRATCH, mountUnderScratchDirs, planScratchMounts, scratchSubdirectory } from './mount-under-scratch.js';

t.test("MOUNT_UNDER_SCRATCH for a job outside containers (VanillaProc::StartJob): the knob only, an expression over the job ad or a list as written", async (t) => {
  const job = new ClassAd().set('Owner', 'alice').set('MountUnderScratch', '/scratch');
  t.same(mountUnderScratchDirs(DEFAULT_MOUNT_UNDER_SCRATCH, job), ['/tmp', '/var/tmp'], "the default, a string; the job's own mount_under_scratch is for containers only");
  t.same(mountUnderScratchDirs('/tmp, /var/tmp /home', job), ['/tmp', '/var/tmp', '/home'], 'not an expression: the list as written, split at commas and spaces');
  t.same(mountUnderScratchDirs('ifThenElse(Owner == "alice", "/alice", "/other")', job), ['/alice'], 'an expression over the job ad');
  t.same(mountUnderScratchDirs('ifThenElse(TARGET.UtsnameSysname =?= "Linux", "/tmp", "")', job), undefined, 'no machine ad to look in: TARGET is undefined, as in the starter');
  t.equal(mountUnderScratchDirs('', job), undefined, 'empty: no mount namespace');
  t.equal(mountUnderScratchDirs('""', job), undefined, 'an empty string: none either');
  t.same(mountUnderScratchDirs('" , "', job), [], 'a string of separators: a namespace with no directory, as the starter makes one');
  t.throws(() => mountUnderScratchDirs('tmp', job), { message: 'ERROR: MOUNT_UNDER_SCRATCH does not evaluate to a string, it is : undefined' }, 'a bare name is an attribute reference');
  t.throws(() => mountUnderScratchDirs('1 + 2', job), { message: 'ERROR: MOUNT_UNDER_SCRATCH does not evaluate to a string, it is : 3' });
});

t.test("each directory's place in the scratch directory (dirscat)", async (t) => {
  t.equal(scratchSubdirectory('/x/execute/dir_1', '/tmp'), '/x/execute/dir_1/tmp/');
  t.equal(scratchSubdirectory('/x/execute/dir_1/', '/var/tmp/'), '/x/execute/dir_1/var/tmp/', 'one slash between, one at the end');
  t.equal(scratchSubdirectory('/x/execute/dir_1', '//home//'), '/x/execute/dir_1/home/');
});

t.test('the mounts the starter makes, and the directories it skips with a log line', async (t) => {
  const existing = new Set(['/tmp', '/var/tmp', '/home', '/x', 'rel']);
  const isDirectory = (dir: string) => existing.has(dir);
  t.same(planScratchMounts(['/tmp', '/var/tmp', '/nowhere', '/tmp'], '/x/execute/dir_1', isDirectory), {
    mounts: [
      { source: '/x/execute/dir_1/tmp/', target: '/tmp' },
      { source: '/x/execute/dir_1/var/tmp/', target: '/var/tmp' },
    ],
    skipped: ["Unable to add mapping /x/execute/dir_1 -> /nowhere because /nowhere doesn't exist."],
  }, 'in order; a directory the machine lacks skipped; one named twice mounted once');
  t.same(planScratchMounts(['/tmp', '/var/tmp'], '/tmp/pool/execute/dir_1', isDirectory), {
    mounts: [{ source: '/tmp/pool/execute/dir_1/var/tmp/', target: '/var/tmp' }],
    skipped: ["Can't bind mount /tmp under execute dir /tmp/pool/execute/dir_1/tmp/ -- skipping MOUNT_UNDER_SCRATCH"],
  }, 'a directory the scratch directory lies under is skipped');
  t.same(planScratchMounts(['/x'], '/xy/dir_1', isDirectory).skipped.length, 1, "the starter's test is a prefix of the text, not of the path's components");
  t.throws(() => planScratchMounts(['rel'], '/x/dir_1', isDirectory), { message: 'Unable to add mappings for relative directories (/x/dir_1/rel/, rel).' });
});
