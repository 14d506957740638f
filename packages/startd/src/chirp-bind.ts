import net from 'node:net';
import type os from 'node:os';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import { matchesAnyPattern } from '@tinycondor/shared/chirp/access';

/** DOCKER_NETWORK_NAME's default: the interface of Docker's default bridge. */
export const DEFAULT_DOCKER_NETWORK_NAME = 'docker0';

/** condor_sockaddr::desirability, for IPv4: loopback, link-local, private, then any other. */
function desirability(address: string): number {
  const [a, b] = address.split('.').map(Number);
  if (a === 127) return 2;
  if (a === 169 && b === 254) return 3;
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 4;
  return 5;
}

/**
 * Where a run's Chirp proxy listens, as JICShadow::initIOProxy and IOProxy::init choose: the loopback
 * address, but for a Docker job (WantDocker, or a DockerImage) the IPv4 address of the network named by
 * DOCKER_NETWORK_NAME (network_interface_to_sockaddr: an address as it is, else the most desirable of the
 * interfaces whose name or address matches one of its comma-separated patterns), so that a container on
 * Docker's bridge reaches it. `missing` names a network that was not found (the proxy then listens on the
 * loopback address, as there). `interfaces` is asked for a Docker job only: listing them costs ~50 us a run.
 */
export function chirpBindAddress(jobAd: ClassAd, networkName: string, interfaces: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>): { address: string; missing?: string } {
  const loopback = '127.0.0.1';
  const docker = jobAd.getBool('WantDocker') === true || (jobAd.getString('DockerImage') ?? '') !== '';
  if (!docker) return { address: loopback };
  if (net.isIPv4(networkName.trim())) return { address: networkName.trim() };
  const patterns = networkName
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
  let best: { address: string; rank: number } | undefined;
  for (const [name, infos] of Object.entries(interfaces())) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4') continue;
      if (!matchesAnyPattern(patterns, name) && !matchesAnyPattern(patterns, info.address)) continue;
      const rank = desirability(info.address);
      if (best === undefined || rank > best.rank) best = { address: info.address, rank };
    }
  }
  return best !== undefined ? { address: best.address } : { address: loopback, missing: networkName };
}
