import t from 'tap';
import { ClassAd } from './classad/index.js';
import { containerServices, hostPortAttribute, hostPortEdits, servicePortsFromInspect } from './container-services.js';

const job = new ClassAd().set('ContainerServiceNames', 'Web, condor  ssh').set('Web_ContainerPort', 8080).set('condor_ContainerPort', 9618).set('ssh_ContainerPort', 'x');
const services = containerServices(job);

/** The engine's answer to GET /containers/<name>/json, cut down to what getServicePorts reads. */
function inspected(ports: unknown): string {
  return JSON.stringify({ Id: 'abc', NetworkSettings: { Ports: ports } });
}

t.test('the services are split as StringTokenIterator splits them, each with its container port', async (t) => {
  t.same(services, [
    { name: 'Web', port: 8080 },
    { name: 'condor', port: 9618 },
    { name: 'ssh', port: undefined },
  ]);
  t.same(containerServices(new ClassAd()), []);
  t.equal(hostPortAttribute('Web'), 'Web_HostPort', "the service as the job spells it, then HTCondor's _HostPort");
});

t.test("each service's host port is the one the engine forwards to its container port", async (t) => {
  const ports = {
    '8080/tcp': [
      { HostIp: '0.0.0.0', HostPort: '32768' },
      { HostIp: '::', HostPort: '32769' },
    ],
    '9618/tcp': [{ HostIp: '0.0.0.0', HostPort: '32770' }],
    '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '32771' }],
  };
  t.same(servicePortsFromInspect(inspected(ports), services), { Web_HostPort: 32769, condor_HostPort: 32770 }, "a port's last binding wins; ports no service names are left out");
  t.same(servicePortsFromInspect(inspected({}), services), {}, 'nothing forwarded (a network without port mapping): nothing to report, and no need to ask again');
});

t.test('an answer the starter cannot read yet is asked again (undefined)', async (t) => {
  t.equal(servicePortsFromInspect('{"message":"No such container"}', services), undefined, 'no NetworkSettings');
  t.equal(servicePortsFromInspect(JSON.stringify({ NetworkSettings: {} }), services), undefined, 'no Ports');
  t.equal(servicePortsFromInspect(inspected({ '8080/tcp': null }), services), undefined, 'a port with no bindings listed');
  t.equal(servicePortsFromInspect(inspected({ '8080/tcp': [{ HostIp: '0.0.0.0' }] }), services), undefined, 'a binding without its host port');
  t.equal(servicePortsFromInspect('not json', services), undefined);
});

t.test("the schedd takes the starter's *_HostPort attributes as the shadow does, undefined once the container ended", async (t) => {
  t.same(hostPortEdits({ Web_HostPort: 32768, condor_HostPort: null }), [
    ['Web_HostPort', '32768'],
    ['condor_HostPort', 'undefined'],
  ]);
  t.same(hostPortEdits({ Requirements: 1, 'bad name_HostPort': 2, Web_hostport: 3 }), [], 'only names ending in _HostPort (case as the shadow compares it) that are attribute names');
});
