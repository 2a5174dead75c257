import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from '../../apierrors/field-errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { customResourceDefinitionStrategy as strategy } from './custom-resource-definitions.js';

const schema = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } };

function crd(overrides: { group?: string; annotations?: Record<string, string>; versions?: unknown[] } = {}): KubeObject {
  const group = overrides.group ?? 'example.com';
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `things.${group}`, annotations: overrides.annotations },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'things', singular: 'thing', kind: 'Thing', listKind: 'ThingList' },
      versions: overrides.versions ?? [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
    status: { storedVersions: ['v1'], acceptedNames: { plural: '', kind: '' } },
  } as unknown as KubeObject;
}

const messages = (obj: KubeObject, old?: KubeObject) => (old ? strategy.validateUpdate!(obj, old) : strategy.validate!(obj)).map(fieldErrorString);

test('a valid CRD passes', () => {
  assert.deepEqual(messages(crd()), []);
});

test('community groups need the api-approved annotation, with a URL or an "unapproved" reason', () => {
  assert.deepEqual(messages(crd({ group: 'things.k8s.io' })), [
    'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
  ]);
  assert.deepEqual(messages(crd({ group: 'things.k8s.io', annotations: { 'api-approved.kubernetes.io': 'unapproved, testing' } })), []);
  assert.deepEqual(messages(crd({ group: 'x.kubernetes.io', annotations: { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/1' } })), []);
  assert.match(messages(crd({ group: 'things.k8s.io', annotations: { 'api-approved.kubernetes.io': 'yes' } }))[0]!, /Invalid value: "yes": protected groups must have approval annotation .* with either a URL or a reason starting with "unapproved"/);
});

test('schemas shared by all versions are named under spec.validation; different ones per version', () => {
  const bad = { type: 'object', properties: { spec: { properties: {} } } };
  const two = (a: unknown, b: unknown) => [
    { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: a } },
    { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: b } },
  ];
  assert.deepEqual(messages(crd({ versions: two(bad, bad) })), ['spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields']);
  assert.deepEqual(messages(crd({ versions: two(schema, bad) })), ['spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields']);
});

test('printer columns and scale paths are checked; a dropped stored version is refused on update', () => {
  const versions = [
    {
      name: 'v1',
      served: true,
      storage: true,
      schema: { openAPIV3Schema: schema },
      subresources: { scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas' } },
      additionalPrinterColumns: [{ name: 'R', type: 'int', jsonPath: '.spec.replicas' }],
    },
  ];
  assert.deepEqual(messages(crd({ versions })), [
    'spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .',
    'spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status',
    'spec.additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string',
  ]);
  const old = crd();
  const next = crd({ versions: [{ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: schema } }] });
  (next as { status: { storedVersions: string[] } }).status.storedVersions = ['v1', 'v2'];
  assert.deepEqual(messages(next, old), [
    'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
  ]);
});

test('an update may not change the group or plural (nor, once established, scope and kind)', () => {
  const old = crd();
  (old as { status: { conditions?: unknown[] } }).status.conditions = [{ type: 'Established', status: 'True' }];
  const next = crd();
  const spec = (next as unknown as { spec: { scope: string; names: { plural: string; kind: string; listKind: string } } }).spec;
  spec.names.plural = 'others';
  spec.names.kind = 'Other';
  spec.names.listKind = 'OtherList';
  spec.scope = 'Cluster';
  assert.deepEqual(messages(next, old), [
    'spec.scope: Invalid value: "Cluster": field is immutable',
    'spec.names.kind: Invalid value: "Other": field is immutable',
    'spec.names.plural: Invalid value: "others": field is immutable',
  ]);
});
