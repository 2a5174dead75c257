// The create shortcut must record exactly what the general comparison records: the changed
// fields less the removed ones, against each kind's zero object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locateSpec } from '../../schema/spec-files.js';
import { fieldsChangedFrom } from './created-fields.js';
import { describe as describeSet, difference } from './field-set.js';
import { compare, type SkipTree } from './typed-compare.js';
import { createTypeResolver } from './type-schema.js';
import { createGoForms } from '../../schema/go-form/index.js';
import { createZeroObjects } from './zero-object.js';

const definitions = (JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
const types = createTypeResolver(definitions);
// With no Go rules, zero objects are the spec's required fields and metadata/spec/status structs.
const zeros = createZeroObjects(createGoForms(definitions, { rules: {} }));

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'x' }, finalizers: ['b/x', 'a/y'], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }, { containerPort: 80, protocol: 'UDP' }], env: [{ name: 'Z', value: '1' }, { name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], resources: { limits: { cpu: '1' } } },
      { name: 'side', image: 'busybox', args: ['a', 'b', 'a'] },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
    tolerations: [{ key: 'a', operator: 'Exists' }],
    nodeSelector: {},
  },
  status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
};
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's', namespace: 'default' },
  spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }], selector: { a: 'b' }, clusterIPs: ['10.0.0.1'] },
};
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1', b: '' }, binaryData: {} };

const cases: [string, object][] = [
  ['io.k8s.api.core.v1.Pod', pod],
  ['io.k8s.api.core.v1.Service', service],
  ['io.k8s.api.core.v1.ConfigMap', configMap],
];
const skips: SkipTree[] = [{}, { status: true }, { spec: true, metadata: { labels: true } }];

for (const [name, object] of cases) {
  for (const skip of skips) {
    test(`a create of ${name} skipping ${JSON.stringify(skip)} records what the full comparison records`, () => {
      const type = types.definition(name);
      const zero = zeros.of(name);
      const { changed, removed } = compare(type, zero, object, skip);
      const shortcut = fieldsChangedFrom(type, zero, object, skip);
      assert.ok(shortcut !== undefined);
      assert.deepEqual(describeSet(shortcut), describeSet(difference(changed, removed)));
      assert.ok(describeSet(shortcut).length > 0);
    });
  }
}

test('the shortcut declines when the left side holds list items', () => {
  const type = types.definition('io.k8s.api.core.v1.Service');
  const before = { spec: { ports: [{ port: 80, protocol: 'TCP' }] } };
  assert.equal(fieldsChangedFrom(type, before, service, {}), undefined);
});
