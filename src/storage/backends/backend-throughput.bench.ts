// Write throughput of the storage backends: creates of ~3 KB pods with N writes in flight.
// Not a test (no timing assertions anywhere); run after a build:
//   node dist/src/storage/backends/backend-throughput.bench.js [count] [inFlight...]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../types.js';
import { createMemoryBackend } from './memory/memory-backend.js';
import { openLevelDbBackend } from './leveldb/leveldb-backend.js';

const template = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace: 'default',
    uid: '6a1f0c1e-9d8b-4a4e-8f1e-2b6c1d3e4f50',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '5d8f7c9b4' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Pod"}'.repeat(15) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7c9b4', uid: 'abcd-efgh', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
        env: Array.from({ length: 8 }, (_, j) => ({ name: `ENV_${j}`, value: `value-${j}` })),
        volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    nodeName: 'node-1',
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP: '10.244.0.17',
    startTime: '2026-01-01T00:00:00Z',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
      type,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    })),
    containerStatuses: [
      {
        name: 'web',
        ready: true,
        restartCount: 0,
        image: 'nginx:1.25',
        imageID: `docker-pullable://nginx@sha256:${'f'.repeat(64)}`,
        containerID: `containerd://${'e'.repeat(64)}`,
        started: true,
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
      },
    ],
    qosClass: 'Burstable',
  },
};

/** A fresh pod per write: the backend stamps metadata, so only metadata is copied. */
function pod(i: number): Record<string, unknown> {
  return { ...template, metadata: { ...template.metadata, name: `web-5d8f7c9b4-${i.toString(36).padStart(5, '0')}` } };
}

async function createMany(b: Backend, count: number, inFlight: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await b.create(`/registry/pods/default/web-${i}`, pod(i));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (count / (performance.now() - started)) * 1000;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 50_000);
  const inFlights = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1, 64, 256];
  console.log(`pod JSON: ${JSON.stringify(pod(0)).length} bytes; ${count} creates per run`);
  const root = mkdtempSync(join(tmpdir(), 'kubemu-bench-'));
  try {
    for (const inFlight of inFlights) {
      const memory = createMemoryBackend();
      const memoryRate = await createMany(memory, count, inFlight);
      await memory.close();
      const leveldb = await openLevelDbBackend(join(root, `db-${inFlight}`));
      const leveldbRate = await createMany(leveldb, count, inFlight);
      await leveldb.close();
      console.log(`${inFlight} in flight: memory ${Math.round(memoryRate)} creates/s, leveldb ${Math.round(leveldbRate)} creates/s`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
