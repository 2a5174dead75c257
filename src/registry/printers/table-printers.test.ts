import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTablePrinter, formatAge, scalePrinter, tablePrinters } from './index.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T10:00:00Z';
const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), creationTimestamp: created, uid: `uid-${name}` });
const podSpec = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };
const selector = { matchLabels: { app: 'web' } };

/** One realistic object per printed resource; a new printer without a fixture fails the suite. */
const fixtures: Record<string, any> = {
  pods: { metadata: meta('web-1', 'default'), spec: { ...podSpec, nodeName: 'n1' }, status: { phase: 'Running', podIPs: [{ ip: '10.1.0.4' }] } },
  podtemplates: { metadata: meta('tpl', 'default'), template },
  replicationcontrollers: { metadata: meta('rc', 'default'), spec: { replicas: 1, selector: { app: 'web' }, template }, status: { replicas: 1 } },
  services: { metadata: meta('web', 'default'), spec: { type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }] } },
  endpoints: { metadata: meta('web', 'default'), subsets: [{ addresses: [{ ip: '10.1.0.4' }], ports: [{ port: 80 }] }] },
  nodes: { metadata: meta('n1'), status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.36.0' } } },
  namespaces: { metadata: meta('team-a'), status: { phase: 'Active' } },
  events: {
    metadata: meta('web-1.17c', 'default'), involvedObject: { kind: 'Pod', name: 'web-1' }, reason: 'Scheduled', type: 'Normal',
    message: 'Successfully assigned default/web-1 to n1', source: { component: 'default-scheduler' }, firstTimestamp: created, lastTimestamp: created, count: 1,
  },
  secrets: { metadata: meta('tls', 'default'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } },
  configmaps: { metadata: meta('cfg', 'default'), data: { a: '1' } },
  serviceaccounts: { metadata: meta('default', 'default') },
  persistentvolumes: { metadata: meta('pv-1'), spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete' }, status: { phase: 'Available' } },
  persistentvolumeclaims: { metadata: meta('data', 'default'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
  resourcequotas: { metadata: meta('quota', 'default'), status: { hard: { pods: '10' }, used: { pods: '2' } } },
  limitranges: { metadata: meta('limits', 'default'), spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] } },
  componentstatuses: { metadata: meta('etcd-0'), conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] },
  'deployments.apps': { metadata: meta('web', 'default'), spec: { replicas: 2, selector, template }, status: { readyReplicas: 2 } },
  'replicasets.apps': { metadata: meta('web-5d4', 'default'), spec: { replicas: 2, selector, template }, status: { replicas: 2 } },
  'statefulsets.apps': { metadata: meta('db', 'default'), spec: { replicas: 1, selector, template }, status: { readyReplicas: 1 } },
  'daemonsets.apps': { metadata: meta('agent', 'kube-system'), spec: { selector, template }, status: { desiredNumberScheduled: 1 } },
  'controllerrevisions.apps': { metadata: meta('db-1', 'default'), revision: 1 },
  'jobs.batch': { metadata: meta('pi', 'default'), spec: { completions: 1, template }, status: { startTime: created } },
  'cronjobs.batch': { metadata: meta('nightly', 'default'), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } },
  'horizontalpodautoscalers.autoscaling': {
    apiVersion: 'autoscaling/v2', metadata: meta('web', 'default'),
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] },
  },
  'poddisruptionbudgets.policy': { metadata: meta('web', 'default'), spec: { minAvailable: 1, selector } },
  'ingresses.networking.k8s.io': { metadata: meta('web', 'default'), spec: { rules: [{ host: 'web.example.com' }] } },
  'ingressclasses.networking.k8s.io': { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx' } },
  'networkpolicies.networking.k8s.io': { metadata: meta('deny', 'default'), spec: { podSelector: {} } },
  'servicecidrs.networking.k8s.io': { metadata: meta('kubernetes'), spec: { cidrs: ['10.96.0.0/12'] } },
  'ipaddresses.networking.k8s.io': { metadata: meta('10.96.0.1'), spec: { parentRef: { resource: 'services', namespace: 'default', name: 'kubernetes' } } },
  'endpointslices.discovery.k8s.io': { metadata: meta('web-x', 'default'), addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.4'] }], ports: [{ port: 80 }] },
  'events.events.k8s.io': {
    metadata: meta('web-1.17d', 'default'), regarding: { kind: 'Pod', name: 'web-1' }, reason: 'Pulled', type: 'Normal', note: 'Pulled image',
    eventTime: '2024-05-01T10:00:00.000000Z', reportingController: 'kubelet', reportingInstance: 'n1', action: 'Pull',
  },
  'leases.coordination.k8s.io': { metadata: meta('n1', 'kube-node-lease'), spec: { holderIdentity: 'n1', leaseDurationSeconds: 40 } },
  'priorityclasses.scheduling.k8s.io': { metadata: meta('high'), value: 1000000 },
  'runtimeclasses.node.k8s.io': { metadata: meta('gvisor'), handler: 'runsc' },
  'storageclasses.storage.k8s.io': { metadata: meta('standard'), provisioner: 'rancher.io/local-path' },
  'volumeattributesclasses.storage.k8s.io': { metadata: meta('gold'), driverName: 'pd.csi.storage.gke.io', parameters: { iops: '3000' } },
  'csidrivers.storage.k8s.io': { metadata: meta('hostpath.csi.k8s.io'), spec: {} },
  'csinodes.storage.k8s.io': { metadata: meta('n1'), spec: { drivers: [{ name: 'hostpath.csi.k8s.io', nodeID: 'n1' }] } },
  'csistoragecapacities.storage.k8s.io': { metadata: meta('csisc-1', 'default'), storageClassName: 'standard', capacity: '100Gi' },
  'volumeattachments.storage.k8s.io': { metadata: meta('csi-123'), spec: { attacher: 'hostpath.csi.k8s.io', nodeName: 'n1', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } },
  'certificatesigningrequests.certificates.k8s.io': { metadata: meta('csr-1'), spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'alice', request: 'LS0t' } },
  'roles.rbac.authorization.k8s.io': { metadata: meta('reader', 'default'), rules: [] },
  'clusterroles.rbac.authorization.k8s.io': { metadata: meta('view'), rules: [] },
  'rolebindings.rbac.authorization.k8s.io': { metadata: meta('read', 'default'), roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'User', name: 'alice' }] },
  'clusterrolebindings.rbac.authorization.k8s.io': { metadata: meta('view-all'), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs' }] },
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': { metadata: meta('inject'), webhooks: [{ name: 'inject.example.com' }] },
  'validatingwebhookconfigurations.admissionregistration.k8s.io': { metadata: meta('check'), webhooks: [] },
  'validatingadmissionpolicies.admissionregistration.k8s.io': { metadata: meta('replicas'), spec: { validations: [{ expression: 'true' }] } },
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': { metadata: meta('replicas-b'), spec: { policyName: 'replicas' } },
  'mutatingadmissionpolicies.admissionregistration.k8s.io': { metadata: meta('label'), spec: { mutations: [{ patchType: 'ApplyConfiguration' }] } },
  'mutatingadmissionpolicybindings.admissionregistration.k8s.io': { metadata: meta('label-b'), spec: { policyName: 'label' } },
  'flowschemas.flowcontrol.apiserver.k8s.io': { metadata: meta('exempt'), spec: { priorityLevelConfiguration: { name: 'exempt' }, matchingPrecedence: 1 } },
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': { metadata: meta('exempt'), spec: { type: 'Exempt', exempt: {} } },
  'deviceclasses.resource.k8s.io': { metadata: meta('gpu.example.com') },
  'resourceclaims.resource.k8s.io': { metadata: meta('gpu-claim', 'default'), spec: { devices: { requests: [] } } },
  'resourceclaimtemplates.resource.k8s.io': { metadata: meta('gpu-tpl', 'default') },
  'resourceslices.resource.k8s.io': { metadata: meta('n1-gpu'), spec: { nodeName: 'n1', driver: 'gpu.example.com', pool: { name: 'n1', generation: 1, resourceSliceCount: 1 } } },
  'apiservices.apiregistration.k8s.io': { metadata: meta('v1.apps'), spec: { group: 'apps', version: 'v1' }, status: { conditions: [{ type: 'Available', status: 'True' }] } },
  'customresourcedefinitions.apiextensions.k8s.io': { metadata: meta('widgets.example.com'), spec: { group: 'example.com' } },
};

function assertCellShapes(key: string, printer: { columns: unknown[]; cells(obj: any, now: Date): unknown[] }, obj: any): void {
  const cells = printer.cells(obj, now);
  assert.equal(cells.length, printer.columns.length, `${key}: one cell per column`);
  for (const [i, cell] of cells.entries()) {
    assert.ok(['string', 'number', 'boolean'].includes(typeof cell), `${key} cell ${i} is ${typeof cell}`);
  }
}

test('every GA built-in resource has a printer', () => {
  const expected = Object.keys(fixtures).sort();
  assert.deepEqual([...tablePrinters.keys()].sort(), expected);
});

test('every printer returns exactly as many cells as it has columns', () => {
  for (const [key, printer] of tablePrinters) {
    assertCellShapes(key, printer, fixtures[key]);
    // Objects missing everything optional (a freshly created one, say) must not break a printer.
    assertCellShapes(`${key} (bare)`, printer, { metadata: { name: 'bare' } });
    assertCellShapes(`${key} (empty)`, printer, {});
  }
  assertCellShapes('scale', scalePrinter, { metadata: meta('web', 'default'), spec: { replicas: 3 }, status: { replicas: 2 } });
  assertCellShapes('default', defaultTablePrinter, fixtures['customresourcedefinitions.apiextensions.k8s.io']);
});

test('column definitions are well formed', () => {
  for (const [key, printer] of [...tablePrinters, ['scale', scalePrinter] as const, ['default', defaultTablePrinter] as const]) {
    assert.ok(printer.columns.length > 0, key);
    for (const c of printer.columns) {
      assert.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type), `${key}/${c.name} type`);
      assert.ok(c.priority === 0 || c.priority === 1, `${key}/${c.name} priority`);
      assert.ok(c.description.length > 0, `${key}/${c.name} description`);
      assert.ok(['', 'name'].includes(c.format), `${key}/${c.name} format`);
    }
    assert.ok(Object.isFrozen(printer.columns), `${key} columns are shared, so frozen`);
  }
});

test('default table: NAME and CREATED AT as RFC 3339', () => {
  assert.deepEqual(
    defaultTablePrinter.columns.map((c) => [c.name, c.type, c.format]),
    [['Name', 'string', 'name'], ['Created At', 'date', '']],
  );
  assert.deepEqual(defaultTablePrinter.cells({ metadata: { name: 'view', creationTimestamp: '2024-04-30T08:15:42.123Z' } }, now), [
    'view', '2024-04-30T08:15:42Z',
  ]);
  assert.deepEqual(defaultTablePrinter.cells({ metadata: { name: 'x' } }, now), ['x', '0001-01-01T00:00:00Z']);
  assert.equal(tablePrinters.get('clusterroles.rbac.authorization.k8s.io'), defaultTablePrinter);
});

test('scale subresource table', () => {
  assert.deepEqual(scalePrinter.cells({ metadata: meta('web', 'default'), spec: { replicas: 3 }, status: { replicas: 2 } }, now), ['web', 3, 2, '120m']);
  assert.equal(scalePrinter.columns[0]!.format, '');
});

test('formatAge is exported for the AGE-like cells other layers build', () => {
  assert.equal(formatAge(created, now), '120m');
});
