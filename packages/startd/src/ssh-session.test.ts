import fs from 'node:fs';
import t from 'tap';
import { shellCommand } from './ssh-session.js';

const where = { cwd: '/x/dir_1', env: { A: '1' }, user: { uid: 1000, gid: 100 } };

t.test('a shell in the sandbox, as the job\'s user', async (t) => {
  t.same(shellCommand(['ls'], where), { argv: ['/bin/bash', '-c', 'ls'], cwd: '/x/dir_1', env: { A: '1', PS1: '$ ' }, user: { uid: 1000, gid: 100 } });
});

t.test("in the job's mount namespace (MOUNT_UNDER_SCRATCH): nsenter, run as root, takes the user's identity", { skip: fs.existsSync('/usr/bin/nsenter') || fs.existsSync('/bin/nsenter') ? false : 'no nsenter' }, async (t) => {
  const { argv, cwd, env, user } = shellCommand(['ls'], { ...where, mountNamespaceOf: 42 });
  t.match(argv, [/\/nsenter$/, '--mount=/proc/42/ns/mnt', '--wd=/x/dir_1', '--setgid', '100', '--setuid', '1000', '--', '/bin/bash', '-c', 'ls']);
  t.same([cwd, env, user], ['/x/dir_1', { A: '1', PS1: '$ ' }, undefined]);
});
