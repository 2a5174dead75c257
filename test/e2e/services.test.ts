// Services in `kubemu serve`, seen through the newest real kubectl: Endpoints and EndpointSlices
// that follow the pods a Service selects (a pod that stops being ready moves to
// notReadyAddresses, scaling down removes addresses), hand-made Endpoints mirrored into a slice,
// a LoadBalancer Service's EXTERNAL-IP, and `kubectl proxy` reaching pods, Services and a node's
// kubelet through the API server's proxy subresources.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const ns = 'svc';
const newest = kubectlVersionsUnderTest().at(-1)!;

interface Address {
  ip: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string };
}
interface EndpointsView {
  metadata: { labels?: Record<string, string> };
  subsets?: { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: { name?: string; port: number; protocol: string }[] }[];
}
interface SliceView {
  metadata: { name: string; labels: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  addressType: string;
  endpoints?: { addresses: string[]; conditions: { ready?: boolean; serving?: boolean; terminating?: boolean }; targetRef?: { name: string }; nodeName?: string; zone?: string }[];
  ports?: { name?: string; port: number; protocol: string }[];
}

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-services-');
  k = kubectlFor(newest, server.kubeconfig, work);
  await eventually('three Ready nodes', async () => {
    const out = await k.ok(['get', 'nodes', '--no-headers']);
    return out.split('\n').filter((l) => /\sReady\s/.test(l)).length === 3 ? true : undefined;
  }, 30_000);
  await k.ok(['create', 'namespace', ns]);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

async function endpointsOf(name: string): Promise<EndpointsView | undefined> {
  const r = await k.run(['-n', ns, 'get', 'endpoints', name, '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as EndpointsView) : undefined;
}

async function slicesOf(service: string): Promise<SliceView[]> {
  return (JSON.parse(await k.ok(['-n', ns, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`, '-o', 'json'])) as { items: SliceView[] }).items;
}

const names = (addresses: Address[] | undefined) => (addresses ?? []).map((a) => a.targetRef?.name ?? '').sort();
const ready = (e: EndpointsView | undefined) => names(e?.subsets?.flatMap((s) => s.addresses ?? []));
const notReady = (e: EndpointsView | undefined) => names(e?.subsets?.flatMap((s) => s.notReadyAddresses ?? []));

describe(`Services with kubectl ${newest.version}`, () => {
  test('kubectl expose: Endpoints and an EndpointSlice follow the pods, their readiness and a scale-down', async () => {
    await k.ok(['-n', ns, 'create', 'deployment', 'web', '--image=nginx', '--replicas=3', '--port=80']);
    await k.ok(['-n', ns, 'expose', 'deployment', 'web', '--port=8080', '--target-port=80']);
    const pods = await eventually('three ready addresses', async () => {
      const e = await endpointsOf('web');
      return ready(e).length === 3 ? ready(e) : undefined;
    }, 30_000);
    const ep = (await endpointsOf('web'))!;
    assert.deepEqual(ep.metadata.labels, { app: 'web' });
    assert.deepEqual(ep.subsets![0]!.ports, [{ port: 80, protocol: 'TCP' }]);
    for (const a of ep.subsets![0]!.addresses!) {
      assert.match(a.ip, /^10\.244\.\d+\.\d+$/);
      assert.match(a.nodeName ?? '', /^kubemu-worker2?$/);
      assert.equal(a.targetRef?.kind, 'Pod');
    }
    const wide = await k.ok(['-n', ns, 'get', 'endpoints', 'web']);
    assert.match(wide, /^web\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80\s+\d+s$/m);

    const [slice, ...others] = await slicesOf('web');
    assert.equal(others.length, 0);
    assert.match(slice!.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.equal(slice!.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slice!.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`), ['Service/web']);
    assert.equal(slice!.addressType, 'IPv4');
    assert.deepEqual(slice!.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
    assert.deepEqual(slice!.endpoints!.map((e) => e.targetRef?.name).sort(), pods);
    for (const e of slice!.endpoints!) {
      assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
      assert.match(e.zone ?? '', /^kubemu-[abc]$/);
    }

    // A pod whose container keeps crashing: ready while it runs, then not ready.
    await k.ok(['-n', ns, 'run', 'flaky', '--image=busybox', '--labels=app=web', '--port=80', '--', 'sh', '-c', 'sleep 3; exit 1']);
    await eventually('flaky ready', async () => (ready(await endpointsOf('web')).includes('flaky') ? true : undefined), 30_000);
    await eventually('flaky not ready', async () => (notReady(await endpointsOf('web')).includes('flaky') ? true : undefined), 30_000);
    assert.deepEqual(ready(await endpointsOf('web')), pods);
    const flaky = await eventually('flaky not ready in the slice', async () => {
      const e = (await slicesOf('web')).flatMap((s) => s.endpoints ?? []).find((x) => x.targetRef?.name === 'flaky');
      return e?.conditions.ready === false ? e : undefined;
    });
    assert.deepEqual(flaky.conditions, { ready: false, serving: false, terminating: false });

    await k.ok(['-n', ns, 'delete', 'pod', 'flaky', '--wait=false']);
    await k.ok(['-n', ns, 'scale', 'deployment', 'web', '--replicas=1']);
    await eventually('one address left', async () => {
      const e = await endpointsOf('web');
      return ready(e).length === 1 && notReady(e).length === 0 ? true : undefined;
    }, 30_000);
    await eventually('one endpoint left in the slice', async () => {
      const s = await slicesOf('web');
      return s.length === 1 && s[0]!.endpoints?.length === 1 ? true : undefined;
    }, 30_000);
  });

  test('a Service that selects no pod has Endpoints without subsets and an empty slice', async () => {
    await k.ok(['-n', ns, 'create', 'service', 'clusterip', 'nobody', '--tcp=80:8080']);
    const ep = await eventually('Endpoints of nobody', () => endpointsOf('nobody'));
    assert.equal(ep.subsets, undefined);
    assert.match(await k.ok(['-n', ns, 'get', 'endpoints', 'nobody']), /^nobody\s+<none>\s+\d+s$/m);
    const slices = await eventually('a placeholder slice', async () => {
      const s = await slicesOf('nobody');
      return s.length ? s : undefined;
    });
    assert.deepEqual([slices.length, slices[0]!.endpoints ?? []], [1, []]);
  });

  test('hand-made Endpoints of a selector-less Service are mirrored into an EndpointSlice; default/kubernetes is not', async () => {
    const manifest = `apiVersion: v1
kind: Service
metadata:
  name: external-db
  namespace: ${ns}
spec:
  ports:
  - name: pg
    port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: external-db
  namespace: ${ns}
subsets:
- addresses:
  - ip: 192.168.10.5
  notReadyAddresses:
  - ip: 192.168.10.6
  ports:
  - name: pg
    port: 5432
`;
    await k.ok(['apply', '-f', '-'], { input: manifest });
    const [slice, ...more] = await eventually('a mirrored slice', async () => {
      const s = await slicesOf('external-db');
      return s.length ? s : undefined;
    });
    assert.equal(more.length, 0);
    assert.match(slice!.metadata.name, /^external-db-[a-z0-9]{5}$/);
    assert.equal(slice!.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.deepEqual(slice!.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`), ['Endpoints/external-db']);
    assert.deepEqual(slice!.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    assert.deepEqual(slice!.endpoints, [
      { addresses: ['192.168.10.5'], conditions: { ready: true } },
      { addresses: ['192.168.10.6'], conditions: { ready: false } },
    ]);

    const apiserver = JSON.parse(await k.ok(['-n', 'default', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'json'])) as { items: SliceView[] };
    assert.deepEqual(apiserver.items.map((s) => s.metadata.name), ['kubernetes']);
  });

  test('a LoadBalancer Service gets an EXTERNAL-IP', async () => {
    await k.ok(['-n', ns, 'create', 'service', 'loadbalancer', 'front', '--tcp=80:80']);
    const row = await eventually('an external IP', async () => {
      const out = await k.ok(['-n', ns, 'get', 'svc', 'front', '--no-headers']);
      return /<pending>/.test(out) ? undefined : out;
    });
    assert.match(row, /^front\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+172\.18\.255\.2\d\d\s+80:\d+\/TCP\s+\d+s$/m);
    const described = await k.ok(['-n', ns, 'describe', 'svc', 'front']);
    assert.match(described, /LoadBalancer Ingress:\s+172\.18\.255\.2\d\d \(Proxy\)/);
    assert.match(described, /Normal\s+EnsuredLoadBalancer\s+.*service-controller\s+Ensured load balancer/);
  });

  describe('kubectl proxy', () => {
    let proxy: ChildProcess;
    let port: number;

    before(async () => {
      proxy = spawn(newest.path, ['--kubeconfig', server.kubeconfig, 'proxy', '--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`kubectl proxy did not start: ${out}`)), 30_000);
        proxy.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      await k.ok(['-n', ns, 'create', 'deployment', 'api', '--image=nginx', '--port=8080']);
      await k.ok(['-n', ns, 'expose', 'deployment', 'api', '--port=80', '--target-port=8080']);
      await eventually('a ready address for api', async () => (ready(await endpointsOf('api')).length === 1 ? true : undefined), 30_000);
    });

    after(() => {
      proxy.kill();
    });

    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${path}`)));
        req.end();
      });
    const statusOf = (body: string) => {
      const s = JSON.parse(body) as { code: number; reason: string; message: string };
      return [s.code, s.reason, s.message];
    };

    test('a Service is answered through a ready endpoint, a pod directly, a node by its kubelet', async () => {
      const svc = await get(`/api/v1/namespaces/${ns}/services/api:80/proxy/`);
      assert.equal(svc.status, 200, svc.body);
      assert.match(svc.body, new RegExp(`^kubemu: pod ${ns}/api-[a-z0-9]+-[a-z0-9]{5} port 8080\\n$`));
      const pod = svc.body.split(' ')[2]!.split('/')[1]!;
      const direct = await get(`/api/v1/namespaces/${ns}/pods/${pod}/proxy/index.html`);
      assert.deepEqual([direct.status, direct.body], [200, `kubemu: pod ${ns}/${pod} port 8080\n`]);
      const health = await get('/api/v1/nodes/kubemu-worker/proxy/healthz');
      assert.deepEqual([health.status, health.body], [200, 'ok']);
    });

    test('no endpoints, a port nothing listens on, a missing pod: the real errors, at once', async () => {
      const none = await get(`/api/v1/namespaces/${ns}/services/nobody:80/proxy/`);
      assert.equal(none.status, 503);
      assert.deepEqual(statusOf(none.body), [503, 'ServiceUnavailable', 'no endpoints available for service "nobody"']);
      const pod = ready(await endpointsOf('api'))[0]!;
      const refused = await get(`/api/v1/namespaces/${ns}/pods/${pod}:9999/proxy/`);
      assert.equal(statusOf(refused.body)[0], 503);
      assert.match(String(statusOf(refused.body)[2]), /^error trying to reach service: dial tcp 10\.244\.\d+\.\d+:9999: connect: connection refused$/);
      const missing = await get(`/api/v1/namespaces/${ns}/pods/ghost/proxy/`);
      assert.deepEqual(statusOf(missing.body), [404, 'NotFound', 'pods "ghost" not found']);
    });
  });
});
