import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { DEFAULT_SCRATCH_MOUNT_SETTINGS, prepareScratchMounts, scratchMountSettings } from './scratch-mounts.js';

t.test("the knobs, with param_info.in's defaults", async (t) => {
  const knobs = (values: Record<string, string>) => scratchMountSettings((name) => values[name]);
  t.same(knobs({}), DEFAULT_SCRATCH_MOUNT_SETTINGS);
  t.same(knobs({ MOUNT_UNDER_SCRATCH: ' /scratch ', MOUNT_PRIVATE_DEV_SHM: 'false', PER_JOB_NAMESPACES: 'False' }), { mountUnderScratch: '/scratch', privateDevShm: false, perJobNamespaces: false });
  t.throws(() => knobs({ MOUNT_PRIVATE_DEV_SHM: 'maybe' }), { message: "MOUNT_PRIVATE_DEV_SHM must be True or False, got 'maybe'" });
});

t.test("the scratch subdirectories are made in the sandbox, 0700, never through what the job left there", async (t) => {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'scratch-mounts-'));
  t.teardown(() => fs.rmSync(sandbox, { recursive: true, force: true }));
  // A directory of the machine's the sandbox does not lie under (os.tmpdir() may be /tmp).
  const settings = { ...DEFAULT_SCRATCH_MOUNT_SETTINGS, mountUnderScratch: '"/usr/share, /nowhere/at/all"' };
  const prepared = prepareScratchMounts(settings, new ClassAd(), sandbox, undefined);
  t.same(prepared, { mounts: { binds: [{ source: `${sandbox}/usr/share/`, target: '/usr/share' }], privateDevShm: true }, skipped: [`Unable to add mapping ${sandbox} -> /nowhere/at/all because /nowhere/at/all doesn't exist.`] });
  t.equal(fs.statSync(path.join(sandbox, 'usr')).mode & 0o777, 0o700);
  t.equal(fs.statSync(path.join(sandbox, 'usr', 'share')).mode & 0o777, 0o700);
  t.same(prepareScratchMounts(settings, new ClassAd(), sandbox, undefined)?.mounts.binds.length, 1, 'at a restart in place, the directories are there already');

  fs.rmSync(path.join(sandbox, 'usr'), { recursive: true });
  fs.symlinkSync('/etc', path.join(sandbox, 'usr'));
  t.throws(() => prepareScratchMounts(settings, new ClassAd(), sandbox, undefined), { name: 'ScratchMountError', message: `Failed to create scratch directory ${sandbox}/usr/share/` }, 'a symlink the job left');
  t.equal(prepareScratchMounts({ ...settings, mountUnderScratch: '' }, new ClassAd(), sandbox, undefined), undefined, 'none named: no namespace');
  t.throws(() => prepareScratchMounts({ ...settings, mountUnderScratch: 'RequestCpus' }, new ClassAd().set('RequestCpus', 1), sandbox, undefined), {
    name: 'ScratchMountError',
    message: 'ERROR: MOUNT_UNDER_SCRATCH does not evaluate to a string, it is : 1',
  });
});
