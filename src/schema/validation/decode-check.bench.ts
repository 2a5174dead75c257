// Figures for the decode checks on a typical 2.8 KB Pod: `node dist/src/schema/validation/decode-check.bench.js`.
// JSON.parse of the same body is measured alongside as the yardstick for this machine's speed.
import { readFileSync } from 'node:fs';
import { locateSpec } from '../spec-files.js';
import { createSchemaChecker, findDuplicateJsonFields } from './index.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c8f6d-x2k9p',
    namespace: 'default',
    creationTimestamp: null,
    labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6d', tier: 'frontend' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Pod"}', 'prometheus.io/scrape': 'true' },
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25.3',
        imagePullPolicy: 'IfNotPresent',
        args: ['--port=8080', '--log-level=info'],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'MODE', value: 'production' },
          { name: 'REPLICA', value: '1' },
        ],
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
        ],
        resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
        volumeMounts: [
          { name: 'config', mountPath: '/etc/web', readOnly: true },
          { name: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
        ],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
      {
        name: 'sidecar',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'sleep 3600'],
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
      {
        name: 'kube-api-access-abcde',
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    securityContext: {},
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
  },
  status: {},
};

/** Best and first-quartile time per call over many short rounds: robust on a shared machine. */
function measure(name: string, makeInput: () => unknown, fn: (input: unknown) => void, rounds = 200, per = 500): void {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const inputs = Array.from({ length: per }, makeInput);
    const start = process.hrtime.bigint();
    for (let i = 0; i < per; i++) fn(inputs[i]);
    times.push(Number(process.hrtime.bigint() - start) / per / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(40)} best ${times[0]!.toFixed(2)} µs   p25 ${times[rounds >> 2]!.toFixed(2)} µs`);
}

const text = JSON.stringify(pod);
const definitions = (JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
let start = process.hrtime.bigint();
const checker = createSchemaChecker(definitions);
checker.check('io.k8s.api.core.v1.Pod', JSON.parse(text) as Record<string, unknown>, { mode: 'Warn' });
console.log(`first Pod check (compiles Pod and what it references): ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms; body ${text.length} bytes`);
start = process.hrtime.bigint();
checker.check('io.k8s.api.apps.v1.Deployment', { spec: { template: JSON.parse(text) as Record<string, unknown> } }, { mode: 'Warn' });
console.log(`first Deployment check (PodSpec already compiled): ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`);

measure('JSON.parse (yardstick)', () => text, (t) => JSON.parse(t as string));
measure('findDuplicateJsonFields', () => text, (t) => findDuplicateJsonFields(t as string));
measure('check, fresh kubectl-style Pod', () => JSON.parse(text), (o) => checker.check('io.k8s.api.core.v1.Pod', o as Record<string, unknown>, { mode: 'Warn' }));
const withUnknown = JSON.stringify({ ...pod, spec: { ...pod.spec, bogus: 1 } });
measure('check, Pod with an unknown field (Warn)', () => JSON.parse(withUnknown), (o) => checker.check('io.k8s.api.core.v1.Pod', o as Record<string, unknown>, { mode: 'Warn' }), 50);
