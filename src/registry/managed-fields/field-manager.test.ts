// Behaviour of the field manager against the real Kubernetes 1.36 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locateSpec } from '../../schema/spec-files.js';
import { ApplyConflictError, ApplyError, createFieldManager, lastAppliedAnnotation, type ManagedFieldsEntry, type Obj } from './index.js';
import { describe as describeSet, type FieldSet } from './field-set.js';

const definitions = (JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
const fm = createFieldManager(definitions);

const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const SERVICE = 'io.k8s.api.core.v1.Service';
const POD = 'io.k8s.api.core.v1.Pod';
const CONFIGMAP = 'io.k8s.api.core.v1.ConfigMap';
const mainIgnored = [['status']];
const deploymentStatusIgnored = [['spec'], ['metadata', 'labels']];

function t(n: number): string {
  return `2024-01-01T00:00:${String(n).padStart(2, '0')}Z`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/** What storage would hold: the object with server-set metadata. */
let uidCounter = 0;
function stored(object: Obj): Obj {
  const copy = structuredClone(object);
  const metadata = copy.metadata as Obj;
  metadata.uid ??= `uid-${++uidCounter}`;
  metadata.resourceVersion = String(Number(metadata.resourceVersion ?? 0) + 1);
  metadata.creationTimestamp ??= t(0);
  return deepFreeze(copy);
}

function entries(object: Obj): ManagedFieldsEntry[] {
  return ((object.metadata as Obj).managedFields as ManagedFieldsEntry[] | undefined) ?? [];
}

function entry(object: Obj, manager: string, operation?: string): ManagedFieldsEntry {
  const found = entries(object).find((e) => e.manager === manager && (operation === undefined || e.operation === operation));
  assert.ok(found, `no entry for ${manager}; have ${entries(object).map((e) => e.manager).join(', ')}`);
  return found;
}

function owned(object: Obj, manager: string, operation?: string): string[] {
  return describeSet(entry(object, manager, operation).fieldsV1 as FieldSet);
}

function apply(definitionName: string, live: Obj | undefined, config: Obj, manager: string, time: string, extra: { force?: boolean; subresource?: string; ignoredFields?: string[][] } = {}): Obj {
  const apiVersion = config.apiVersion as string;
  return stored(
    fm.apply({
      definitionName,
      live,
      config: deepFreeze(structuredClone(config)),
      manager,
      apiVersion,
      force: extra.force ?? false,
      subresource: extra.subresource,
      time,
      ignoredFields: extra.ignoredFields ?? mainIgnored,
    }),
  );
}

function write(definitionName: string, live: Obj | undefined, next: Obj, manager: string, time: string, extra: { subresource?: string; ignoredFields?: string[][] } = {}): Obj {
  const copy = structuredClone(next);
  fm.update({
    definitionName,
    live,
    next: copy,
    manager,
    apiVersion: copy.apiVersion as string,
    subresource: extra.subresource,
    time,
    ignoredFields: extra.ignoredFields ?? mainIgnored,
  });
  return stored(copy);
}

function conflictOf(fn: () => unknown): ApplyConflictError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplyConflictError) return err;
    throw err;
  }
  assert.fail('expected an apply conflict');
}

function deploymentConfig(options: { replicas?: number; labels?: Record<string, string>; containers?: Obj[] } = {}): Obj {
  const spec: Obj = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: options.containers ?? [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
    },
  };
  if (options.replicas !== undefined) spec.replicas = options.replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: options.labels ?? { app: 'web' } }, spec };
}

/** A Deployment as `kubectl apply` (client-side) sends it and the server defaults it. */
function defaultedDeployment(annotations?: Record<string, string>): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.25',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {},
  };
}

// ---- updates -----------------------------------------------------------------------------

test('create: the creator owns every field it set, encoded exactly as Kubernetes encodes it', () => {
  const created = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  assert.deepEqual(entries(created), [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: t(1),
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:progressDeadlineSeconds': {},
          'f:replicas': {},
          'f:revisionHistoryLimit': {},
          'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:imagePullPolicy': {},
                  'f:name': {},
                  'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                  'f:resources': {},
                  'f:terminationMessagePath': {},
                  'f:terminationMessagePolicy': {},
                },
              },
              'f:dnsPolicy': {},
              'f:restartPolicy': {},
              'f:schedulerName': {},
              'f:securityContext': {},
              'f:terminationGracePeriodSeconds': {},
            },
          },
        },
      },
    },
  ]);
});

test('updates by several managers: each owns what it changed last, one entry per manager, entries ordered by time', () => {
  let live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const edited = structuredClone(live);
  ((edited.spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers[0]!.image = 'nginx:1.26';
  live = write(DEPLOYMENT, live, edited, 'kubectl-edit', t(2));
  assert.deepEqual(owned(live, 'kubectl-edit'), ['.spec.template.spec.containers[name="nginx"].image']);
  assert.ok(!owned(live, 'kubectl-client-side-apply').includes('.spec.template.spec.containers[name="nginx"].image'));

  // The same manager again: still one entry, now owning both changes, with a new time.
  const relabeled = structuredClone(live);
  (relabeled.metadata as { labels: Record<string, string> }).labels.tier = 'front';
  live = write(DEPLOYMENT, live, relabeled, 'kubectl-edit', t(3));
  assert.deepEqual(owned(live, 'kubectl-edit'), ['.metadata.labels.tier', '.spec.template.spec.containers[name="nginx"].image']);
  assert.equal(entry(live, 'kubectl-edit').time, t(3));
  assert.deepEqual(
    entries(live).map((e) => e.manager),
    ['kubectl-client-side-apply', 'kubectl-edit'],
  );

  // A write that changes nothing the writer could own leaves every entry as it was.
  const untouched = write(DEPLOYMENT, live, structuredClone(live), 'kubectl-edit', t(9));
  assert.deepEqual(entries(untouched), entries(live));
});

test('scale writes: the scaler owns spec.replicas through subresource "scale", without a time', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const scaled = structuredClone(live);
  (scaled.spec as Obj).replicas = 5;
  const after = write(DEPLOYMENT, live, scaled, 'kubectl', t(2), { subresource: 'scale' });
  assert.deepEqual(entry(after, 'kubectl'), {
    manager: 'kubectl',
    operation: 'Update',
    apiVersion: 'apps/v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    subresource: 'scale',
  });
  assert.ok(!owned(after, 'kubectl-client-side-apply').includes('.spec.replicas'));
});

test('status writes: the writer owns status fields through subresource "status"; reset fields and client entries are ignored', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const next = structuredClone(live);
  next.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
  (next.spec as Obj).replicas = 9; // reset by the status strategy: never owned here
  (next.metadata as Obj).managedFields = [];
  const after = write(DEPLOYMENT, live, next, 'kube-controller-manager', t(2), { subresource: 'status', ignoredFields: deploymentStatusIgnored });
  const status = entry(after, 'kube-controller-manager');
  assert.equal(status.subresource, 'status');
  assert.deepEqual(describeSet(status.fieldsV1 as FieldSet), ['.status.conditions', '.status.replicas', '.status.conditions[type="Available"]', '.status.conditions[type="Available"].status', '.status.conditions[type="Available"].type']);
  assert.ok(owned(after, 'kubectl-client-side-apply').includes('.spec.replicas'));

  // On the main resource, status is reset and owned by nobody.
  const main = structuredClone(after);
  main.status = { replicas: 7 };
  const afterMain = write(DEPLOYMENT, after, main, 'someone', t(3));
  assert.ok(!entries(afterMain).some((e) => e.manager === 'someone'));
});

test('at most 10 update managers: the oldest fold into "ancient-changes"', () => {
  let live = write(CONFIGMAP, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { m0: 'x' } }, 'm0', t(0));
  for (let i = 1; i <= 10; i++) {
    const next = structuredClone(live);
    (next.data as Record<string, string>)[`m${i}`] = 'x';
    live = write(CONFIGMAP, live, next, `m${i}`, t(i));
  }
  const updaters = entries(live).filter((e) => e.operation === 'Update');
  assert.equal(updaters.length, 10);
  assert.deepEqual(
    updaters.map((e) => e.manager),
    ['ancient-changes', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10'],
  );
  // The creator also owns the data map itself: it did not exist before.
  assert.deepEqual(owned(live, 'ancient-changes'), ['.data', '.data.m0', '.data.m1']);
  assert.equal(entry(live, 'ancient-changes').time, t(1));
});

test('managedFields sent by a client: valid ones are taken, [] and [{}] clear, malformed ones are ignored', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const custom: ManagedFieldsEntry[] = [
    { manager: 'custom', operation: 'Apply', apiVersion: 'apps/v1', time: t(5), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
  ];
  const taken = write(DEPLOYMENT, live, { ...structuredClone(live), metadata: { ...(live.metadata as Obj), managedFields: custom } }, 'kubectl', t(6));
  assert.deepEqual(entries(taken), custom);

  for (const reset of [[], [{}]]) {
    const cleared = write(DEPLOYMENT, live, { ...structuredClone(live), metadata: { ...(live.metadata as Obj), managedFields: reset } }, 'kubectl', t(6));
    assert.equal((cleared.metadata as Obj).managedFields, undefined);
    // An object nobody tracks stays untracked by later updates.
    const next = structuredClone(cleared);
    (next.spec as Obj).replicas = 3;
    assert.equal((write(DEPLOYMENT, cleared, next, 'kubectl-edit', t(7)).metadata as Obj).managedFields, undefined);
  }

  const malformed = structuredClone(live);
  (malformed.metadata as Obj).managedFields = [{ manager: 'x', operation: 'Patch', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
  (malformed.spec as Obj).replicas = 2;
  const kept = write(DEPLOYMENT, live, malformed, 'kubectl-edit', t(8));
  assert.deepEqual(
    entries(kept).map((e) => e.manager),
    ['kubectl-client-side-apply', 'kubectl-edit'],
  );
  assert.deepEqual(owned(kept, 'kubectl-edit'), ['.spec.replicas']);
});

test('the managedFields patch kubectl sends before `apply --server-side` (client-side apply migration) is accepted as sent', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment({ [lastAppliedAnnotation]: '{}\n' }), 'kubectl-client-side-apply', t(1));
  const migrated = entries(live).map((e) => ({ ...e, manager: 'kubectl', operation: 'Apply' as const }));
  const next = structuredClone(live);
  (next.metadata as Obj).managedFields = migrated;
  const after = write(DEPLOYMENT, live, next, 'kubectl', t(2));
  assert.deepEqual(entries(after), migrated);
});

// ---- server-side apply -------------------------------------------------------------------

test('apply creates: the object is the configuration, owned by the applier as an Apply entry', () => {
  const created = apply(DEPLOYMENT, undefined, deploymentConfig({ replicas: 2 }), 'kubectl', t(1));
  assert.equal((created.spec as Obj).replicas, 2);
  const [only, ...rest] = entries(created);
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { ...only!, fieldsV1: undefined },
    { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: t(1), fieldsType: 'FieldsV1', fieldsV1: undefined },
  );
  assert.deepEqual(only!.fieldsV1, {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
        },
      },
    },
  });
});

test('re-applying the same configuration changes nothing, not even the entry time', () => {
  const created = apply(DEPLOYMENT, undefined, deploymentConfig({ replicas: 2 }), 'kubectl', t(1));
  const again = apply(DEPLOYMENT, created, deploymentConfig({ replicas: 2 }), 'kubectl', t(2));
  assert.deepEqual(entries(again), entries(created));
  assert.deepEqual({ ...again, metadata: undefined }, { ...created, metadata: undefined });
  const changed = apply(DEPLOYMENT, again, deploymentConfig({ replicas: 3 }), 'kubectl', t(3));
  assert.equal(entry(changed, 'kubectl').time, t(3));
  assert.equal((changed.spec as Obj).replicas, 3);
});

test('a field dropped from the configuration is removed, unless another manager owns it', () => {
  let live = apply(DEPLOYMENT, undefined, deploymentConfig({ labels: { app: 'web', tier: 'front', team: 'a' } }), 'kubectl', t(1));
  // Another applier also sets team (same value: shared ownership, no conflict, no time).
  live = apply(DEPLOYMENT, live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { team: 'a' } } }, 'other', t(2));
  assert.deepEqual(owned(live, 'other'), ['.metadata.labels.team']);
  assert.equal(entry(live, 'other').time, undefined);

  live = apply(DEPLOYMENT, live, deploymentConfig({ labels: { app: 'web' } }), 'kubectl', t(3));
  assert.deepEqual((live.metadata as Obj).labels, { app: 'web', team: 'a' });
});

test('conflicts with an update manager: the exact message kubectl prints, a 409 Status with causes', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const err = conflictOf(() => apply(DEPLOYMENT, live, deploymentConfig({ replicas: 3 }), 'kubectl', t(2)));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(err.conflicts, [{ manager: 'kubectl-client-side-apply', field: '.spec.replicas', apiVersion: 'apps/v1' }]);
  assert.deepEqual(err.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    reason: 'Conflict',
    code: 409,
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
  });
  // The same values are no conflict: both managers then own them.
  const shared = apply(DEPLOYMENT, live, deploymentConfig({ replicas: 1 }), 'kubectl', t(3));
  assert.ok(owned(shared, 'kubectl').includes('.spec.replicas'));
  assert.ok(owned(shared, 'kubectl-client-side-apply').includes('.spec.replicas'));
});

test('force takes ownership from the other manager', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const forced = apply(DEPLOYMENT, live, deploymentConfig({ replicas: 3 }), 'kubectl', t(2), { force: true });
  assert.equal((forced.spec as Obj).replicas, 3);
  assert.ok(owned(forced, 'kubectl').includes('.spec.replicas'));
  assert.ok(!owned(forced, 'kubectl-client-side-apply').includes('.spec.replicas'));
});

test('several conflicts with two managers: one line per field, grouped by manager', () => {
  let live = apply(DEPLOYMENT, undefined, deploymentConfig({ replicas: 1, labels: { app: 'web', tier: 'a' } }), 'alice', t(1));
  const edited = structuredClone(live);
  ((edited.spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers[0]!.image = 'nginx:edited';
  live = write(DEPLOYMENT, live, edited, 'kubectl-edit', t(2));
  const err = conflictOf(() =>
    apply(
      DEPLOYMENT,
      live,
      deploymentConfig({ replicas: 4, labels: { app: 'web', tier: 'b' }, containers: [{ name: 'nginx', image: 'nginx:bob' }] }),
      'bob',
      t(3),
    ),
  );
  assert.equal(
    err.message,
    [
      'Apply failed with 3 conflicts: conflicts with "alice":',
      '- .metadata.labels.tier',
      '- .spec.replicas',
      'conflicts with "kubectl-edit" using apps/v1:',
      '- .spec.template.spec.containers[name="nginx"].image',
    ].join('\n'),
  );
});

test('an object without managedFields belongs to "before-first-apply" at its first apply', () => {
  const untracked = stored({ ...defaultedDeployment(), metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } } });
  const err = conflictOf(() => apply(DEPLOYMENT, untracked, deploymentConfig({ replicas: 2 }), 'kubectl', t(1)));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
});

test('manager "kubectl" may take over fields the last-applied annotation vouches for, and keeps the annotation current', () => {
  const config = deploymentConfig({ replicas: 1 });
  const annotation = `${JSON.stringify(config)}\n`;
  const live = write(DEPLOYMENT, undefined, defaultedDeployment({ [lastAppliedAnnotation]: annotation }), 'kubectl-client-side-apply', t(1));
  const next = deploymentConfig({ replicas: 3 });
  const after = apply(DEPLOYMENT, live, next, 'kubectl', t(2));
  assert.equal((after.spec as Obj).replicas, 3);
  assert.ok(!owned(after, 'kubectl-client-side-apply').includes('.spec.replicas'));
  const rewritten = ((after.metadata as Obj).annotations as Record<string, string>)[lastAppliedAnnotation]!;
  assert.ok(rewritten.endsWith('}\n'));
  assert.deepEqual(JSON.parse(rewritten), next);
  // Any other manager name gets the conflict.
  const err = conflictOf(() => apply(DEPLOYMENT, live, deploymentConfig({ replicas: 3 }), 'my-tool', t(2)));
  assert.match(err.message, /conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);
});

test('Deployments: containers merge by name; a container one applier drops goes, another applier\'s stays', () => {
  const nginx = { name: 'nginx', image: 'nginx' };
  const proxy = { name: 'proxy', image: 'envoy' };
  let live = apply(DEPLOYMENT, undefined, deploymentConfig({ containers: [nginx, proxy] }), 'kubectl', t(1));
  live = apply(
    DEPLOYMENT,
    live,
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } },
    'injector',
    t(2),
  );
  const names = (o: Obj): string[] => ((o.spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers.map((c) => c.name as string);
  assert.deepEqual(names(live), ['nginx', 'proxy', 'sidecar']);
  live = apply(DEPLOYMENT, live, deploymentConfig({ containers: [nginx] }), 'kubectl', t(3));
  assert.deepEqual(names(live), ['nginx', 'sidecar']);
  assert.deepEqual(owned(live, 'injector'), [
    '.spec.template.spec.containers[name="sidecar"]',
    '.spec.template.spec.containers[name="sidecar"].image',
    '.spec.template.spec.containers[name="sidecar"].name',
  ]);
});

test('Deployments: container ports are keyed by containerPort and protocol (TCP when omitted)', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const after = apply(
    DEPLOYMENT,
    live,
    deploymentConfig({ replicas: 1, containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 53, protocol: 'UDP' }] }] }),
    'kubectl',
    t(2),
  );
  const ports = ((after.spec as Obj).template as { spec: { containers: { ports: Obj[] }[] } }).spec.containers[0]!.ports;
  assert.deepEqual(ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 53, protocol: 'UDP' }]);
  assert.ok(owned(after, 'kubectl').includes('.spec.template.spec.containers[name="nginx"].ports[containerPort=53,protocol="UDP"]'));
});

test('Services: ports are keyed by port and protocol; the selector is an atomic map', () => {
  const service = (ports: Obj[], selector?: Record<string, string>): Obj => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc' },
    spec: { ...(selector ? { selector } : {}), ports },
  });
  let live = apply(SERVICE, undefined, service([{ port: 80, targetPort: 8080 }], { app: 'web' }), 'a', t(1));
  live = apply(SERVICE, live, service([{ port: 80, protocol: 'UDP' }]), 'b', t(2));
  assert.deepEqual((live.spec as Obj).ports, [{ port: 80, targetPort: 8080 }, { port: 80, protocol: 'UDP' }]);
  assert.deepEqual(entry(live, 'b').fieldsV1, { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } } } });
  assert.deepEqual(entry(live, 'a').fieldsV1, {
    'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} },
  });

  const err = conflictOf(() => apply(SERVICE, live, service([], { tier: 'db' }), 'b', t(3)));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "a": .spec.selector');
  const forced = apply(SERVICE, live, service([{ port: 80, protocol: 'UDP' }], { tier: 'db' }), 'b', t(3), { force: true });
  assert.deepEqual((forced.spec as Obj).selector, { tier: 'db' });
});

test('Pods: env merges by name, volumeMounts by mountPath; atomic lists are replaced whole', () => {
  const pod = (container: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', ...container }] } });
  let live = apply(POD, undefined, pod({ image: 'app', args: ['a', 'b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }), 'one', t(1));
  live = apply(POD, live, pod({ env: [{ name: 'C', value: '3' }], volumeMounts: [{ name: 'data', mountPath: '/cache' }] }), 'two', t(2));
  const container = (o: Obj): Obj => ((o.spec as Obj).containers as Obj[])[0]!;
  assert.deepEqual(container(live).env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }]);
  assert.deepEqual(container(live).volumeMounts, [{ name: 'data', mountPath: '/data' }, { name: 'data', mountPath: '/cache' }]);
  assert.ok(owned(live, 'two').includes('.spec.containers[name="app"].volumeMounts[mountPath="/cache"].name'));

  live = apply(POD, live, pod({ image: 'app', args: ['a', 'b'], env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }), 'one', t(3));
  assert.deepEqual(container(live).env, [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]);

  const err = conflictOf(() => apply(POD, live, pod({ args: ['z'] }), 'two', t(4)));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "one": .spec.containers[name="app"].args');
  live = apply(POD, live, pod({ args: ['z'] }), 'two', t(4), { force: true });
  assert.deepEqual(container(live).args, ['z']);
});

test('finalizers are a set: each applier owns its own values', () => {
  const cm = (finalizers: string[]): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers } });
  let live = apply(CONFIGMAP, undefined, cm(['example.com/a']), 'one', t(1));
  live = apply(CONFIGMAP, live, cm(['example.com/b']), 'two', t(2));
  assert.deepEqual((live.metadata as Obj).finalizers, ['example.com/a', 'example.com/b']);
  assert.deepEqual(entry(live, 'two').fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"example.com/b"': {} } } });
  live = apply(CONFIGMAP, live, cm([]), 'one', t(3));
  assert.deepEqual((live.metadata as Obj).finalizers, ['example.com/b']);
});

test('ConfigMaps: data keys and labels are owned one by one', () => {
  const cm = (data: Record<string, string>, labels?: Record<string, string>): Obj => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', ...(labels ? { labels } : {}) },
    data,
  });
  let live = apply(CONFIGMAP, undefined, cm({ a: '1', b: '2' }, { app: 'x' }), 'one', t(1));
  live = apply(CONFIGMAP, live, cm({ c: '3' }, { env: 'prod' }), 'two', t(2));
  assert.deepEqual(owned(live, 'two'), ['.data.c', '.metadata.labels.env']);
  live = apply(CONFIGMAP, live, cm({ a: '1' }), 'one', t(3));
  assert.deepEqual(live.data, { a: '1', c: '3' });
  assert.deepEqual((live.metadata as Obj).labels, { env: 'prod' });
});

test('apply on the status subresource owns status only and is recorded with the subresource', () => {
  const live = apply(DEPLOYMENT, undefined, deploymentConfig({ replicas: 1 }), 'kubectl', t(1));
  const after = apply(
    DEPLOYMENT,
    live,
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { ignored: 'yes' } }, status: { readyReplicas: 1 } },
    'controller',
    t(2),
    { subresource: 'status', ignoredFields: deploymentStatusIgnored },
  );
  const status = entry(after, 'controller');
  assert.equal(status.subresource, 'status');
  assert.deepEqual(describeSet(status.fieldsV1 as FieldSet), ['.status.readyReplicas']);
});

test('Apply entries come before Update entries, each group oldest first', () => {
  let live = write(CONFIGMAP, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { u: '1' } }, 'updater', t(1));
  live = apply(CONFIGMAP, live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { z: '1' } }, 'z-applier', t(5));
  live = apply(CONFIGMAP, live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, 'a-applier', t(6));
  assert.deepEqual(
    entries(live).map((e) => `${e.operation} ${e.manager}`),
    ['Apply z-applier', 'Apply a-applier', 'Update updater'],
  );
});

// ---- bad input ---------------------------------------------------------------------------

function applyError(fn: () => unknown): ApplyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplyError) return err;
    throw err;
  }
  assert.fail('expected an apply error');
}

const applyArgs = (config: unknown, manager = 'kubectl'): Parameters<typeof fm.apply>[0] => ({
  definitionName: DEPLOYMENT,
  live: undefined,
  config: config as Obj,
  manager,
  apiVersion: 'apps/v1',
  force: false,
  time: t(1),
  ignoredFields: mainIgnored,
});

test('apply without a field manager is a 422 on the patch options', () => {
  const err = applyError(() => fm.apply(applyArgs(deploymentConfig(), '')));
  assert.equal(err.code, 422);
  assert.equal(err.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  assert.deepEqual(err.status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }]);
});

test('an apply body that is not an object, or the wrong kind, or carries managedFields is a 400', () => {
  const notObject = applyError(() => fm.apply(applyArgs([deploymentConfig()])));
  assert.equal(notObject.code, 400);
  assert.equal(notObject.reason, 'BadRequest');
  assert.match(notObject.message, /^error decoding YAML: .*cannot unmarshal array into Go value of type map\[string\]interface \{\}$/);

  const wrongKind = applyError(() => fm.apply(applyArgs({ ...deploymentConfig(), kind: 'StatefulSet' })));
  assert.equal(wrongKind.code, 400);
  assert.equal(wrongKind.message, 'invalid object type: apps/v1, Kind=StatefulSet');
  assert.equal(applyError(() => fm.apply(applyArgs({ metadata: { name: 'x' } }))).message, 'invalid object type: /, Kind=');

  const withManagedFields = applyError(() => fm.apply(applyArgs({ ...deploymentConfig(), metadata: { name: 'web', managedFields: [] } })));
  assert.equal(withManagedFields.code, 400);
  assert.equal(withManagedFields.message, 'metadata.managedFields must be nil');
});

test('a configuration the schema rejects (duplicate keys, missing keys, unknown fields) fails like the real server', () => {
  const withContainers = (containers: Obj[]): Obj => deploymentConfig({ containers });
  const duplicate = applyError(() =>
    fm.apply(applyArgs(withContainers([{ name: 'nginx', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }]))),
  );
  assert.equal(duplicate.code, 500);
  assert.equal(duplicate.status.reason, undefined);
  assert.equal(
    duplicate.message,
    'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="nginx"].env: duplicate entries for key [name="A"]',
  );
  const missingKey = applyError(() => fm.apply(applyArgs(withContainers([{ image: 'x' }]))));
  assert.equal(
    missingKey.message,
    'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
  );
  const unknown = applyError(() => fm.apply(applyArgs({ ...deploymentConfig(), spec: { replicaz: 1 } })));
  assert.equal(unknown.message, 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema');
});

test('updates never fail and never touch the live object', () => {
  const live = write(DEPLOYMENT, undefined, defaultedDeployment(), 'kubectl-client-side-apply', t(1));
  const weird = structuredClone(live);
  (weird.spec as Obj).template = { spec: { containers: [{ image: 'no-name' }, 'not-an-object'] } };
  (weird.spec as Obj).unknownField = { deep: [1, 2] };
  const after = write(DEPLOYMENT, live, weird, 'fuzzer', t(2));
  assert.ok(entries(after).length > 0);
});

test('an update whose object shares metadata with the live object leaves the live object alone', () => {
  const live = write(CONFIGMAP, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, 'one', t(1));
  const next: Obj = { ...live, data: { a: '2' } };
  fm.update({ definitionName: CONFIGMAP, live, next, manager: 'two', apiVersion: 'v1', time: t(2), ignoredFields: mainIgnored });
  assert.notEqual(next.metadata, live.metadata);
  assert.deepEqual(describeSet(entry(next, 'two').fieldsV1 as FieldSet), ['.data.a']);
  assert.deepEqual(
    entries(live).map((e) => e.manager),
    ['one'],
  );
});
