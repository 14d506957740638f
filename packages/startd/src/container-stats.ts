import http from 'node:http';

/** What one answer of the engine's stats endpoint says of a container (DockerAPI::stats). */
export interface ContainerStats {
  memoryBytes: number;
  userCpuNs: number;
  systemCpuNs: number;
}

/** How long one stats request may take: the engine waits about a second to measure CPU use. */
const STATS_TIMEOUT_MS = 10_000;

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The fields DockerAPI::stats reads from `GET /containers/<name>/stats?stream=0`: the memory is the
 * cgroup v1 `rss`, or on cgroup v2 `anon + shmem`, else `usage` (which counts the page cache); CPU is
 * `cpu_usage.usage_in_usermode` and `usage_in_kernelmode` in nanoseconds. Undefined when the answer is
 * not such an object (an engine that lost the container answers zeros, which are zeros here too).
 */
export function parseContainerStats(text: string): ContainerStats | undefined {
  let stats: unknown;
  try {
    stats = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof stats !== 'object' || stats === null) return undefined;
  const { memory_stats: memory, cpu_stats: cpu } = stats as { memory_stats?: { usage?: unknown; stats?: Record<string, unknown> }; cpu_stats?: { cpu_usage?: Record<string, unknown> } };
  const detail = memory?.stats ?? {};
  const anon = count(detail.anon);
  const shmem = count(detail.shmem);
  const memoryBytes = count(detail.rss) ?? (anon !== undefined && shmem !== undefined ? anon + shmem : count(memory?.usage)) ?? 0;
  return {
    memoryBytes,
    userCpuNs: count(cpu?.cpu_usage?.usage_in_usermode) ?? 0,
    systemCpuNs: count(cpu?.cpu_usage?.usage_in_kernelmode) ?? 0,
  };
}

/**
 * The engine's API socket, as sendDockerAPIRequest finds it: DOCKER_HOST when it is `unix://<path>`,
 * /var/run/docker.sock when DOCKER_HOST is unset; an engine reached otherwise gives no statistics.
 */
export function dockerApiSocket(env: NodeJS.ProcessEnv): { socketPath: string } | { unavailable: string } {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  return { unavailable: `Cannot retrieve docker universe statistics, DOCKER_HOST environment variable (${host}) is not set to a unix socket path` };
}

/** One stats request to the engine; undefined when it cannot be had (the container ended, the engine is away). */
export async function requestContainerStats(socketPath: string, container: string): Promise<ContainerStats | undefined> {
  const body = await engineGet(socketPath, `/containers/${encodeURIComponent(container)}/stats?stream=0`);
  return body === undefined ? undefined : parseContainerStats(body);
}

/** DockerAPI::getServicePorts' request: the container's inspection (`GET /containers/<name>/json`), or undefined. */
export function requestContainerInspect(socketPath: string, container: string): Promise<string | undefined> {
  return engineGet(socketPath, `/containers/${encodeURIComponent(container)}/json`);
}

/** A GET to the engine's API (sendDockerAPIRequest): the body of a 200 answer, else undefined. */
function engineGet(socketPath: string, requestPath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: requestPath, timeout: STATS_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : undefined));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}
