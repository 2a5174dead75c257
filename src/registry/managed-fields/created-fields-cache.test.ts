// A remembered set is handed out only to a create whose fields are the same: whatever else
// changes (names, images, label values), and never where a list item's key, a map's key or a
// value that could equal the kind's zero value changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locateSpec } from '../../schema/spec-files.js';
import { createGoForms } from '../../schema/go-form/index.js';
import { fieldsChangedFrom } from './created-fields.js';
import { CreatedFieldsCache } from './created-fields-cache.js';
import { difference, type FieldSet } from './field-set.js';
import { createTypeResolver } from './type-schema.js';
import type { SkipTree } from './typed-compare.js';
import { neverCompared, neverOwned } from './update-recording.js';
import { createZeroObjects } from './zero-object.js';

const definitions = (JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
const types = createTypeResolver(definitions);
const zeros = createZeroObjects(createGoForms(definitions));

function computed(definition: string, object: unknown, skip: SkipTree): FieldSet | undefined {
  const created = fieldsChangedFrom(types.definition(definition), zeros.of(definition), object, skip);
  return created === undefined ? undefined : difference(created, neverOwned);
}

function viaCache(cache: CreatedFieldsCache, definition: string, object: unknown, skip: SkipTree = neverCompared): FieldSet | undefined {
  const fields = cache.fieldsOf(zeros.of(definition), skip, object, () => computed(definition, object, skip));
  assert.deepEqual(fields, computed(definition, object, skip), 'the cache answers what working it out answers');
  return fields;
}

const podDef = 'io.k8s.api.core.v1.Pod';
function pod(name: string, changes: { container?: string; port?: number; image?: string; env?: string[] } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web', shard: name }, annotations: { note: `pod ${name}` } },
    spec: {
      containers: [
        {
          name: changes.container ?? 'app',
          image: changes.image ?? 'nginx:1.0',
          ports: [{ name: 'http', containerPort: changes.port ?? 8080 }],
          env: (changes.env ?? ['A', 'B']).map((n) => ({ name: n, value: `${n}-value` })),
          resources: { limits: { cpu: '1' } },
        },
      ],
    },
  };
}

test('creates of one shape share one set; names, label values and annotation texts are no part of a shape', () => {
  const cache = new CreatedFieldsCache();
  const first = viaCache(cache, podDef, pod('a'));
  const second = viaCache(cache, podDef, pod('b'));
  assert.equal(second, first);
  assert.ok(Object.isFrozen(second) && Object.isFrozen(second!['f:spec']), 'a set handed out twice is frozen');
  // Inside a list item every value counts (which of them are keys is the schema's to say).
  assert.notEqual(viaCache(cache, podDef, pod('c', { image: 'nginx:2.0' })), first);
});

test('a list item key, a list value, a map key or a list length makes another shape', () => {
  const cache = new CreatedFieldsCache();
  const base = viaCache(cache, podDef, pod('a'));
  const variants = [
    pod('b', { container: 'other' }),
    pod('c', { port: 9090 }),
    pod('d', { env: ['A', 'C'] }),
    pod('e', { env: ['A'] }),
    { ...pod('f'), metadata: { ...pod('f').metadata, labels: { app: 'web', tier: 'x' } } },
  ];
  for (const variant of variants) assert.notEqual(viaCache(cache, podDef, variant), base);
  // More shapes than are kept, taking turns: every answer is still right (viaCache checks it).
  for (let round = 0; round < 3; round++) for (const variant of [pod('a'), ...variants]) viaCache(cache, podDef, variant);
});

test('a value that may equal the zero object is part of the shape', () => {
  const cache = new CreatedFieldsCache();
  const deploymentDef = 'io.k8s.api.apps.v1.Deployment';
  const deployment = (creationTimestamp: string | null) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { creationTimestamp, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
  // The zero object's template has `creationTimestamp: null`: null is no field, a time is one.
  const withNull = viaCache(cache, deploymentDef, deployment(null));
  const withTime = viaCache(cache, deploymentDef, deployment('2026-01-01T00:00:00Z'));
  assert.notDeepEqual(withNull, withTime);

  const daemonSetDef = 'io.k8s.api.apps.v1.DaemonSet';
  const daemonSet = (scheduled: number) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, status: { currentNumberScheduled: scheduled, numberReady: 3 } });
  const zero = viaCache(cache, daemonSetDef, daemonSet(0));
  const two = viaCache(cache, daemonSetDef, daemonSet(2));
  assert.notDeepEqual(zero, two);
  assert.equal(viaCache(cache, daemonSetDef, daemonSet(5)), two, 'any other count owns the same field');
});

test('skipped fields and kinds keep their own shapes; objects that are not plain JSON are not remembered', () => {
  const cache = new CreatedFieldsCache();
  const withStatus = { ...pod('a'), status: { phase: 'Pending' } };
  const all = viaCache(cache, podDef, withStatus);
  const skipped = viaCache(cache, podDef, withStatus, { ...neverCompared, status: true });
  assert.notDeepEqual(all, skipped);
  const odd = { ...pod('a'), metadata: { ...pod('a').metadata, creationTimestamp: new Date(0) } };
  const once = viaCache(cache, podDef, odd);
  assert.notEqual(viaCache(cache, podDef, odd), once, 'worked out again each time');
});

test('a kind whose creates keep missing rests from the cache, then tries again', () => {
  const cache = new CreatedFieldsCache();
  const configMapDef = 'io.k8s.api.core.v1.ConfigMap';
  const configMap = (key: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { [key]: 'v' } });
  // 64 creates, each of a shape of its own: fewer than one in four hit.
  for (let i = 0; i < 64; i++) viaCache(cache, configMapDef, configMap(`key-${i}`));
  const resting = viaCache(cache, configMapDef, configMap('same'));
  assert.notEqual(viaCache(cache, configMapDef, configMap('same')), resting, 'resting: worked out each time');
  for (let i = 0; i < 256; i++) viaCache(cache, configMapDef, configMap('same'));
  const again = viaCache(cache, configMapDef, configMap('same'));
  assert.equal(viaCache(cache, configMapDef, configMap('same')), again, 'remembered again after the rest');
});
