import t from 'tap';
import { containerImageType, containerRequirements, dockerImageReference, isValidContainerImage, normalizeDockerImageTag } from './container-job.js';

t.test('container_image is read as image_type_from_string reads it', async (t) => {
  t.equal(containerImageType('docker://python:3'), 'docker-repo');
  t.equal(containerImageType(' docker:python '), 'docker-repo', 'any docker: prefix, trimmed');
  t.equal(containerImageType('/images/x.sif'), 'sif');
  t.equal(containerImageType('images/sandbox/'), 'sandbox');
  t.equal(containerImageType('ubuntu:22.04'), 'sandbox', 'anything else is taken for a sandbox directory');
  t.notOk(isValidContainerImage('instance://x'));
  t.notOk(isValidContainerImage('shub://x'));
  t.notOk(isValidContainerImage(''));
  t.ok(isValidContainerImage('docker://x'));
});

t.test('the image a Docker engine is given, tagged as DockerProc tags it', async (t) => {
  t.equal(dockerImageReference('debian:12', 'docker://other'), 'debian:12', 'DockerImage wins');
  t.equal(dockerImageReference(undefined, 'docker://registry.example:5000/ns/img:1'), 'registry.example:5000/ns/img:1');
  t.equal(dockerImageReference(undefined, undefined), undefined);
  t.equal(normalizeDockerImageTag('python'), 'python:latest');
  t.equal(normalizeDockerImageTag('registry.example:5000/ns/img'), 'registry.example:5000/ns/img:latest', 'a registry port is not a tag');
  t.equal(normalizeDockerImageTag('ns/img:1.2'), 'ns/img:1.2');
  t.equal(normalizeDockerImageTag('img@sha256:abc'), 'img@sha256:abc');
});

t.test('requirements appended for container jobs', async (t) => {
  t.equal(containerRequirements('docker', undefined), 'TARGET.HasDocker');
  for (const builtin of ['host', 'none', 'nat']) t.equal(containerRequirements('docker', builtin), 'TARGET.HasDocker', builtin);
  t.equal(containerRequirements('docker', 'hpcnet'), 'TARGET.HasDocker && StringListMember(My.DockerNetworkType, TARGET.DockerNetworks)');
  t.equal(containerRequirements('container', 'hpcnet'), 'TARGET.HasContainer && TARGET.HasDockerURL', 'only docker-universe jobs name a network in their requirements');
});
