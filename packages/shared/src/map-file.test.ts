import t from 'tap';
import { parseMapData, readMapFile, type MapFileSources } from './map-file.js';

/** Files held in memory, as an include reads them. */
function sources(files: Record<string, string>, dirs: Record<string, string[]> = {}): MapFileSources {
  return {
    readFile: (file) => {
      const text = files[file];
      if (text === undefined) throw new Error('No such file or directory');
      return text;
    },
    isDirectory: (file) => file in dirs,
    configDirFiles: (dir) => dirs[dir] ?? [],
  };
}

t.test("HTCondor's test_user_mapping: literal, /regex/ and quoted principals (hash_canon)", async (t) => {
  const { map, problems } = parseMapData(
    [
      'FS /(.*)/ \\1',
      'KERBEROS /.*/ \\0',
      'CLAIMTOBE john john',
      'CLAIMTOBE billg billg',
      'CLAIMTOBE pjfry pjfry',
      'CLAIMTOBE swinger swinger',
      'CLAIMTOBE /smiller.*/ smiller',
      'CLAIMTOBE /j.*r/ jackmiller',
      'CLAIMTOBE /.*/ some_\\0',
      'GSI "/C=US/ST=Wisconsin/L=Madison/O=CHTC/O=TEST/CN=CA" jmiller',
      'GSI "/C=US/ST=Wisconsin/L=Madison/O=CHTC/O=TEST/CN=CERT" jmiller',
      'GSI "/DC=com/DC=DigiCert-Grid/O=Open Science Grid/OU=People/CN=Jack Miller" jmiller',
      '',
    ].join('\n'),
    'hash_canon',
  );
  t.same(problems, []);
  for (const user of ['Alice', 'Bob', 'john', 'billg', 'pjfry', 'uncle', 'swinger', 'jmiller']) {
    t.equal(map.canonicalization('FS', user), user);
    t.equal(map.canonicalization('KERBEROS', user), user);
  }
  t.equal(map.canonicalization('CLAIMTOBE', 'Alice'), 'some_Alice');
  t.equal(map.canonicalization('CLAIMTOBE', 'john'), 'john');
  t.equal(map.canonicalization('CLAIMTOBE', 'uncle'), 'some_uncle');
  t.equal(map.canonicalization('CLAIMTOBE', 'swinger'), 'swinger');
  t.equal(map.canonicalization('CLAIMTOBE', 'jmiller'), 'jackmiller', 'the entries in file order, regexes unanchored');
  t.equal(map.canonicalization('GSI', '/C=US/ST=Wisconsin/L=Madison/O=CHTC/O=TEST/CN=CA'), 'jmiller');
  t.equal(map.canonicalization('GSI', '/DC=com/DC=DigiCert-Grid/O=Open Science Grid/OU=People/CN=Jack Miller'), 'jmiller');
  t.equal(map.canonicalization('GSI', '/DC=com/DC=DigiCert-Grid/O=Open Science Grid/OU=People/CN=John Miller'), undefined);
  t.equal(map.canonicalization('claimtobe', 'john'), 'john', 'methods compare case-insensitively');
  t.equal(map.canonicalization('CLAIMTOBE', 'JOHN'), 'some_JOHN', 'principals do not');
  t.equal(map.canonicalization('*', 'john'), undefined);
});

t.test("HTCondor's test_user_mapping: a prefix map (prefix_canon), the longest prefix first", async (t) => {
  const { map } = parseMapData(
    [
      'osdf\t/example.vo/example.fs\t/cephfs/example.fs',
      'dav\tdav.example.vo/private\t/nfs/private',
      'https\tsquid.example.vo/priv\tsquid_priv',
      'https\tsquid.example.vo/\t\tsquid_public',
    ].join('\n'),
    'prefix_canon',
    { prefix: true },
  );
  t.equal(map.canonicalization('osdf', '/example.vo/example.fs/example'), '/cephfs/example.fs', 'a leading / is no regex in a prefix map');
  t.equal(map.canonicalization('osdf', 'prefix/example.vo/example.fs/example'), undefined);
  t.equal(map.canonicalization('dav', 'dav.example.vo/private/file'), '/nfs/private');
  t.equal(map.canonicalization('dav', 'dav.other.vo/private/file'), undefined);
  t.equal(map.canonicalization('dav', 'private-dav.example.vo/private/file'), undefined);
  t.equal(map.canonicalization('https', 'squid.example.vo/priv/file'), 'squid_priv');
  t.equal(map.canonicalization('https', 'prefix-squid.example.vo/priv/file'), undefined);
  t.equal(map.canonicalization('https', 'squid.example.vo/file'), 'squid_public');
  t.equal(map.canonicalization('https', 'prefix-squid.example.vo/file'), undefined);
});

t.test('fields, comments, the first entry for a principal, groups and substitutions', async (t) => {
  const { map, problems } = parseMapData(
    [
      '# a comment',
      '   ',
      '*  bob  first',
      '*  bob  second',
      '*  "with space"  "a \\"quoted\\" canon"',
      '*  /^(\\w+)@(EXAMPLE)\\.ORG$/i  \\2:\\1:\\3:\\\\1',
      '*  /^x(a+)/U  short-\\1',
      '*  /^(y)|(z)$/  [\\1][\\2]',
      '*  lonely',
      '*  /([/  broken',
      '',
    ].join('\n'),
    'map',
  );
  t.equal(map.canonicalization('*', 'bob'), 'first', 'a principal given again keeps its first line');
  t.equal(map.canonicalization('*', 'with space'), 'a "quoted" canon');
  t.equal(map.canonicalization('*', 'ann@example.org'), 'example:ann:\\3:\\\\1', '`i` after the regex; \\N past the groups and \\\\ stay as written');
  t.equal(map.canonicalization('*', 'xaaa'), 'short-a', '`U`: ungreedy');
  t.equal(map.canonicalization('*', 'y'), '[y][\\2]', 'a group past the last that took part stays as written');
  t.equal(map.canonicalization('*', 'z'), '[][z]', 'a group that did not take part is empty');
  t.same(problems, [
    'ERROR: Error parsing line 9 of map.  (Method=*) (Principal=lonely) (Canon=) Skipping to next line.',
    "ERROR: Error compiling expression '([' (map line 10).  this entry will be ignored.",
  ]);
});

t.test('@include: a file or a directory, relative to the including file, not nested, never a prefix map', async (t) => {
  const files = {
    '/etc/maps/main': '* alice main\n@include more\n@include /etc/maps/d\n* carol main\n',
    '/etc/maps/more': '* alice more\n* bob more\n@include main\n',
    '/etc/maps/d/1': '* dave d1\n',
  };
  const { map, problems } = readMapFile('/etc/maps/main', { sources: sources(files, { '/etc/maps/d': ['/etc/maps/d/1', '/etc/maps/d/missing'] }) });
  t.equal(map?.canonicalization('*', 'alice'), 'main');
  t.equal(map?.canonicalization('*', 'bob'), 'more');
  t.equal(map?.canonicalization('*', 'carol'), 'main');
  t.equal(map?.canonicalization('*', 'dave'), 'd1');
  t.same(problems, [
    'ERROR: @include directive not allowed in the map file /etc/maps/more (line 3)',
    "ERROR: Could not open canonicalization file '/etc/maps/d/missing' (No such file or directory)",
  ]);
  const prefixed = readMapFile('/p/map', { prefix: true, sources: sources({ '/p/map': 'osdf /a pre\n@include lit\n', '/p/lit': 'osdf /b/ rx\n' }) }).map;
  t.equal(prefixed?.canonicalization('osdf', '/a/x'), 'pre');
  t.equal(prefixed?.canonicalization('osdf', 'b'), 'rx', 'the included file is read as a map of literals and regexes');
  t.same(readMapFile('/nowhere', { sources: sources({}) }), { map: undefined, problems: ["ERROR: Could not open canonicalization file '/nowhere' (No such file or directory)"] });
  t.same(parseMapData('@include\n', 'data').problems, ['ERROR: Empty filename for @include directive in the map data (line 1)']);
});
