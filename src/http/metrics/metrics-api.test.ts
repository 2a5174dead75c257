// metrics.k8s.io/v1beta1 as metrics-server serves it: discovery, NodeMetrics and PodMetrics
// shapes, which pods and nodes have metrics, selectors, errors and the forms kubectl asks for.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { parseQuantity, milliValue, value } from '../../machinery/quantity.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await node('worker-a', { ready: true, labels: { pool: 'a' } });
  await node('worker-b', { ready: true, labels: { pool: 'b' } });
  await node('control', { ready: true, labels: { 'node-role.kubernetes.io/control-plane': '' } });
  await node('broken', { ready: false });
  await request(t.app).post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }).expect(201);

  await runningPod('default', 'web-1', 'worker-a', { app: 'web' }, [{ name: 'app', cpu: '100m', memory: '128Mi' }, { name: 'proxy' }]);
  await runningPod('default', 'web-2', 'worker-b', { app: 'web' }, [{ name: 'app', cpu: '100m', memory: '128Mi' }]);
  await runningPod('default', 'db', 'worker-a', { app: 'db' }, [{ name: 'db', cpu: '1', memory: '2Gi' }]);
  await runningPod('other', 'tool', 'worker-b', {}, [{ name: 'tool', cpu: '50m', memory: '64Mi' }]);
  await runningPod('default', 'stranded', 'broken', { app: 'web' }, [{ name: 'app', cpu: '100m', memory: '128Mi' }]);
  // Pending: never started.
  await request(t.app).post('/api/v1/namespaces/default/pods').send(podBody('pending', 'worker-a', { app: 'web' }, [{ name: 'app' }])).expect(201);
  // Running, but its only container is still waiting (image pull).
  await runningPod('default', 'pulling', 'worker-a', { app: 'web' }, [{ name: 'app', running: false }]);
  // A sidecar (restartable init container) runs beside the app; the finished init container is not reported.
  const sidecar = podBody('with-sidecar', 'worker-b', {}, [{ name: 'app', cpu: '200m', memory: '256Mi' }]);
  sidecar.spec.initContainers = [
    { name: 'setup', image: 'busybox' },
    { name: 'log-shipper', image: 'fluent-bit', restartPolicy: 'Always', resources: { requests: { cpu: '10m', memory: '32Mi' } } },
  ];
  await request(t.app).post('/api/v1/namespaces/default/pods').send(sidecar).expect(201);
  await request(t.app)
    .patch('/api/v1/namespaces/default/pods/with-sidecar/status')
    .set('Content-Type', 'application/merge-patch+json')
    .send({
      status: {
        phase: 'Running',
        initContainerStatuses: [
          { name: 'setup', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'log-shipper', image: 'fluent-bit', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
        ],
        containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
      },
    })
    .expect(200);
});
after(async () => {
  await t.stop();
});

const metrics = '/apis/metrics.k8s.io/v1beta1';
const kubectlTopAccept = 'application/vnd.kubernetes.protobuf, */*';
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

async function node(name: string, opts: { ready: boolean; labels?: Record<string, string> }) {
  await request(t.app)
    .post('/api/v1/nodes')
    .send({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
      status: {
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'Unknown', reason: opts.ready ? 'KubeletReady' : 'NodeStatusUnknown' }],
      },
    })
    .expect(201);
}

interface ContainerSpec {
  name: string;
  cpu?: string;
  memory?: string;
  running?: boolean;
}

function podBody(name: string, nodeName: string, labels: Record<string, string>, containers: ContainerSpec[]) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      nodeName,
      initContainers: undefined as unknown[] | undefined,
      containers: containers.map((c) => ({
        name: c.name,
        image: 'nginx',
        resources: c.cpu || c.memory ? { requests: { ...(c.cpu ? { cpu: c.cpu } : {}), ...(c.memory ? { memory: c.memory } : {}) } } : {},
      })),
    },
  };
}

async function runningPod(ns: string, name: string, nodeName: string, labels: Record<string, string>, containers: ContainerSpec[]) {
  await request(t.app).post(`/api/v1/namespaces/${ns}/pods`).send(podBody(name, nodeName, labels, containers)).expect(201);
  await request(t.app)
    .patch(`/api/v1/namespaces/${ns}/pods/${name}/status`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({
      status: {
        phase: 'Running',
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: 'nginx',
          imageID: '',
          ready: c.running !== false,
          restartCount: 0,
          started: c.running !== false,
          state: c.running === false ? { waiting: { reason: 'ContainerCreating' } } : { running: { startedAt: '2026-01-01T00:00:00Z' } },
        })),
      },
    })
    .expect(200);
}

const names = (items: { metadata: { name: string; namespace?: string } }[]) => items.map((i) => (i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name));
const cpuMilli = (q: string) => milliValue(parseQuantity(q));
const cpuNano = (q: string) => Number(parseQuantity(q).unscaled) * 10 ** (parseQuantity(q).scale + 9);
const bytes = (q: string) => value(parseQuantity(q));

describe('discovery', () => {
  test('/apis lists metrics.k8s.io last, and the group and its resources have their documents', async () => {
    const groups = await request(t.app).get('/apis').expect(200);
    const last = groups.body.groups.at(-1);
    assert.deepEqual(last, {
      name: 'metrics.k8s.io',
      versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }],
      preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
    });
    const group = await request(t.app).get('/apis/metrics.k8s.io').expect(200);
    assert.equal(group.body.kind, 'APIGroup');
    assert.equal(group.body.name, 'metrics.k8s.io');
    const list = await request(t.app).get(metrics).set('Accept', 'application/json, */*').expect(200);
    assert.deepEqual(list.body, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'metrics.k8s.io/v1beta1',
      resources: [
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
    });
    await request(t.app).get('/apis/metrics.k8s.io/v1').expect(404);
    await request(t.app).get('/apis/metrics.k8s.io/v1/nodes').expect(404);
  });

  for (const v of ['v2', 'v2beta1']) {
    test(`aggregated discovery ${v} carries the group (kubectl ${v === 'v2' ? '1.30+' : '1.27-1.29'})`, async () => {
      const accept =
        v === 'v2'
          ? 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'
          : 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
      const res = await request(t.app).get('/apis').set('Accept', accept).expect(200);
      assert.equal(res.headers['content-type'], `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
      const item = res.body.items.at(-1);
      assert.deepEqual(item, {
        metadata: { name: 'metrics.k8s.io', creationTimestamp: null },
        versions: [
          {
            version: 'v1beta1',
            resources: [
              { resource: 'nodes', responseKind: { group: '', version: '', kind: 'NodeMetrics' }, scope: 'Cluster', singularResource: '', verbs: ['get', 'list'] },
              { resource: 'pods', responseKind: { group: '', version: '', kind: 'PodMetrics' }, scope: 'Namespaced', singularResource: '', verbs: ['get', 'list'] },
            ],
            freshness: 'Current',
          },
        ],
      });
      const core = await request(t.app).get('/api').set('Accept', accept).expect(200);
      assert.ok(!core.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'metrics.k8s.io'));
    });
  }
});

describe('NodeMetrics', () => {
  test('Ready nodes only, by name, with the usage of the system and their pods', async () => {
    const res = await request(t.app).get(`${metrics}/nodes`).set('Accept', kubectlTopAccept).expect(200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.body.kind, 'NodeMetricsList');
    assert.equal(res.body.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.deepEqual(res.body.metadata, {});
    assert.deepEqual(names(res.body.items), ['control', 'worker-a', 'worker-b']);
    const a = res.body.items[1];
    assert.equal(a.kind, undefined, 'list items carry no kind, as the real server sends them');
    assert.deepEqual(Object.keys(a), ['metadata', 'timestamp', 'window', 'usage']);
    assert.deepEqual(Object.keys(a.metadata), ['name', 'creationTimestamp', 'labels']);
    assert.equal(a.metadata.creationTimestamp, '2026-01-01T00:00:00Z', 'created now');
    assert.deepEqual(a.metadata.labels, { 'kubernetes.io/hostname': 'worker-a', pool: 'a' });
    assert.match(a.usage.cpu, /^\d+[num]?$/, 'nanocores, canonical as Go prints them');
    assert.match(a.usage.memory, /^\d+(Ki|Mi)$/);
    // worker-a: ~100m and ~1Gi of its own, plus web-1 (30m + idle proxy, 64Mi + 8Mi) and db (300m, 1Gi).
    assert.ok(cpuMilli(a.usage.cpu) > 340 && cpuMilli(a.usage.cpu) < 600, a.usage.cpu);
    assert.ok(bytes(a.usage.memory) > 1.8 * 2 ** 30 && bytes(a.usage.memory) < 2.5 * 2 ** 30, a.usage.memory);
    const control = res.body.items[0];
    assert.ok(cpuMilli(control.usage.cpu) > 180 && cpuMilli(control.usage.cpu) < 330, `control-plane components: ${control.usage.cpu}`);
  });

  test('one node; a NotReady node has no metrics; an unknown node is not found', async () => {
    const one = await request(t.app).get(`${metrics}/nodes/worker-b`).expect(200);
    assert.equal(one.body.kind, 'NodeMetrics');
    assert.equal(one.body.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.equal(one.body.metadata.name, 'worker-b');
    const broken = await request(t.app).get(`${metrics}/nodes/broken`).expect(404);
    assert.equal(broken.body.message, 'nodemetrics.metrics.k8s.io "broken" not found');
    assert.deepEqual(broken.body.details, { name: 'broken', group: 'metrics.k8s.io', kind: 'nodemetrics' });
    const missing = await request(t.app).get(`${metrics}/nodes/nope`).expect(404);
    assert.equal(missing.body.message, 'node "nope" not found');
  });

  test('label and field selectors', async () => {
    const byLabel = await request(t.app).get(`${metrics}/nodes?labelSelector=pool%3Db`).expect(200);
    assert.deepEqual(names(byLabel.body.items), ['worker-b']);
    const byName = await request(t.app).get(`${metrics}/nodes?fieldSelector=metadata.name%3Dworker-a`).expect(200);
    assert.deepEqual(names(byName.body.items), ['worker-a']);
    const bad = await request(t.app).get(`${metrics}/nodes?fieldSelector=spec.unschedulable%3Dtrue`).expect(400);
    assert.equal(bad.body.message, 'field label not supported: spec.unschedulable');
  });

  test('a node namespaced, a subresource, or pods by name across namespaces: not found', async () => {
    await request(t.app).get(`${metrics}/namespaces/default/nodes`).expect(404);
    await request(t.app).get(`${metrics}/nodes/worker-a/status`).expect(404);
    await request(t.app).get(`${metrics}/pods/web-1`).expect(404);
    await request(t.app).get(`${metrics}/widgets`).expect(404);
  });
});

describe('PodMetrics', () => {
  test('Running pods with running containers on reporting nodes, by name; only running containers', async () => {
    const res = await request(t.app).get(`${metrics}/namespaces/default/pods`).set('Accept', kubectlTopAccept).expect(200);
    assert.equal(res.body.kind, 'PodMetricsList');
    assert.deepEqual(names(res.body.items), ['default/db', 'default/web-1', 'default/web-2', 'default/with-sidecar']);
    const web1 = res.body.items[1];
    assert.deepEqual(Object.keys(web1), ['metadata', 'timestamp', 'window', 'containers']);
    assert.deepEqual(Object.keys(web1.metadata), ['name', 'namespace', 'creationTimestamp', 'labels']);
    assert.deepEqual(web1.metadata.labels, { app: 'web' });
    assert.deepEqual(web1.containers.map((c: { name: string }) => c.name), ['app', 'proxy']);
    const [app, proxy] = web1.containers;
    assert.match(app.usage.cpu, /^\d+[num]?$/);
    assert.match(app.usage.memory, /^\d+(Ki|Mi)$/);
    // 0.3 of 100m and 0.5 of 128Mi (the default shares), give or take the jitter.
    assert.ok(cpuNano(app.usage.cpu) >= 30e6 * 0.85 * 0.95 && cpuNano(app.usage.cpu) <= 30e6 * 1.15 * 1.05, app.usage.cpu);
    assert.ok(bytes(app.usage.memory) >= 64 * 2 ** 20 * 0.9 * 0.99 - 4096 && bytes(app.usage.memory) <= 64 * 2 ** 20 * 1.1 * 1.01 + 4096, app.usage.memory);
    assert.equal(bytes(app.usage.memory) % 4096, 0, 'whole pages');
    // No requests: an idle process.
    assert.ok(cpuMilli(proxy.usage.cpu) >= 1 && cpuMilli(proxy.usage.cpu) <= 3, proxy.usage.cpu);
    assert.ok(bytes(proxy.usage.memory) > 6 * 2 ** 20 && bytes(proxy.usage.memory) < 10 * 2 ** 20, proxy.usage.memory);
    const sidecar = res.body.items[3];
    assert.deepEqual(sidecar.containers.map((c: { name: string }) => c.name), ['log-shipper', 'app']);
  });

  test('all namespaces, sorted by namespace and name; label and field selectors', async () => {
    const all = await request(t.app).get(`${metrics}/pods`).expect(200);
    assert.deepEqual(names(all.body.items), ['default/db', 'default/web-1', 'default/web-2', 'default/with-sidecar', 'other/tool']);
    const web = await request(t.app).get(`${metrics}/namespaces/default/pods?labelSelector=app%3Dweb`).expect(200);
    assert.deepEqual(names(web.body.items), ['default/web-1', 'default/web-2']);
    const one = await request(t.app).get(`${metrics}/pods?fieldSelector=metadata.name%3Dtool`).expect(200);
    assert.deepEqual(names(one.body.items), ['other/tool']);
    const ns = await request(t.app).get(`${metrics}/pods?fieldSelector=metadata.namespace%3Dother`).expect(200);
    assert.deepEqual(names(ns.body.items), ['other/tool']);
    const bad = await request(t.app).get(`${metrics}/pods?fieldSelector=spec.nodeName%3Dworker-a`).expect(400);
    assert.equal(bad.body.message, 'field label not supported: spec.nodeName');
    const none = await request(t.app).get(`${metrics}/namespaces/kube-system/pods`).expect(200);
    assert.deepEqual(none.body.items, []);
  });

  test('one pod; errors as metrics-server words them', async () => {
    const one = await request(t.app).get(`${metrics}/namespaces/default/pods/web-2`).set('Accept', kubectlTopAccept).expect(200);
    assert.equal(one.body.kind, 'PodMetrics');
    assert.equal(one.body.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.equal(one.body.metadata.namespace, 'default');
    // Not Running, or absent: metrics-server's informer of Running pods does not have it.
    for (const name of ['pending', 'nope']) {
      const res = await request(t.app).get(`${metrics}/namespaces/default/pods/${name}`).expect(404);
      assert.equal(res.body.message, `pods "${name}" not found`);
      assert.equal(res.body.reason, 'NotFound');
    }
    // Running, but no kubelet reports it.
    for (const name of ['stranded', 'pulling']) {
      const res = await request(t.app).get(`${metrics}/namespaces/default/pods/${name}`).expect(404);
      assert.equal(res.body.message, `podmetrics.metrics.k8s.io "default/${name}" not found`);
      assert.deepEqual(res.body.details, { name: `default/${name}`, group: 'metrics.k8s.io', kind: 'podmetrics' });
    }
  });

  test('node usage is the system share plus exactly its pods', async () => {
    const node = (await request(t.app).get(`${metrics}/nodes/worker-b`).expect(200)).body;
    const pods = (await request(t.app).get(`${metrics}/pods`).expect(200)).body.items as { metadata: { name: string }; containers: { usage: { cpu: string; memory: string } }[] }[];
    const onB = pods.filter((p) => ['web-2', 'tool', 'with-sidecar'].includes(p.metadata.name));
    const podCpu = onB.flatMap((p) => p.containers).reduce((s, c) => s + cpuNano(c.usage.cpu), 0);
    const podMemory = onB.flatMap((p) => p.containers).reduce((s, c) => s + bytes(c.usage.memory), 0);
    const systemCpu = cpuNano(node.usage.cpu) - podCpu;
    const systemMemory = bytes(node.usage.memory) - podMemory;
    assert.ok(systemCpu >= 100e6 * 0.85 * 0.95 && systemCpu <= 100e6 * 1.15 * 1.05, String(systemCpu));
    assert.ok(systemMemory >= 2 ** 30 * 0.89 && systemMemory <= 2 ** 30 * 1.12, String(systemMemory));
  });
});

describe('time', () => {
  test('timestamps follow the scrapes; windows are 10s or 20s; figures hold within a scrape and move between', async () => {
    const first = (await request(t.app).get(`${metrics}/namespaces/default/pods/web-1`).expect(200)).body;
    const again = (await request(t.app).get(`${metrics}/namespaces/default/pods/web-1`).expect(200)).body;
    assert.deepEqual(again, first, 'the same answer within one scrape');
    const now = t.clock.now();
    const seen = new Set<string>();
    let previous = first;
    let moved = false;
    for (let i = 0; i < 8; i++) {
      const body = (await request(t.app).get(`${metrics}/namespaces/default/pods/web-1`).expect(200)).body;
      const ts = Date.parse(body.timestamp);
      assert.ok(ts <= t.clock.now() && ts > t.clock.now() - 25_000, `${body.timestamp} at ${new Date(t.clock.now()).toISOString()}`);
      assert.equal(body.metadata.creationTimestamp, new Date(t.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      seen.add(body.window);
      if (body.containers[0].usage.cpu !== previous.containers[0].usage.cpu) moved = true;
      previous = body;
      t.clock.advance(15_000);
    }
    assert.deepEqual([...seen].sort(), ['10s', '20s']);
    assert.ok(moved, 'CPU usage moves from scrape to scrape');
    assert.ok(t.clock.now() > now);
  });
});

describe('protocol', () => {
  test('watch is not supported; writes are not allowed', async () => {
    const watch = await request(t.app).get(`${metrics}/namespaces/default/pods?watch=true`).expect(405);
    assert.equal(watch.body.message, 'watch is not supported on resources of kind "pods.metrics.k8s.io"');
    assert.equal(watch.body.reason, 'MethodNotAllowed');
    await request(t.app).post(`${metrics}/namespaces/default/pods`).send({}).expect(405);
    await request(t.app).delete(`${metrics}/nodes/worker-a`).expect(405);
  });

  test('kubectl get podmetrics: metrics-server\'s table (NAME CPU MEMORY WINDOW)', async () => {
    const res = await request(t.app).get(`${metrics}/namespaces/default/pods?limit=500`).set('Accept', tableAccept).expect(200);
    assert.equal(res.body.kind, 'Table');
    assert.deepEqual(
      res.body.columnDefinitions.map((c: { name: string; format: string }) => [c.name, c.format]),
      [['Name', 'name'], ['cpu', 'quantity'], ['memory', 'quantity'], ['Window', 'duration']],
    );
    const pods = (await request(t.app).get(`${metrics}/namespaces/default/pods`).expect(200)).body.items;
    const web1 = res.body.rows[1];
    const containers = pods[1].containers as { usage: { cpu: string; memory: string } }[];
    assert.equal(web1.cells[0], 'web-1');
    assert.equal(cpuNano(web1.cells[1]), containers.reduce((s, c) => s + cpuNano(c.usage.cpu), 0), 'summed over containers');
    assert.equal(bytes(web1.cells[2]), containers.reduce((s, c) => s + bytes(c.usage.memory), 0));
    assert.match(web1.cells[3], /^(10|20)s$/);
    assert.equal(web1.object.kind, 'PartialObjectMetadata');
    assert.equal(web1.object.metadata.namespace, 'default');
    const node = await request(t.app).get(`${metrics}/nodes/worker-a`).set('Accept', tableAccept).expect(200);
    assert.equal(node.body.rows.length, 1);
    assert.equal(node.body.rows[0].cells[0], 'worker-a');
    const empty = await request(t.app).get(`${metrics}/namespaces/kube-system/pods`).set('Accept', tableAccept).expect(200);
    assert.deepEqual(empty.body.rows, []);
  });

  test('YAML and metadata-only answers; protobuf alone is not acceptable', async () => {
    const yaml = await request(t.app).get(`${metrics}/nodes/worker-a`).set('Accept', 'application/yaml').expect(200);
    assert.match(yaml.text, /^kind: NodeMetrics$/m);
    const meta = await request(t.app)
      .get(`${metrics}/pods`)
      .set('Accept', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')
      .expect(200);
    assert.equal(meta.body.kind, 'PartialObjectMetadataList');
    assert.equal(meta.body.items[0].metadata.name, 'db');
    await request(t.app).get(`${metrics}/nodes`).set('Accept', 'application/vnd.kubernetes.protobuf').expect(406);
  });
});
