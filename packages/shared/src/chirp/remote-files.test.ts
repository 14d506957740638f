import t from 'tap';
import { ClassAd } from '../classad/index.js';
import { ChirpError } from './protocol.js';
import { chirpCodeOfErrno, dirListing, longDirListing, openFlags, remoteFileAccessAllowed, statfsString, statString, submitSidePath, whoAnswer } from './remote-files.js';

t.test('a path is taken from the Iwd, as the shadow running there opens it; an absolute one as it is', async (t) => {
  t.equal(submitSidePath('/home/u/job', 'in.txt'), '/home/u/job/in.txt');
  t.equal(submitSidePath('/home/u/job/', 'a/b.txt'), '/home/u/job/a/b.txt');
  t.equal(submitSidePath('/home/u/job', '../other/x'), '/home/u/job/../other/x', 'not normalized: the system resolves .. and links');
  t.equal(submitSidePath('/home/u/job', '/etc/motd'), '/etc/motd');
  t.equal(submitSidePath('/home/u/job', ''), undefined, 'an empty path names nothing (ENOENT)');
});

t.test('getfile, putfile and unlink need WantIOProxy or a streamed std file (allowRemote*FileAccess)', async (t) => {
  const ad = (name: string, value: string) => {
    const jobAd = new ClassAd();
    jobAd.setExpr(name, value);
    return jobAd;
  };
  t.ok(remoteFileAccessAllowed(ad('WantIOProxy', 'true')));
  t.ok(remoteFileAccessAllowed(ad('StreamOut', 'true')));
  t.notOk(remoteFileAccessAllowed(ad('WantRemoteUpdates', 'true')), 'remote updates alone are not file access');
  t.notOk(remoteFileAccessAllowed(ad('WantIOProxy', 'false')));
});

t.test("the proxy's convert: errno to reply code", async (t) => {
  t.equal(chirpCodeOfErrno('ENOENT'), ChirpError.DoesntExist);
  t.equal(chirpCodeOfErrno('EACCES'), ChirpError.NotAuthorized);
  t.equal(chirpCodeOfErrno('EPERM'), ChirpError.NotAuthorized);
  t.equal(chirpCodeOfErrno('EFBIG'), ChirpError.TooBig);
  t.equal(chirpCodeOfErrno('EISDIR'), ChirpError.IsDir);
  t.equal(chirpCodeOfErrno('ENOTDIR'), ChirpError.NotDir);
  t.equal(chirpCodeOfErrno('ETXTBSY'), ChirpError.Busy);
  t.equal(chirpCodeOfErrno('ELOOP'), ChirpError.Unknown, 'one convert does not list');
});

t.test('whoami and whoareyou: the fixed answers, for a buffer of 1..1024 bytes that holds them', async (t) => {
  t.same(whoAnswer('CONDOR', 1024), { value: 'CONDOR' });
  t.same(whoAnswer('CONDOR', 6), { value: 'CONDOR' });
  t.same(whoAnswer('CONDOR', 5), { errno: 'ENOSPC' });
  t.same(whoAnswer('UNKNOWN', 6), { errno: 'ENOSPC' });
  t.same(whoAnswer('CONDOR', 5120), { errno: 'EINVAL' }, "condor_chirp's own CHIRP_LINE_MAX is refused");
  t.same(whoAnswer('CONDOR', 0), { errno: 'EINVAL' });
});

t.test('listings: names then an empty line; long ones with stat_string lines', async (t) => {
  t.equal(dirListing(['a', 'b c']), 'a\nb c\n\n');
  t.equal(dirListing([]), '\n');
  const stat = { dev: 1, ino: 2, mode: 33188, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 5, blksize: 4096, blocks: 8, atimeMs: 1500, mtimeMs: 2000, ctimeMs: 2999 };
  t.equal(statString(stat), '1 2 33188 1 0 0 0 5 4096 8 1 2 2\n');
  t.equal(longDirListing([{ name: 'f', stat }]), 'f\n1 2 33188 1 0 0 0 5 4096 8 1 2 2\n\n');
});

t.test("open's flags word, as the proxy reads it, and statfs's line", async (t) => {
  t.same(openFlags('r'), { access: 'read', create: false, truncate: false, exclusive: false, append: false });
  t.same(openFlags('w'), { access: 'write', create: false, truncate: false, exclusive: false, append: false });
  t.same(openFlags('cwb'), { access: 'write', create: true, truncate: false, exclusive: false, append: false }, 'b means nothing');
  t.same(openFlags('rwcta'), { access: 'both', create: true, truncate: true, exclusive: false, append: true });
  t.same(openFlags('cwx'), { access: 'write', create: true, truncate: false, exclusive: true, append: false });
  t.same(openFlags('zz'), { access: 'read', create: false, truncate: false, exclusive: false, append: false });
  t.equal(statfsString({ type: 61267, bsize: 4096, blocks: 10, bfree: 5, bavail: 4, files: 100, ffree: 50 }), '61267 4096 10 5 4 100 50\n');
});
