import t from 'tap';
import { formatStatus, formatStatusTotals } from './status.js';
import { jobAd } from './test-ads.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const CLOCK = Math.floor(NOW.getTime() / 1000);

function slot(name: string, machine: string, attrs: Record<string, string | number>) {
  return jobAd({
    Name: name, Machine: machine, OpSys: 'LINUX', Arch: 'X86_64', CondorLoadAvg: 0.0, Memory: 1024,
    EnteredCurrentActivity: CLOCK - 125, MyCurrentTime: CLOCK, ...attrs,
  });
}

const TOTALS = [
  '               Total Owner Claimed Unclaimed Matched Preempting  Drain Backfill BkIdle',
  '',
  '  X86_64/LINUX     3     1       1         1       0          0      0        0      0',
  '',
  '         Total     3     1       1         1       0          0      0        0      0',
  '',
].join('\n');

t.test('slot table sorted by machine and name, a blank line, then the totals', async (t) => {
  const slots = [
    slot('slot2@exec.example.org', 'exec.example.org', { State: 'Unclaimed', Activity: 'Idle', MyCurrentTime: CLOCK + 86400 }),
    slot('slot1@exec.example.org', 'exec.example.org', { State: 'Claimed', Activity: 'Busy', CondorLoadAvg: 1.0, Memory: 123456 }),
    slot('slot1@a.org', 'a.org', { State: 'Owner', Activity: 'Idle' }),
  ];
  t.equal(formatStatus(slots, { now: NOW }), [
    'Name                   OpSys      Arch   State     Activity LoadAv Mem     ActvtyTime',
    '',
    'slot1@a.org            LINUX      X86_64 Owner     Idle      0.000   1024  0+00:02:05',
    'slot1@exec.example.org LINUX      X86_64 Claimed   Busy      1.000 123456  0+00:02:05',
    'slot2@exec.example.org LINUX      X86_64 Unclaimed Idle      0.000   1024  1+00:02:05',
    '',
    TOTALS,
  ].join('\n'));
});

t.test('short names keep a 19-wide Name column; missing values print as [??]', async (t) => {
  const bare = jobAd({ Name: 'slot1@h', Machine: 'h', OpSys: 'LINUX', Arch: 'X86_64', State: 'Drained', Activity: 'Retiring' });
  t.equal(formatStatus([bare], { now: NOW }), [
    'Name                OpSys      Arch   State     Activity LoadAv Mem   ActvtyTime',
    '',
    'slot1@h             LINUX      X86_64 Drained   Retiring [????] [??]           -',
    '',
    '               Total Owner Claimed Unclaimed Matched Preempting  Drain Backfill BkIdle',
    '',
    '  X86_64/LINUX     1     0       0         0       0          0      1        0      0',
    '',
    '         Total     1     0       0         0       0          0      1        0      0',
    '',
  ].join('\n'));
});

t.test('no slots: no output at all', async (t) => {
  t.equal(formatStatus([], { now: NOW }), '');
});

t.test('totals report ads with an unknown state as malformed', async (t) => {
  const ads = [
    jobAd({ Arch: 'X86_64', OpSys: 'LINUX', State: 'Claimed' }),
    jobAd({ Arch: 'aarch64', OpSys: 'LINUX', State: 'Confused' }),
  ];
  t.equal(formatStatusTotals(ads), [
    '               Total Owner Claimed Unclaimed Matched Preempting  Drain Backfill BkIdle',
    '',
    '  X86_64/LINUX     1     0       1         0       0          0      0        0      0',
    ' aarch64/LINUX     0     0       0         0       0          0      0        0      0',
    '',
    '         Total     1     0       1         0       0          0      0        0      0',
    '',
    '              (Omitted 1 malformed ads in computed attribute totals)',
    '',
    '',
  ].join('\n'));
});

t.test('more slots than Math.max(...slots) takes', async (t) => {
  const slots = Array.from({ length: 150_000 }, (_, i) => slot(`slot${i}@exec.example.org`, 'exec.example.org', { State: 'Unclaimed', Activity: 'Idle' }));
  const lines = formatStatus(slots, { now: NOW }).split('\n');
  t.ok(lines[2].startsWith(`${'slot0@exec.example.org'.padEnd('slot149999@exec.example.org'.length)} LINUX`), 'Name as wide as the longest name');
  t.same([lines[150_001].slice(0, 10), lines[150_002]], ['slot9@exec', ''], 'every slot (sorted by name), then a blank line');
});
