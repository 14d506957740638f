import t from 'tap';
import type { CommandIo } from '../cli-error.js';
import { CONDOR_VERSION_LINE, condorPlatform, condorVersion, platformParts } from './condor-version.js';

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {}, cwd: '/' } as unknown as CommandIo;
  return condorVersion(args, io).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
}

t.test('the platform string as HTCondor builds it, and its parts as CondorVersionInfo splits them', async (t) => {
  const debian = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
  t.equal(condorPlatform('x86_64', debian), '$CondorPlatform: X86_64-Debian_12 $');
  t.equal(condorPlatform('aarch64', 'NAME="Rocky Linux"\nVERSION_ID="9.3"\n'), '$CondorPlatform: AARCH64-Rocky_9.3 $');
  t.same(platformParts('$CondorPlatform: X86_64-Debian_12 $'), { arch: 'X86_64', opsys: 'Debian_12' });
});

t.test('condor_version prints the version and platform lines; -arch and -opsys in the order given', async (t) => {
  const plain = await run([]);
  t.equal(plain.code, 0);
  t.match(plain.stdout, /^\$CondorVersion: 25\.14\.0 2026-09-17 BuildID: tinycondor \$\n\$CondorPlatform: [A-Z0-9_]+-\S+ \$\n$/);
  t.equal(plain.stdout.split('\n')[0], CONDOR_VERSION_LINE);
  const arch = platformParts(plain.stdout.split('\n')[1]!).arch;
  const opsys = platformParts(plain.stdout.split('\n')[1]!).opsys;
  t.same(await run(['-arch']), { code: 0, stdout: `${arch}\n`, stderr: '' });
  t.same(await run(['-opsys', '-arch']), { code: 0, stdout: `${opsys}\n${arch}\n`, stderr: '' }, 'opsys first when asked first');
  t.same(await run(['-arch', '-opsys']), { code: 0, stdout: `${arch}\n${opsys}\n`, stderr: '' });
  t.equal((await run(['-a'])).stdout, `${arch}\n`, 'told apart by the first letter, as HTCondor does');
});

t.test('bad arguments: HTCondor\'s words and usage, exit 1; -help: usage, exit 0', async (t) => {
  const bad = await run(['-x']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^ERROR: unrecognized argument: '-x'\nUsage: condor_version \[options\]\n/);
  const word = await run(['now']);
  t.equal(word.code, 1);
  t.match(word.stderr, /^ERROR: invalid argument: 'now'\n/);
  const help = await run(['-help']);
  t.same([help.code, help.stdout], [0, '']);
  t.match(help.stderr, /-arch\t\(print the ARCH string\)/);
});
