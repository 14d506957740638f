import t from 'tap';
import { ClassAd } from '../classad/index.js';
import { fileInfoUrl, filenameRemapFind, openPathOfUrl } from './file-info.js';

const ad = (attrs: Record<string, string>) => ClassAd.fromJSON(attrs);

t.test('filename_remap_find: exact names, then directories, recursively', async (t) => {
  t.same(filenameRemapFind('a = b; c=/abs/d', 'a'), { found: 1, output: 'b' });
  t.same(filenameRemapFind('a = b; c=/abs/d', 'c'), { found: 1, output: '/abs/d' });
  t.same(filenameRemapFind('a = b; c=/abs/d', 'x'), { found: 0, output: '' });
  t.same(filenameRemapFind('a=b; b=c', 'a'), { found: 1, output: 'c' }, 'a target is mapped again');
  t.same(filenameRemapFind('in=/data/in', 'in/sub/f.txt'), { found: 1, output: '/data/in/sub/f.txt' }, 'a directory rule maps what is under it');
  t.same(filenameRemapFind('a\\=b=c', 'a=b'), { found: 1, output: 'c' }, 'a backslash escapes the delimiter');
  t.same(filenameRemapFind('a=\tb\n', 'a'), { found: 1, output: 'b' }, 'tabs and newlines are dropped');
  t.same(filenameRemapFind('junk;a=b', 'a'), { found: 1, output: 'b' }, 'a field without = is skipped');
  t.same(filenameRemapFind('a=b; b=a', 'a', 3), { found: -1, output: '<0: a><1: b><2: a><3: b><abort>' }, 'a cycle ends at MAX_REMAP_RECURSIONS');
});

t.test('pseudo_get_file_info_new: the URL of a logical name', async (t) => {
  const iwd = '/home/u/job';
  t.equal(fileInfoUrl(ad({}), iwd, 'in.txt'), 'remote:/home/u/job/in.txt', 'a relative name from the Iwd');
  t.equal(fileInfoUrl(ad({}), iwd, '/etc/motd'), 'remote:/etc/motd');
  t.equal(fileInfoUrl(ad({}), iwd, '/dev/null'), 'local:/dev/null', '/dev/null and /dev/zero are local');
  t.equal(fileInfoUrl(ad({ FileRemaps: '"in.txt = data/real.txt"' }), iwd, 'in.txt'), 'remote:/home/u/job/data/real.txt', 'a remap to a file is taken from the Iwd');
  t.equal(fileInfoUrl(ad({ FileRemaps: '"real.txt = /abs/x"' }), iwd, 'sub/real.txt'), 'remote:/abs/x', 'the last entry of the name is looked up too');
  t.equal(fileInfoUrl(ad({ FileRemaps: '"/home/u/job/a = b"' }), iwd, 'a'), 'remote:/home/u/job/b', 'and the full path');
  t.equal(fileInfoUrl(ad({ FileRemaps: '"in.txt = buffer:remote:/x"' }), iwd, 'in.txt'), 'buffer:remote:/x', 'a target with a colon is the URL');
  t.equal(fileInfoUrl(ad({ FileRemaps: 'strcat("a", "=b")' }), iwd, 'a'), 'remote:/home/u/job/b', 'FileRemaps is an expression (file_remaps), evaluated');
  t.equal(fileInfoUrl(ad({ LocalFiles: '"*.tmp"' }), iwd, 'x.tmp'), 'local:/home/u/job/x.tmp');
  t.equal(fileInfoUrl(ad({ FetchFiles: '"a, b"', CompressFiles: '"b"', AppendFiles: '"/home/u/job/b"' }), iwd, 'b'), 'fetch:compress:append:remote:/home/u/job/b');
  t.equal(fileInfoUrl(ad({ BufferSize: '1000', BufferBlockSize: '100' }), iwd, 'b'), 'buffer:remote:/home/u/job/b', 'buffer_size and buffer_block_size buffer every remote file');
  t.equal(fileInfoUrl(ad({ BufferSize: '1000', BufferBlockSize: '100' }), iwd, '/dev/zero'), 'local:/dev/zero', 'never a device');
  t.equal(fileInfoUrl(ad({ BufferSize: '1000' }), iwd, 'b'), 'remote:/home/u/job/b', 'no block size: not buffered');
  t.equal(fileInfoUrl(ad({ BufferFiles: '"b = (2000,200)"' }), iwd, 'b'), 'buffer:(2000,200)remote:/home/u/job/b', 'buffer_files with sizes');
  t.equal(fileInfoUrl(ad({ BufferFiles: '"b = yes"' }), iwd, 'b'), 'buffer:remote:/home/u/job/b');
  t.equal(fileInfoUrl(ad({ FileRemaps: '"a=b;b=a"' }), iwd, 'a', 2), '<0: a><1: b><2: a><abort>', 'a cycle: its text, which has colons, is the URL');
  t.equal(fileInfoUrl(ad({ FileRemaps: '"a=b"' }), '/x/y', 'f', 2), '<0: /x/y/f><1: /x/y><2: /x><abort>', 'a path deeper than MAX_REMAP_RECURSIONS: its directories run out of levels too');
  t.equal(fileInfoUrl(ad({}), '/home/u/job', 'c:/x'), 'remote:c:/x', "fullpath's drive letters");
});

t.test("the proxy's open: remote: and buffer:remote: are dropped, any other URL opened as it is", async (t) => {
  t.equal(openPathOfUrl('remote:/home/u/job/in.txt'), '/home/u/job/in.txt');
  t.equal(openPathOfUrl('buffer:remote:/x'), '/x');
  t.equal(openPathOfUrl('local:/dev/null'), 'local:/dev/null');
  t.equal(openPathOfUrl('fetch:remote:/x'), 'fetch:remote:/x');
});
