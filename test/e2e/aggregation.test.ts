// API aggregation with the real kubectl: a tiny HTTPS extension API server (its own CA, trusting
// kubemu's front-proxy CA from kube-system/extension-apiserver-authentication) serves
// wardle.example.com/v1alpha1 flunders; a selector-less Service with hand-made Endpoints and an
// APIService register it. kubemu lists its own group-versions as Local APIServices, finds the
// remote one Available, lists flunders in discovery, passes `kubectl get flunders` on with the
// kubectl user in X-Remote-User over the front-proxy client certificate, and once the server is
// gone answers 503 and marks the APIService Available=False.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import { createCertificateAuthority, issueLeafCertificate } from '../../src/pki/certificates.js';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

const work = tempDir('kubemu-aggregation-');
let kubemu: KubemuProcess;
let kubectl: Kubectl;
let extension: Server;
let extensionPort: number;
/** What the extension server saw of each request it served. */
const seen: { path: string; user?: string; groups: string[]; clientCn?: string }[] = [];

const group = 'wardle.example.com';
const version = 'v1alpha1';
const flunder = (name: string) => ({ apiVersion: `${group}/${version}`, kind: 'Flunder', metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' } });

let releaseWatch: (() => void) | undefined;

const openApiDocument = {
  openapi: '3.0.0',
  info: { title: 'Wardle', version: 'v0.1' },
  // kubectl explain finds a resource's schema through the GET of its path.
  paths: {
    [`/apis/${group}/${version}/namespaces/{namespace}/flunders/{name}`]: {
      get: {
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': { group, kind: 'Flunder', version },
        responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/com.example.wardle.v1alpha1.Flunder' } } } } },
      },
    },
  },
  components: {
    schemas: {
      'com.example.wardle.v1alpha1.Flunder': {
        description: 'A flunder, served by the test extension server.',
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          spec: { type: 'object', description: 'What the flunder wants.', properties: { reference: { type: 'string' } } },
        },
        'x-kubernetes-group-version-kind': [{ group, kind: 'Flunder', version }],
      },
    },
  },
};

function serveExtension(certPem: string, keyPem: string, frontProxyCa: string): Promise<Server> {
  const server = createServer({ cert: certPem, key: keyPem, ca: frontProxyCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
    // Requestheader authentication: identity headers count only behind the front-proxy certificate.
    const trusted = peer?.subject?.CN === 'front-proxy-client';
    // One header line per group, as client-go sends them.
    const groups = req.headersDistinct['x-remote-group'] ?? [];
    seen.push({ path: req.url ?? '', user: trusted ? String(req.headers['x-remote-user']) : undefined, groups, clientCn: peer ? String(peer.subject.CN) : undefined });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!trusted) return send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const path = (req.url ?? '').split('?')[0];
    if (path === `/apis/${group}/${version}`) {
      return send(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${group}/${version}`,
        resources: [{ name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['get', 'list'], shortNames: ['fl'] }],
      });
    }
    if (path === '/openapi/v3') return send(200, { paths: { [`apis/${group}/${version}`]: { serverRelativeURL: `/openapi/v3/apis/${group}/${version}?hash=W4RDL3` } } });
    if (path === `/openapi/v3/apis/${group}/${version}`) return send(200, openApiDocument);
    if (path === `/apis/${group}/${version}/namespaces/default/flunders` && (req.url ?? '').includes('watch=true')) {
      // One event now, the next only when the test has seen the first come through kubemu.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: flunder('first') })}\n`);
      releaseWatch = () => res.end(`${JSON.stringify({ type: 'ADDED', object: flunder('second') })}\n`);
      return;
    }
    if (path === `/apis/${group}/${version}/flunders` || path === `/apis/${group}/${version}/namespaces/default/flunders`) {
      return send(200, { kind: 'FlunderList', apiVersion: `${group}/${version}`, metadata: { resourceVersion: '7' }, items: [flunder('first'), flunder('second')] });
    }
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  kubemu = await startKubemu({ dataDir: work, extraArgs: ['--nodes', '0'] });
  const newest = kubectlVersionsUnderTest().at(-1)!;
  kubectl = kubectlFor(newest, kubemu.kubeconfig, work);
  // Published right after start, as kube-apiserver's post-start hook does.
  const auth = await eventually('extension-apiserver-authentication', async () => {
    const r = await kubectl.run(['-n', 'kube-system', 'get', 'configmap', 'extension-apiserver-authentication', '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as { data: Record<string, string> }) : undefined;
  });
  assert.deepEqual(JSON.parse(auth.data['requestheader-allowed-names']!), ['front-proxy-client']);
  assert.deepEqual(JSON.parse(auth.data['requestheader-username-headers']!), ['X-Remote-User']);
  assert.match(auth.data['client-ca-file']!, /BEGIN CERTIFICATE/);
  const now = Date.now();
  const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000) };
  const ca = await createCertificateAuthority('wardle-ca', validity);
  const serving = await issueLeafCertificate(ca, { commonName: 'api', usage: 'server', hosts: ['api.wardle.svc'], ...validity });
  extension = await serveExtension(serving.certPem, serving.keyPem, auth.data['requestheader-client-ca-file']!);
  extensionPort = (extension.address() as AddressInfo).port;
  await kubectl.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wardle' } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'wardle' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } },
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'api', namespace: 'wardle' },
          subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: extensionPort }] }],
        },
        {
          apiVersion: 'apiregistration.k8s.io/v1',
          kind: 'APIService',
          metadata: { name: `${version}.${group}` },
          spec: {
            group,
            version,
            service: { namespace: 'wardle', name: 'api', port: 443 },
            caBundle: Buffer.from(ca.certPem).toString('base64'),
            groupPriorityMinimum: 1000,
            versionPriority: 15,
          },
        },
      ],
    }),
  });
});

after(async () => {
  extension?.closeAllConnections();
  extension?.close();
  await kubemu?.stop();
  removeDir(work);
});

test('kubectl get apiservices: the local group-versions and the remote one, Available', async () => {
  const table = await eventually('the wardle APIService to be Available', async () => {
    const out = await kubectl.ok(['get', 'apiservices']);
    return /v1alpha1\.wardle\.example\.com\s+wardle\/api\s+True/.test(out) ? out : undefined;
  });
  assert.match(table, /^v1\.\s+Local\s+True/m);
  assert.match(table, /^v1\.apps\s+Local\s+True/m);
  const apps = JSON.parse(await kubectl.ok(['get', 'apiservice', 'v1.apps', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown>; status: { conditions: Record<string, string>[] } };
  assert.equal(apps.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'onstart');
  assert.equal(apps.spec.groupPriorityMinimum, 17800);
  assert.equal(apps.spec.versionPriority, 15);
  assert.ok('service' in apps.spec && apps.spec.service === null, 'a local APIService prints service: null');
  assert.deepEqual(
    apps.status.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
    [['Available', 'True', 'Local', 'Local APIServices are always available']],
  );
  const wardle = JSON.parse(await kubectl.ok(['get', 'apiservice', `${version}.${group}`, '-o', 'json'])) as { status: { conditions: Record<string, string>[] } };
  assert.deepEqual(wardle.status.conditions.map((c) => [c.reason, c.message]), [['Passed', 'all checks passed']]);
  // The discovery check went over the front-proxy certificate, as the aggregator.
  assert.ok(seen.some((s) => s.path === `/apis/${group}/${version}` && s.user === 'system:kube-aggregator' && s.clientCn === 'front-proxy-client'));
});

test('a CRD\'s versions come and go as Local APIServices', async () => {
  await kubectl.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com',
        scope: 'Namespaced',
        names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
          { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
        ],
      },
    }),
  });
  const api = await eventually('v1.stable.example.com', async () => {
    const r = await kubectl.run(['get', 'apiservice', 'v1.stable.example.com', '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown>; status?: { conditions?: Record<string, string>[] } }) : undefined;
  });
  assert.equal(api.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'true');
  assert.deepEqual([api.spec.groupPriorityMinimum, api.spec.versionPriority], [1000, 100]);
  // A version not served has none.
  assert.equal((await kubectl.run(['get', 'apiservice', 'v1beta1.stable.example.com'])).code, 1);
  await eventually('Local', async () => (/^v1\.stable\.example\.com\s+Local\s+True/m.test(await kubectl.ok(['get', 'apiservices'])) ? true : undefined));
  await kubectl.ok(['delete', 'crd', 'crontabs.stable.example.com']);
  await eventually('the CRD\'s APIService gone', async () => ((await kubectl.run(['get', 'apiservice', 'v1.stable.example.com'])).code === 1 ? true : undefined));
});

test('discovery lists the remote group: kubectl api-resources shows flunders (aggregated and legacy discovery)', async () => {
  const out = await eventually('flunders in api-resources', async () => {
    const r = await kubectl.ok(['api-resources', '--api-group', group]);
    return r.includes('flunders') ? r : undefined;
  });
  assert.match(out, /^flunders\s+fl\s+wardle\.example\.com\/v1alpha1\s+true\s+Flunder/m);
  const groups = JSON.parse(await kubectl.ok(['get', '--raw', '/apis'])) as { groups: { name: string; preferredVersion: { version: string } }[] };
  assert.deepEqual(groups.groups.find((g) => g.name === group)?.preferredVersion.version, version);
  // kubectl 1.27 reads the legacy documents: /apis, then /apis/<group>/<version> from the backend.
  for (const binary of kubectlVersionsUnderTest().slice(0, -1)) {
    const old = kubectlFor(binary, kubemu.kubeconfig, work);
    assert.match(await old.ok(['api-resources', '--api-group', group]), /^flunders\s+fl\s+wardle\.example\.com\/v1alpha1\s+true\s+Flunder/m);
    assert.equal(await old.ok(['get', 'flunders', '-o', 'name']), 'flunder.wardle.example.com/first\nflunder.wardle.example.com/second\n');
  }
});

test('kubectl get flunders is answered by the extension server, for the kubectl user', async () => {
  seen.length = 0;
  const list = JSON.parse(await kubectl.ok(['get', 'flunders', '-o', 'json'])) as { items: { metadata: { name: string } }[] };
  assert.deepEqual(list.items.map((i) => i.metadata.name), ['first', 'second']);
  // The backend serves no Table: kubectl prints the list itself.
  assert.match(await kubectl.ok(['get', 'flunders']), /^NAME\s.*\nfirst\s.*\nsecond\s/);
  const names = await kubectl.ok(['get', 'fl', '-o', 'name']);
  assert.equal(names, 'flunder.wardle.example.com/first\nflunder.wardle.example.com/second\n');
  const proxied = seen.find((s) => s.path.startsWith(`/apis/${group}/${version}/namespaces/default/flunders`));
  assert.ok(proxied, `no proxied list among ${JSON.stringify(seen.map((s) => s.path))}`);
  assert.equal(proxied.clientCn, 'front-proxy-client');
  assert.equal(proxied.user, 'kubemu-admin');
  assert.ok(proxied.groups.includes('system:masters') && proxied.groups.includes('system:authenticated'), JSON.stringify(proxied.groups));
});

test('OpenAPI v3: the root points at the extension server\'s document, which kubectl explain reads', async () => {
  const root = JSON.parse(await kubectl.ok(['get', '--raw', '/openapi/v3'])) as { paths: Record<string, { serverRelativeURL: string }> };
  assert.equal(root.paths[`apis/${group}/${version}`]?.serverRelativeURL, `/openapi/v3/apis/${group}/${version}?hash=W4RDL3`);
  assert.ok(root.paths['apis/apps/v1']);
  const explained = await kubectl.ok(['explain', 'flunders']);
  assert.match(explained, /KIND:\s+Flunder/);
  assert.match(explained, /A flunder, served by the test extension server\./);
});

/** The admin's TLS settings, read from the kubeconfig kubemu wrote. */
function adminTls(): { ca: string; cert: string; key: string } {
  const config = readFileSync(kubemu.kubeconfig, 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(config)![1]!, 'base64').toString('utf8');
  return { ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') };
}

function rawGet(path: string, accept: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${kubemu.url}${path}`, { ...adminTls(), headers: { accept } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a watch is passed on as a stream', async () => {
  const events: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const req = httpsRequest(`${kubemu.url}/apis/${group}/${version}/namespaces/default/flunders?watch=true`, adminTls());
    req.on('response', (res) => {
      assert.equal(res.statusCode, 200);
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) events.push((JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name);
        // The first event arrived while the backend still holds the second: nothing was buffered.
        if (events.length === 1) releaseWatch!();
      });
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(events, ['first', 'second']);
});

test('ServiceNotFound, EndpointsNotFound, MissingEndpoints: the reasons as kube-aggregator writes them', async () => {
  await kubectl.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `v1beta1.${group}` },
      spec: { group, version: 'v1beta1', service: { namespace: 'wardle', name: 'nothing' }, insecureSkipTLSVerify: true, groupPriorityMinimum: 1000, versionPriority: 10 },
    }),
  });
  const condition = await eventually('ServiceNotFound', async () => {
    const api = JSON.parse(await kubectl.ok(['get', 'apiservice', `v1beta1.${group}`, '-o', 'json'])) as { status?: { conditions?: Record<string, string>[] } };
    return api.status?.conditions?.find((c) => c.type === 'Available');
  });
  assert.deepEqual([condition.status, condition.reason, condition.message], ['False', 'ServiceNotFound', 'service/nothing in "wardle" is not present']);
  const r = await kubectl.run(['get', '--raw', `/apis/${group}/v1beta1/namespaces/default/flunders`]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ServiceUnavailable|service unavailable/);
  const availability = async (reason: string) =>
    eventually(reason, async () => {
      const api = JSON.parse(await kubectl.ok(['get', 'apiservice', `v1beta1.${group}`, '-o', 'json'])) as { status: { conditions: Record<string, string>[] } };
      const c = api.status.conditions.find((x) => x.type === 'Available');
      return c?.reason === reason ? c.message : undefined;
    });
  // The Service comes, without endpoints; then with endpoints on another port.
  await kubectl.ok(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nothing', namespace: 'wardle' }, spec: { ports: [{ name: 'https', port: 443 }] } }),
  });
  assert.equal(await availability('EndpointsNotFound'), 'cannot find endpointslices for service/nothing in "wardle"');
  await kubectl.ok(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'nothing', namespace: 'wardle' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'other', port: 1 }] }] }),
  });
  assert.equal(await availability('MissingEndpoints'), 'endpointslices for service/nothing in "wardle" have no addresses with port name "https"');
  await kubectl.ok(['delete', 'apiservice', `v1beta1.${group}`]);
});

test('the extension server gone: requests are 503 and the APIService is Available=False', async () => {
  extension.closeAllConnections();
  await new Promise<void>((resolve) => extension.close(() => resolve()));
  // The first request finds the server gone; the check that follows marks the APIService.
  const failed = await kubectl.run(['get', 'flunders']);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /the server is currently unable to handle the request/);
  const condition = await eventually('Available=False', async () => {
    const api = JSON.parse(await kubectl.ok(['get', 'apiservice', `${version}.${group}`, '-o', 'json'])) as { status: { conditions: Record<string, string>[] } };
    const c = api.status.conditions.find((x) => x.type === 'Available');
    return c?.status === 'False' ? c : undefined;
  });
  assert.equal(condition.reason, 'FailedDiscoveryCheck');
  assert.match(condition.message, new RegExp(`^failing or missing response from https://127\\.0\\.0\\.1:${extensionPort}/apis/wardle\\.example\\.com/v1alpha1: .*connection refused`));
  assert.match(await kubectl.ok(['get', 'apiservices']), /v1alpha1\.wardle\.example\.com\s+wardle\/api\s+False \(FailedDiscoveryCheck\)/);
  const raw = await kubectl.run(['get', '--raw', `/apis/${group}/${version}/namespaces/default/flunders`]);
  assert.notEqual(raw.code, 0);
  assert.match(raw.stderr, /ServiceUnavailable|service unavailable/);
  // Discovery keeps the group-version with what its server last reported, Stale, as kube-aggregator does.
  const aggregated = JSON.parse(await rawGet('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')) as {
    items: { metadata: { name: string }; versions: { version: string; freshness: string; resources: { resource: string }[] }[] }[];
  };
  const wardle = aggregated.items.find((i) => i.metadata.name === group);
  assert.deepEqual(wardle?.versions.map((v) => [v.version, v.freshness, v.resources.map((r) => r.resource)]), [[version, 'Stale', ['flunders']]]);
  const legacy = JSON.parse(await rawGet('/apis', 'application/json')) as { groups: { name: string }[] };
  assert.ok(legacy.groups.some((g) => g.name === group));
});
