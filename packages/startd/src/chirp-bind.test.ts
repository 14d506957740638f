import type os from 'node:os';
import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { chirpBindAddress } from './chirp-bind.js';

const v4 = (address: string): os.NetworkInterfaceInfo => ({ address, netmask: '255.255.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: address.startsWith('127.'), cidr: null });
const interfaces = { lo: [v4('127.0.0.1')], eth0: [v4('192.168.1.5')], docker0: [v4('172.17.0.1'), { ...v4('fe80::1'), family: 'IPv6' as const, scopeid: 1 }], br1: [v4('10.9.0.1')] };
const docker = ClassAd.fromJSON({ WantDocker: 'true', DockerImage: '"alpine"' });

t.test("initIOProxy: a Docker job's proxy listens on the Docker network, others on the loopback address", async (t) => {
  const notAsked = () => {
    throw new Error('the interfaces are listed for a Docker job only');
  };
  t.same(chirpBindAddress(new ClassAd(), 'docker0', notAsked), { address: '127.0.0.1' });
  t.same(chirpBindAddress(docker, 'docker0', () => interfaces), { address: '172.17.0.1' });
  t.same(chirpBindAddress(ClassAd.fromJSON({ DockerImage: '"alpine"' }), 'docker0', () => interfaces), { address: '172.17.0.1' }, 'a DockerImage is enough');
  t.same(chirpBindAddress(docker, 'DOCKER*', () => interfaces), { address: '172.17.0.1' }, 'patterns, any case');
  t.same(chirpBindAddress(docker, 'br1, docker0', () => interfaces), { address: '172.17.0.1' }, 'the most desirable of several: equal, the first');
  t.same(chirpBindAddress(docker, '10.9.*', () => interfaces), { address: '10.9.0.1' }, 'an address pattern');
  t.same(chirpBindAddress(docker, '172.18.0.1', () => interfaces), { address: '172.18.0.1' }, 'an address as it is');
  t.same(chirpBindAddress(docker, 'podman0', () => interfaces), { address: '127.0.0.1', missing: 'podman0' }, 'no such network: the loopback address');
});
