// The proxy subresources on a real listener, with the fake kubelet side answering for pods and
// nodes: what reaches the backend, what comes back, and the real errors when nothing can.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import type { Endpoints, Node, Pod, Service } from '../../machinery/api-types.js';
import { FakeClock } from '../../machinery/clock.js';
import { Registry } from '../../registry/registry.js';
import { Catalogue } from '../../schema/catalogue.js';
import { OpenApiDocuments } from '../../schema/openapi-documents.js';
import { openBackend } from '../../storage/backends/index.js';
import { createFakeNodeConnections } from '../../testing/fake-node-connections.js';
import { testSpec } from '../../testing/test-app.js';
import { createApp } from '../app.js';
import { versionInfo } from '../version.js';

let server: Server;
let base: string;
let stopAll: () => Promise<void>;
const clock = new FakeClock();

before(async () => {
  const spec = testSpec();
  const catalogue = new Catalogue(spec.document);
  const backend = await openBackend('memory:');
  const registry = await Registry.open({ backend, catalogue, spec: spec.document, clock });
  await registry.pipeline.ready();
  const client = new LocalClient(registry, catalogue, { userAgent: 'test', fieldManager: 'test' });
  const version = versionInfo('0.0.0-test', '2026-01-01T00:00:00Z');
  const app = createApp({
    catalogue,
    registry,
    openapi: new OpenApiDocuments(spec, catalogue, version.gitVersion),
    clock,
    protobuf: () => {
      throw new Error('no protobuf here');
    },
    version,
    serverAddress: () => '127.0.0.1:6443',
    nodeConnections: createFakeNodeConnections({ client, clock }),
    authentication: { insecure: true },
  });
  server = createServer(app.handle);
  server.on('upgrade', app.upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  await client.resource<Node>('', 'v1', 'nodes').create(undefined, {
    metadata: { name: 'node-a' },
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
  });
  const pods = client.resource<Pod>('', 'v1', 'pods');
  const running = async (name: string, ip: string, ports: { name?: string; containerPort: number }[]) => {
    await pods.create('default', { metadata: { name, labels: { app: 'web' } }, spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'nginx', ports }] } });
    await pods.mutate('default', name, (p) => ({ ...p, status: { ...p.status, phase: 'Running', podIP: ip, podIPs: [{ ip }] } }), 'status');
  };
  await running('web-1', '10.244.1.5', [{ name: 'http', containerPort: 8080 }]);
  await running('bare', '10.244.1.6', []);
  await pods.create('default', { metadata: { name: 'unscheduled' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });

  const services = client.resource<Service>('', 'v1', 'services');
  const endpoints = client.resource<Endpoints>('', 'v1', 'endpoints');
  await services.create('default', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' as unknown as string }] } });
  await endpoints.create('default', {
    metadata: { name: 'web' },
    subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1' } }], ports: [{ name: 'http', port: 8080 }] }],
  });
  await services.create('default', { metadata: { name: 'empty' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
  await endpoints.create('default', { metadata: { name: 'empty' } });
  await services.create('default', { metadata: { name: 'unready' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  await endpoints.create('default', {
    metadata: { name: 'unready' },
    subsets: [{ notReadyAddresses: [{ ip: '10.244.1.5', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1' } }], ports: [{ port: 8080 }] }],
  });
  stopAll = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await registry.close();
    await backend.close();
  };
});

after(() => stopAll());

function call(method: string, path: string, body?: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${base}${path}`, { method }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const status = (body: string) => {
  const s = JSON.parse(body) as { code: number; reason?: string; message: string };
  return [s.code, s.reason ?? '', s.message];
};

test('services/<name>:<port>/proxy/ reaches a ready endpoint, by port number or name', async () => {
  for (const id of ['web:80', 'web:http', 'http:web:80']) {
    const r = await call('GET', `/api/v1/namespaces/default/services/${id}/proxy/some/path?x=1`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, 'kubemu: pod default/web-1 port 8080\n');
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  }
  const posted = await call('POST', '/api/v1/namespaces/default/services/web:80/proxy/submit', 'a body');
  assert.equal(posted.status, 200);
});

test('a bare .../proxy is redirected to .../proxy/ for GET, with the query kept', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/services/web:80/proxy?a=b');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, '/api/v1/namespaces/default/services/web:80/proxy/?a=b');
});

test('a Service without endpoints, without ready ones, or without that port: 503 with the real message', async () => {
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/services/empty:80/proxy/')).body), [503, 'ServiceUnavailable', 'no endpoints available for service "empty"']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/services/unready:80/proxy/')).body), [503, 'ServiceUnavailable', 'no endpoints available for service "unready:80"']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/services/web:81/proxy/')).body), [503, 'ServiceUnavailable', 'no service port 81 found for service "web"']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/services/missing:80/proxy/')).body), [404, 'NotFound', 'services "missing" not found']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/services/missing/proxy/')).body), [404, 'NotFound', 'endpoints "missing" not found']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/services/ftp:web:80/proxy/')).body), [400, 'BadRequest', 'invalid service request "ftp:web:80"']);
});

test('pods/<name>[:port]/proxy/ reaches the pod; a port nothing declares is refused; no IP is not allowed', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/pods/web-1/proxy/');
  assert.deepEqual([r.status, r.body], [200, 'kubemu: pod default/web-1 port 8080\n']);
  const refused = await call('GET', '/api/v1/namespaces/default/pods/web-1:9999/proxy/');
  assert.deepEqual(status(refused.body), [503, 'ServiceUnavailable', 'error trying to reach service: dial tcp 10.244.1.5:9999: connect: connection refused']);
  const noPorts = await call('GET', '/api/v1/namespaces/default/pods/bare/proxy/');
  assert.deepEqual(status(noPorts.body), [503, 'ServiceUnavailable', 'error trying to reach service: dial tcp 10.244.1.6:80: connect: connection refused']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/pods/unscheduled/proxy/')).body), [400, 'BadRequest', 'address not allowed']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/pods/nope/proxy/')).body), [404, 'NotFound', 'pods "nope" not found']);
  assert.deepEqual(status((await call('GET', '/api/v1/namespaces/default/pods/https:web-1:8080/proxy/')).body), [
    503,
    'ServiceUnavailable',
    'error trying to reach service: tls: first record does not look like a TLS handshake',
  ]);
});

test('nodes/<name>/proxy/ reaches the kubelet: healthz, pods; other ports are refused', async () => {
  const health = await call('GET', '/api/v1/nodes/node-a/proxy/healthz');
  assert.deepEqual([health.status, health.body], [200, 'ok']);
  const list = JSON.parse((await call('GET', '/api/v1/nodes/node-a/proxy/pods')).body) as { kind: string; items: { metadata: { name: string } }[] };
  assert.equal(list.kind, 'PodList');
  assert.deepEqual(list.items.map((p) => p.metadata.name).sort(), ['bare', 'web-1']);
  const metrics = await call('GET', '/api/v1/nodes/node-a:10250/proxy/metrics');
  assert.deepEqual([metrics.status, metrics.body], [501, 'kubemu: the simulated kubelet does not serve /metrics\n']);
  assert.deepEqual([(await call('GET', '/api/v1/nodes/node-a/proxy/nothing-here')).status], [404]);
  assert.deepEqual(status((await call('GET', '/api/v1/nodes/node-a:8080/proxy/')).body), [503, 'ServiceUnavailable', 'error trying to reach service: dial tcp 172.18.0.3:8080: connect: connection refused']);
  assert.deepEqual(status((await call('GET', '/api/v1/nodes/node-z/proxy/healthz')).body), [404, 'NotFound', 'nodes "node-z" not found']);
});

test('other subresources take no path after their name; unknown methods are refused', async () => {
  assert.equal((await call('GET', '/api/v1/namespaces/default/pods/web-1/status/extra')).status, 404);
  assert.equal((await call('GET', '/api/v1/namespaces/default/pods/web-1/status/')).status, 200);
  assert.equal((await call('TRACE', '/api/v1/namespaces/default/pods/web-1/proxy/')).status, 405);
});

test('an upgrade request is passed on as bytes, and the backend\'s answer comes back as it is', async () => {
  const [host, port] = base.split(':');
  const socket = connect(Number(port), host);
  socket.write(
    'GET /api/v1/namespaces/default/pods/web-1/proxy/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.endsWith('port 8080\n')) resolve(text);
    });
  });
  socket.destroy();
  // The pod's responder speaks no WebSocket: its plain answer is what the client gets.
  assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(answer, /\r\n\r\nkubemu: pod default\/web-1 port 8080\n$/);
});
