// container_service_names on the execute side: the ports `docker create -p` publishes (DockerAPI::createContainer),
// the host ports the engine forwards to them (DockerAPI::getServicePorts), and what the schedd takes of the
// starter's report of them (RemoteResource::updateFromStarter).
import type { ClassAd } from './classad/index.js';
import { isValidAttrName } from './job-edit.js';
import { splitList } from './submit/queue.js';

export interface ContainerService {
  name: string;
  /** `<service>_ContainerPort`; undefined when the job ad has no integer there. */
  port: number | undefined;
}

/** ContainerServiceNames' services (comma- or space-separated, as StringTokenIterator splits them) and their container ports. */
export function containerServices(jobAd: ClassAd): ContainerService[] {
  return splitList(jobAd.getString('ContainerServiceNames') ?? '').map((name) => ({ name, port: jobAd.getInt(`${name}_ContainerPort`) }));
}

/** The attribute a service's host port is reported in: `<service>_HostPort`, the service as ContainerServiceNames spells it. */
export function hostPortAttribute(service: string): string {
  return `${service}_HostPort`;
}

const HOST_PORT_SUFFIX = '_HostPort';

/**
 * DockerAPI::getServicePorts: from the engine's answer to `GET /containers/<name>/json`, the host port forwarded
 * to each service's container port (NetworkSettings.Ports: `{"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort":
 * "32768"}, …]}`; a port's last binding wins, as in the starter's map), as `<service>_HostPort` → port.
 * Undefined when the answer is not such a map or a port lists no bindings (null): the starter asks again at its
 * next poll. An empty result (nothing forwarded, as on a network without port mapping) ends the asking.
 */
export function servicePortsFromInspect(text: string, services: readonly ContainerService[]): Record<string, number> | undefined {
  let inspected: unknown;
  try {
    inspected = JSON.parse(text);
  } catch {
    return undefined;
  }
  const settings = (inspected as { NetworkSettings?: unknown } | null)?.NetworkSettings;
  const ports = (settings as { Ports?: unknown } | null | undefined)?.Ports;
  if (typeof ports !== 'object' || ports === null || Array.isArray(ports)) return undefined;
  const hostPorts = new Map<number, number>();
  for (const [key, bindings] of Object.entries(ports as Record<string, unknown>)) {
    if (!Array.isArray(bindings)) return undefined;
    for (const binding of bindings) {
      const hostPort = (binding as { HostPort?: unknown } | null)?.HostPort;
      if (typeof hostPort !== 'string') return undefined;
      // std::stoul of "8080/tcp": the number the key begins with.
      hostPorts.set(Number.parseInt(key, 10), Number.parseInt(hostPort, 10));
    }
  }
  const found: Record<string, number> = {};
  for (const { name, port } of services) {
    const hostPort = port === undefined ? undefined : hostPorts.get(port);
    if (hostPort !== undefined && Number.isInteger(hostPort)) found[hostPortAttribute(name)] = hostPort;
  }
  return found;
}

/**
 * RemoteResource::updateFromStarter: the shadow copies every attribute of the starter's update whose name ends
 * in `_HostPort` into the job ad, without the checks a job's own writes get; null is the UNDEFINED the starter
 * sends once the container has ended. Names that are not attribute names are left out.
 */
export function hostPortEdits(ports: Readonly<Record<string, number | null>>): [string, string][] {
  return Object.entries(ports)
    .filter(([name]) => name.endsWith(HOST_PORT_SUFFIX) && isValidAttrName(name))
    .map(([name, port]) => [name, port === null ? 'undefined' : String(port)]);
}
