import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../client/local-client.js';
import type { Pod } from '../machinery/api-types.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { ContainerConfigError, containerView, expandVariables, FileAccessError } from './container-view.js';

let app: TestApp;
let client: LocalClient;

before(async () => {
  app = await createTestApp();
  await app.registry.pipeline.ready();
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
  await client.resource('', 'v1', 'configmaps').create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { LEVEL: 'debug', 'app.conf': 'x=1\n' } });
  await client.resource('', 'v1', 'secrets').create('default', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds' },
    data: { password: Buffer.from('s3cret').toString('base64'), user: Buffer.from('admin').toString('base64') },
  });
  await client.resource('', 'v1', 'services').create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-db' }, spec: { ports: [{ name: 'sql', port: 5432 }] } });
});

after(() => app.stop());

function pod(spec: Partial<NonNullable<Pod['spec']>>, container: Record<string, unknown> = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'default', uid: 'u-1', labels: { app: 'web', tier: 'front' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'nginx', ...container }], ...spec },
    status: { podIP: '10.244.0.5' },
  } as Pod;
}

test('$(VAR) expansion: known names, $$ escapes, unknown names kept', () => {
  const vars = new Map([['A', 'x']]);
  assert.equal(expandVariables('$(A)-$(B)-$$(A)-$A', (n) => vars.get(n)), 'x-$(B)-$(A)-$A');
});

test('environment: envFrom with prefix, refs, downward API, resource fields, expansion, service links', async () => {
  const view = await containerView(
    pod(
      {},
      {
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }],
        env: [
          { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
          { name: 'URL', value: 'http://$(MY_DB_SERVICE_HOST):$(MY_DB_SERVICE_PORT)/$(POD)?u=$(user)' },
          { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
        ],
        resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
      },
    ),
    'app',
    client,
  );
  const env = Object.fromEntries(view.environment);
  const svc = await client.resource('', 'v1', 'services').get('default', 'my-db');
  const ip = (svc.spec as { clusterIP: string }).clusterIP;
  assert.equal(env.CFG_LEVEL, 'debug');
  assert.equal(env.user, 'admin');
  assert.equal(env.PASS, 's3cret');
  assert.equal(env.LVL, 'debug');
  assert.equal(env.POD, 'web-1');
  assert.equal(env.TIER, 'front');
  assert.equal(env.IP, '10.244.0.5');
  assert.equal(env.MEM, '64');
  assert.equal(env.CPU, '250');
  assert.equal(env.URL, `http://${ip}:5432/web-1?u=admin`);
  assert.equal(env.MISSING, undefined);
  assert.equal(env.HOSTNAME, 'web-1');
  assert.match(env.PATH, /\/usr\/bin/);
  assert.equal(env.MY_DB_SERVICE_PORT_SQL, '5432');
  assert.equal(env.MY_DB_PORT, `tcp://${ip}:5432`);
  assert.equal(env.MY_DB_PORT_5432_TCP_ADDR, ip);
  assert.equal(view.hostname, 'web-1');
});

test('enableServiceLinks: false leaves out the namespace services', async () => {
  const view = await containerView(pod({ enableServiceLinks: false }), 'app', client);
  assert.equal(view.environment.get('MY_DB_SERVICE_HOST'), undefined);
});

test('a missing ConfigMap a container needs is a container config error', async () => {
  await assert.rejects(
    containerView(pod({}, { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }] }), 'app', client),
    (err: unknown) => err instanceof ContainerConfigError && err.message === 'configmap "absent" not found',
  );
});

test('files: configMap, secret items, projected downward API and token, subPath, /etc files', async () => {
  // The kubelet asks the service account's token subresource for a token bound to the pod.
  await client.resource('', 'v1', 'serviceaccounts').create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  // Stored (so the token can be bound to it), with the status a kubelet would see.
  const store = async (p: Pod): Promise<Pod> => ({ ...(await client.resource<Pod>('', 'v1', 'pods').create('default', { ...p, metadata: { ...p.metadata, uid: undefined } })), status: p.status });
  const view = await containerView(
    await store(pod(
      {
        serviceAccountName: 'default',
        hostname: 'web',
        subdomain: 'cluster',
        volumes: [
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'creds', secret: { secretName: 'creds', items: [{ key: 'password', path: 'db/pass' }] } },
          {
            name: 'proj',
            projected: {
              sources: [
                { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
                { configMap: { name: 'cfg', items: [{ key: 'LEVEL', path: 'level' }] } },
                { serviceAccountToken: { path: 'token' } },
              ],
            },
          },
        ],
      },
      {
        volumeMounts: [
          { name: 'cfg', mountPath: '/etc/cfg' },
          { name: 'creds', mountPath: '/secrets' },
          { name: 'proj', mountPath: '/var/run/info' },
          { name: 'cfg', mountPath: '/app/app.conf', subPath: 'app.conf' },
        ],
      },
    )),
    'app',
    client,
  );
  assert.deepEqual(view.listDir('/etc/cfg').map((e) => e.name), ['LEVEL', 'app.conf']);
  assert.equal(view.readFile('/secrets/db/pass').toString(), 's3cret');
  assert.equal(view.readFile('/var/run/info/labels').toString(), 'app="web"\ntier="front"');
  assert.equal(view.readFile('/var/run/info/level').toString(), 'debug');
  const token = view.readFile('/var/run/info/token').toString();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; 'kubernetes.io': { pod: { name: string } } };
  assert.equal(claims.sub, 'system:serviceaccount:default:default');
  assert.equal(claims['kubernetes.io'].pod.name, 'web-1');
  assert.equal(view.readFile('/app/app.conf').toString(), 'x=1\n');
  assert.equal(view.readFile('/etc/hostname').toString(), 'web\n');
  assert.match(view.readFile('/etc/hosts').toString(), /^# Kubernetes-managed hosts file\.\n(.*\n)*10\.244\.0\.5\tweb\.cluster\.default\.svc\.cluster\.local\tweb\n$/);
  assert.equal(view.readFile('/etc/resolv.conf').toString(), 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  assert.throws(() => view.readFile('/etc/cfg'), (e: unknown) => e instanceof FileAccessError && e.code === 'EISDIR');
  assert.throws(() => view.readFile('/nope'), (e: unknown) => e instanceof FileAccessError && e.code === 'ENOENT');
});
