import t from 'tap';
import { ClassAd, unparseValue } from './classad/index.js';
import { UserMaps, userMapSettings, type UserMapSources } from './user-maps.js';

/** Files held in memory, each with a modification time a test moves on. */
function fakeFiles(files: Record<string, { text: string; modified: number }>): UserMapSources & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile: (file) => {
      const entry = files[file];
      if (entry === undefined) throw new Error('No such file or directory');
      reads.push(file);
      return entry.text;
    },
    isDirectory: () => false,
    configDirFiles: () => [],
    modified: (file) => files[file]?.modified,
  };
}

function logged(): { lines: string[]; log: (line: string, isProblem: boolean) => void } {
  const lines: string[] = [];
  return { lines, log: (line, isProblem) => lines.push(`${isProblem ? 'problem' : 'info'}: ${line}`) };
}

function knobs(text: Record<string, string>): (name: string) => string | undefined {
  const upper = new Map(Object.entries(text).map(([name, value]) => [name.toUpperCase(), value]));
  return (name) => upper.get(name.toUpperCase());
}

t.test("HTCondor's test_macro_expand: userMap's 2, 3 and 4 argument forms over CLASSAD_USER_MAPDATA", async (t) => {
  const maps = new UserMaps();
  const { settings } = userMapSettings('SCHEDD', knobs({ SCHEDD_CLASSAD_USER_MAP_NAMES: 'grouptest', CLASSAD_USER_MAPDATA_grouptest: '* alice Security,MetalShop\n* bob Security,WoodShop\n' }));
  maps.reconfigure(settings, fakeFiles({}), () => undefined);
  const ev = (expr: string) => unparseValue(new ClassAd().evaluateExpr(expr, undefined, { userMap: maps.userMap }));
  t.equal(ev('userMap("grouptest","bob")'), '"Security,WoodShop"', 'the whole list, as one string');
  t.equal(ev('userMap("grouptest","bob",undefined)'), '"Security"');
  t.equal(ev('userMap("grouptest","bob","woodshop")'), '"WoodShop"', 'the preferred item, case aside');
  t.equal(ev('userMap("grouptest","bob","shop")'), '"Security"');
  t.equal(ev('userMap("grouptest","alice")'), '"Security,MetalShop"');
  t.equal(ev('userMap("grouptest","alice",undefined)'), '"Security"');
  t.equal(ev('userMap("grouptest","alice","metalshop")'), '"MetalShop"');
  t.equal(ev('userMap("grouptest","alice","shop","AutoShop")'), '"Security"');
  t.equal(ev('userMap("grouptest","alice",undefined,"AutoShop")'), '"Security"');
  t.equal(ev('userMap("grouptest","john")'), 'undefined');
  t.equal(ev('userMap("grouptest","john",undefined)'), 'undefined');
  t.equal(ev('userMap("grouptest","john","metalshop")'), 'undefined');
  t.equal(ev('userMap("grouptest","john","shop","AutoShop")'), '"AutoShop"');
  t.equal(ev('userMap("grouptest","john",undefined,"AutoShop")'), '"AutoShop"');
  t.equal(ev('userMap("GROUPTEST","bob",undefined)'), '"Security"', 'map names are case-insensitive');
  t.equal(ev('userMap("nosuchmap","bob")'), 'undefined');
});

t.test("the admin manual's example: a regex entry after the literals, and a submap (name.method)", async (t) => {
  const maps = new UserMaps();
  const { settings } = userMapSettings(
    'TOOL',
    knobs({ TOOL_CLASSAD_USER_MAP_NAMES: 'Trust, groups', CLASSAD_USER_MAPDATA_Trust: '  * Bob   User\n  * Alice Admin\n  * /.*/  Nobody\n', CLASSAD_USER_MAPDATA_groups: '*   Bob   security\n*   Alice security,math\nalt Alice math,hacking\n' }),
  );
  maps.reconfigure(settings, fakeFiles({}), () => undefined);
  t.equal(maps.userMap('Trust', 'Alice'), 'Admin');
  t.equal(maps.userMap('Trust', 'Mallory'), 'Nobody');
  t.equal(maps.userMap('groups', 'Alice'), 'security,math');
  t.equal(maps.userMap('groups.alt', 'Alice'), 'math,hacking');
  t.equal(maps.userMap('groups.alt', 'Bob'), undefined);
  t.equal(maps.userMap('Trust', 'Alice'), maps.userMap('trust', 'Alice'));
});

t.test('which knobs name the maps: the subsystem’s NAMES, a file before data, PREFIX as param_boolean', async (t) => {
  const settings = userMapSettings(
    'SCHEDD',
    knobs({
      SCHEDD_CLASSAD_USER_MAP_NAMES: 'a,b c d',
      TOOL_CLASSAD_USER_MAP_NAMES: 'tool',
      CLASSAD_USER_MAPFILE_a: '/maps/a ',
      CLASSAD_USER_MAPDATA_a: '* x y',
      CLASSAD_USER_MAPDATA_b: '* x y',
      CLASSAD_USER_MAP_PREFIX_b: 'TRUE',
      CLASSAD_USER_MAPFILE_c: '',
      CLASSAD_USER_MAP_PREFIX_c: 'maybe',
    }),
  );
  t.same(settings.settings, [
    { name: 'a', file: '/maps/a', data: undefined, prefix: false },
    { name: 'b', file: undefined, data: '* x y', prefix: true },
    { name: 'c', file: undefined, data: undefined, prefix: false },
    { name: 'd', file: undefined, data: undefined, prefix: false },
  ]);
  t.same(settings.problems, ['CLASSAD_USER_MAP_PREFIX_c in the condor configuration  is not a valid boolean ("maybe").  Please set it to True or False (default is False)']);
  t.same(userMapSettings('SCHEDD', knobs({ CLASSAD_USER_MAP_NAMES: 'a', CLASSAD_USER_MAPDATA_a: '* x y' })).settings, [], 'no NAMES of its subsystem, no maps');
});

t.test('reconfiguration: a file read again only when it changed, data always, maps no longer named dropped', async (t) => {
  const files = { '/maps/groups': { text: '* alice physics\n', modified: 1000 } };
  const sources = fakeFiles(files);
  const maps = new UserMaps();
  const { lines, log } = logged();
  const settings = (data: string) =>
    userMapSettings('SCHEDD', knobs({ SCHEDD_CLASSAD_USER_MAP_NAMES: 'Groups Inline', CLASSAD_USER_MAPFILE_Groups: '/maps/groups', CLASSAD_USER_MAPDATA_Inline: data })).settings;
  maps.reconfigure(settings('* bob one\n'), sources, log);
  t.equal(maps.userMap('Groups', 'alice'), 'physics');
  t.equal(maps.userMap('Inline', 'bob'), 'one');
  t.same(lines, ["info: Loading classad userMap 'Groups' ts=1 from /maps/groups", "info: Loading classad userMap 'Inline' ts=0 from knob"]);

  maps.reconfigure(settings('* bob two\n'), sources, log);
  t.same(sources.reads, ['/maps/groups'], 'the file, not modified, is not read again');
  t.equal(maps.userMap('Inline', 'bob'), 'two');

  files['/maps/groups'] = { text: '* alice chemistry\n', modified: 2000 };
  t.equal(maps.userMap('Groups', 'alice'), 'physics', 'nothing is read between reconfigurations');
  maps.refresh(sources, log);
  t.equal(maps.userMap('Groups', 'alice'), 'chemistry', 'refresh reads a file modified since');
  maps.refresh(sources, log);
  t.same(sources.reads, ['/maps/groups', '/maps/groups']);

  maps.reconfigure(userMapSettings('SCHEDD', knobs({ SCHEDD_CLASSAD_USER_MAP_NAMES: 'groups' })).settings, sources, log);
  t.equal(maps.userMap('Inline', 'bob'), undefined, 'a map no longer named is dropped');
  t.equal(maps.userMap('Groups', 'alice'), 'chemistry', 'a name with neither knob keeps the map it has');
  maps.reconfigure([], sources, log);
  t.equal(maps.userMap('Groups', 'alice'), undefined, 'no names: no maps');
});

t.test('a map file that cannot be read names nothing, and is tried again once it changes', async (t) => {
  const files: Record<string, { text: string; modified: number }> = {};
  const sources = fakeFiles(files);
  const maps = new UserMaps();
  const { lines, log } = logged();
  maps.reconfigure([{ name: 'm', file: '/maps/m', prefix: false }], sources, log);
  t.equal(maps.userMap('m', 'x'), undefined);
  t.same(lines, [
    "info: Loading classad userMap 'm' ts=0 from /maps/m",
    "problem: ERROR: Could not open canonicalization file '/maps/m' (No such file or directory)",
    "problem: PARSE ERROR -1 in classad userMap 'm' from file /maps/m",
  ]);
  maps.refresh(sources, log);
  t.equal(lines.length, 3, 'still missing: not tried again');
  files['/maps/m'] = { text: '* x y\n', modified: 5000 };
  maps.refresh(sources, log);
  t.equal(maps.userMap('m', 'x'), 'y');
  maps.reconfigure([{ name: 'm', file: '/maps/m', prefix: true }], sources, log);
  t.equal(maps.userMap('m', 'xx'), undefined, 'PREFIX is read when the file is: a file not modified keeps its entries');
});

t.test('CLASSAD_USER_MAP_PREFIX: the checkpoint destination map of OnlyRegisteredCheckpointDestinations', async (t) => {
  const maps = new UserMaps();
  const sources = fakeFiles({ '/pool/checkpoint-destination-mapfile': { text: '* file:///srv/ckpt/ cleanup_locally_mounted_checkpoint,-prefix,\\0,-path,/srv/ckpt\n', modified: 1 } });
  const { settings } = userMapSettings(
    'SCHEDD',
    knobs({
      SCHEDD_CLASSAD_USER_MAP_NAMES: 'checkpoint_destination_map',
      CLASSAD_USER_MAPFILE_checkpoint_destination_map: '/pool/checkpoint-destination-mapfile',
      CLASSAD_USER_MAP_PREFIX_checkpoint_destination_map: 'TRUE',
    }),
  );
  maps.reconfigure(settings, sources, () => undefined);
  const valid = (destination: string) =>
    unparseValue(
      ClassAd.parseText(`CheckpointDestination = "${destination}"`).evaluateExpr('ifthenelse(undefined =?= userMap("checkpoint_destination_map", CheckpointDestination), undefined, True)', undefined, { userMap: maps.userMap }),
    );
  t.equal(valid('file:///srv/ckpt/alice'), 'true');
  t.equal(valid('file:///srv/ckpt'), 'undefined', 'without the trailing /');
  t.equal(valid('https://elsewhere/'), 'undefined');
});
