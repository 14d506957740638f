import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { dockerApiSocket, parseContainerStats, requestContainerInspect, requestContainerStats } from './container-stats.js';

/** Shapes of the engine's `stats?stream=0` answer, cut down to what DockerAPI::stats reads. */
const CPU = { cpu_stats: { cpu_usage: { total_usage: 9, usage_in_usermode: 2_500_000_000, usage_in_kernelmode: 400_000_000 } } };

t.test('the memory figure is the one DockerAPI::stats takes, by cgroup version', async (t) => {
  const cases: [string, object, number][] = [
    ['cgroup v1: rss', { memory_stats: { usage: 90_000, stats: { rss: 40_960, cache: 50_000 } } }, 40_960],
    ['cgroup v2: anon + shmem', { memory_stats: { usage: 90_000, stats: { anon: 30_000, shmem: 1_000, file: 50_000 } } }, 31_000],
    ['neither: usage, page cache included', { memory_stats: { usage: 90_000, stats: { anon: 30_000 } } }, 90_000],
    ['an ended container: nothing', { memory_stats: {} }, 0],
  ];
  for (const [what, body, memoryBytes] of cases) {
    t.same(parseContainerStats(JSON.stringify({ ...body, ...CPU })), { memoryBytes, userCpuNs: 2_500_000_000, systemCpuNs: 400_000_000 }, what);
  }
});

t.test('an answer that is not a stats object is no sample; odd fields count as absent', async (t) => {
  t.equal(parseContainerStats('Error: No such container'), undefined);
  t.equal(parseContainerStats('null'), undefined);
  t.same(parseContainerStats(JSON.stringify({ memory_stats: { stats: { rss: -5 }, usage: '7' }, cpu_stats: { cpu_usage: { usage_in_usermode: 'x' } } })), { memoryBytes: 0, userCpuNs: 0, systemCpuNs: 0 });
});

t.test("the engine's socket comes from DOCKER_HOST as sendDockerAPIRequest finds it", async (t) => {
  t.same(dockerApiSocket({}), { socketPath: '/var/run/docker.sock' });
  t.same(dockerApiSocket({ DOCKER_HOST: 'unix:///run/engine/docker.sock' }), { socketPath: '/run/engine/docker.sock' });
  t.same(dockerApiSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2375' }), {
    unavailable: 'Cannot retrieve docker universe statistics, DOCKER_HOST environment variable (tcp://10.0.0.1:2375) is not set to a unix socket path',
  });
});

t.test('a stats request goes to the socket for the named container; a refusal or no engine is no sample', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-stats-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const socketPath = path.join(dir, 'docker.sock');
  const asked: string[] = [];
  const engine = http.createServer((request, response) => {
    asked.push(request.url ?? '');
    if (request.url === '/containers/HTCJob1_0_slot1/json') response.end('{"NetworkSettings":{"Ports":{}}}');
    else if (request.url?.startsWith('/containers/HTCJob1_0_slot1/')) response.end(JSON.stringify({ memory_stats: { stats: { rss: 4096 } }, ...CPU }));
    else response.writeHead(404).end('{"message":"No such container"}');
  });
  await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
  t.teardown(() => engine.close());

  t.same(await requestContainerStats(socketPath, 'HTCJob1_0_slot1'), { memoryBytes: 4096, userCpuNs: 2_500_000_000, systemCpuNs: 400_000_000 });
  t.equal(await requestContainerStats(socketPath, 'HTCJob2_0_slot1'), undefined);
  t.same(asked, ['/containers/HTCJob1_0_slot1/stats?stream=0', '/containers/HTCJob2_0_slot1/stats?stream=0']);
  t.equal(await requestContainerStats(path.join(dir, 'absent.sock'), 'HTCJob1_0_slot1'), undefined);
  t.equal(await requestContainerInspect(socketPath, 'HTCJob1_0_slot1'), '{"NetworkSettings":{"Ports":{}}}', "getServicePorts' inspection");
  t.equal(await requestContainerInspect(socketPath, 'HTCJob2_0_slot1'), undefined);
  t.equal(await requestContainerInspect(path.join(dir, 'absent.sock'), 'HTCJob1_0_slot1'), undefined);
});
