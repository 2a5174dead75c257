// The real clients as judges: kubectl 1.33 sends protobuf bodies and reads protobuf answers,
// kubectl 1.27 reads /openapi/v2 as protobuf for `explain`. Skipped where the versioned
// kubectl binaries are not installed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { locateProtoDir, locateSpec } from '../spec-files.js';
import { createProtobufCodec } from './codec.js';
import { encodeOpenApiV2Document } from './openapi-v2-document.js';

function findKubectl(version: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (!dir || !existsSync(candidate)) continue;
    const versioned = join(dirname(realpathSync(candidate)), `kubectl.${version}`);
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}

const kubectl133 = findKubectl('1.33');
const kubectl127 = findKubectl('1.27');
const codec = createProtobufCodec(locateProtoDir());
const cacheDir = mkdtempSync(join(tmpdir(), 'kubemu-protobuf-'));
const received: Record<string, unknown>[] = [];
let port = 0;
let openApi: Uint8Array | undefined;

// What the fake apiserver answers to a create: the object as a real server would return it.
const stored: Record<string, Record<string, unknown>> = {
  ConfigMap: {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name: 'cm1',
      namespace: 'default',
      uid: '6f1c1f0e-3b1e-4d5a-9f00-0c1d2e3f4a5b',
      resourceVersion: '42',
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'demo' },
      managedFields: [
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2024-05-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
        },
      ],
    },
    immutable: true,
    data: { a: 'b' },
    binaryData: { bin: 'AAH+' },
  },
  Deployment: {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'd1', namespace: 'default', uid: 'u-2', resourceVersion: '43', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: 'd1' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'd1' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'd1' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: { limits: { cpu: '500m' } },
              readinessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'Always',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  },
};

function serve(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = (req.url ?? '').split('?')[0];
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST' && req.headers['content-type'] === 'application/vnd.kubernetes.protobuf') {
      const obj = codec.decode(Buffer.concat(chunks));
      received.push(obj);
      res.writeHead(201, { 'content-type': 'application/vnd.kubernetes.protobuf' });
      res.end(codec.encode(stored[String(obj.kind)]!));
      return;
    }
    if (path === '/openapi/v2') {
      res.writeHead(200, { 'content-type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
      res.end(openApi);
      return;
    }
    if (path === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (path === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (path === '/api/v1') {
      return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get'] }] });
    }
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
  });
}

const server = createServer(serve);

function run(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, [...args, '--server', `http://127.0.0.1:${port}`, '--cache-dir', cacheDir], (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('kubectl 1.33 create: its protobuf body decodes, our protobuf answer prints back as the same JSON', { skip: !kubectl133 && 'kubectl.1.33 not installed' }, async () => {
  const cm = await run(kubectl133!, ['create', 'configmap', 'cm1', '--from-literal=a=b', '-o', 'json', '--show-managed-fields']);
  assert.equal(cm.code, 0, cm.stderr);
  assert.deepEqual(received.at(-1), { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm1', creationTimestamp: null }, data: { a: 'b' } });
  assert.deepEqual(JSON.parse(cm.stdout), stored.ConfigMap);

  const deploy = await run(kubectl133!, ['create', 'deployment', 'd1', '--image=nginx', '--replicas=0', '-o', 'json']);
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.equal((received.at(-1)!.spec as { replicas: number }).replicas, 0);
  assert.deepEqual(JSON.parse(deploy.stdout), stored.Deployment);
});

test('kubectl 1.27 explain reads our protobuf /openapi/v2', { skip: !kubectl127 && 'kubectl.1.27 not installed' }, async () => {
  openApi = encodeOpenApiV2Document(JSON.parse(readFileSync(locateSpec(), 'utf8')) as Record<string, unknown>);
  const result = await run(kubectl127!, ['explain', 'pods.spec.containers.ports']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /RESOURCE: ports <\[\]Object>/);
  assert.match(result.stdout, /containerPort\s+<integer> -required-/);
});
