// Custom resources in `npm run bench`: how long a CRD takes from create to accepting its first
// custom resource (envtest users wait seconds for Established), and CR creates/s against pod
// creates/s on the same server in the same minute (the machine is shared: only a ratio from one
// run compares).

export interface BenchServer {
  port: number;
  /** One request; resolves with the status and body. */
  request(method: string, path: string, body?: string): Promise<{ status: number; body: string }>;
  /** POSTs bodies from `bodyFor` to `path` with 50 connections for `seconds`. */
  createLoad(path: string, seconds: number, bodyFor: (n: number) => string): Promise<{ rate: number; failed: number }>;
}

export interface CustomResourceFigures {
  establishMs: number[];
  crRate: number;
  podRate: number;
  crFailed: number;
}

function definition(plural: string, kind: string): string {
  const group = 'bench.kubemu.dev';
  const env = { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string' } } } };
  const port = { type: 'object', properties: { name: { type: 'string' }, containerPort: { type: 'integer', minimum: 1, maximum: 65535 } } };
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.replace(/s$/, ''), kind, listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['image'],
                  properties: {
                    image: { type: 'string' },
                    replicas: { type: 'integer', minimum: 0, default: 1 },
                    args: { type: 'array', items: { type: 'string' } },
                    env,
                    ports: { type: 'array', items: port },
                    resources: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
                  },
                },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  });
}

/** A custom resource of about the bench pod's size (3 KB), through a typed schema. */
function customResourceBody(kind: string, name: string): string {
  return JSON.stringify({
    apiVersion: 'bench.kubemu.dev/v1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'bench', tier: 'backend', release: 'stable', shard: name.slice(-1) },
      annotations: { 'bench.kubemu.dev/description': 'a custom resource of about three kilobytes, like a typical small one. '.repeat(9) },
    },
    spec: {
      image: 'registry.example.com/team/app:1.2.3',
      args: ['--port=8080', '--log-level=info', '--metrics'],
      env: Array.from({ length: 8 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}-`.repeat(3) })),
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  });
}

/**
 * CRD → first accepted create, for several CRDs in turn (the create is retried at once while the
 * resource is not served yet, as a client that does not wait for Established would); then creates/s
 * of one CRD's resources and of pods, alternately, on `server`.
 */
export async function customResourceFigures(server: BenchServer, seconds: number, podBody: (name: string) => string): Promise<CustomResourceFigures> {
  const establishMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const plural = `widgets${i}`;
    const kind = `Widget${i}`;
    const t0 = performance.now();
    const crd = await server.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', definition(plural, kind));
    if (crd.status !== 201) throw new Error(`CRD create: ${crd.status} ${crd.body}`);
    for (;;) {
      const r = await server.request('POST', `/apis/bench.kubemu.dev/v1/namespaces/default/${plural}`, customResourceBody(kind, 'first'));
      if (r.status === 201) break;
      if (r.status !== 404) throw new Error(`first ${kind}: ${r.status} ${r.body}`);
    }
    establishMs.push(performance.now() - t0);
  }
  const crPath = '/apis/bench.kubemu.dev/v1/namespaces/default/widgets0';
  const podPath = '/api/v1/namespaces/default/pods';
  await server.createLoad(crPath, 3, (n) => customResourceBody('Widget0', `warm-${n}`));
  await server.createLoad(podPath, 3, (n) => podBody(`warm-${n}`));
  const cr = await server.createLoad(crPath, seconds, (n) => customResourceBody('Widget0', `bench-${n}`));
  const pods = await server.createLoad(podPath, seconds, (n) => podBody(`bench-${n}`));
  return { establishMs, crRate: cr.rate, podRate: pods.rate, crFailed: cr.failed };
}

export function customResourceRows(f: CustomResourceFigures): [string, string][] {
  const sorted = [...f.establishMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return [
    ['CRD create → its resource accepts a create', `median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms over ${sorted.length} CRDs (target ≤ 100 ms)`],
    [
      'custom resource creates/s (typed schema, 3 KB)',
      `${f.crRate.toFixed(0)} /s against ${f.podRate.toFixed(0)} pod creates/s in the same run → ${(f.crRate / f.podRate).toFixed(2)} (target ≥ 0.9)${f.crFailed ? `, ${f.crFailed} failed` : ''}`,
    ],
  ];
}
