import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../apierrors/index.js';
import { FakeClock } from '../../machinery/clock.js';
import { locateSpec } from '../../schema/spec-files.js';
import { createDefaulter } from './defaulter.js';
import type { DefaultsTable, JsonMap } from './types.js';

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

// A small schema in the shape of the Kubernetes one: a kind with a value-struct spec, a list of
// items, a recursive node type, and quantities directly, in lists and in maps.
const definitions: Record<string, unknown> = {
  [quantity]: { type: 'string' },
  'test.v1.Widget': {
    type: 'object',
    properties: { spec: ref('test.v1.WidgetSpec'), status: ref('test.v1.WidgetStatus') },
    'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Widget' }],
  },
  'test.v1.WidgetSpec': {
    type: 'object',
    properties: {
      parts: { type: 'array', items: ref('test.v1.Part') },
      tree: ref('test.v1.Node'),
      size: ref(quantity),
      sizes: { type: 'array', items: ref(quantity) },
      label: { type: 'string' },
    },
  },
  'test.v1.WidgetStatus': { type: 'object', properties: { phase: { type: 'string' } } },
  'test.v1.Part': { type: 'object', properties: { name: { type: 'string' }, kind: { type: 'string' } } },
  'test.v1.Node': {
    type: 'object',
    properties: { children: { type: 'array', items: ref('test.v1.Node') }, weight: { type: 'integer' } },
  },
  'io.k8s.api.core.v1.Holder': {
    type: 'object',
    properties: { limits: { type: 'object', additionalProperties: ref(quantity) } },
  },
  'test.v1.Holder': {
    type: 'object',
    properties: { limits: { type: 'object', additionalProperties: ref(quantity) } },
  },
  'test.v1.Plain': { type: 'object', properties: { data: { type: 'object', additionalProperties: { type: 'string' } } } },
};

function recordingTable(calls: string[]): DefaultsTable {
  return {
    'test.v1.Widget': {
      apply: (obj) => {
        calls.push('Widget');
        // The own defaulter sees its fields before their defaults are applied.
        const spec = obj['spec'] as JsonMap;
        calls.push(`parts seen as ${JSON.stringify(spec['parts'] ?? null)}`);
      },
      valueStructs: ['spec', 'status'],
    },
    'test.v1.WidgetSpec': {
      apply: () => {
        calls.push('WidgetSpec');
      },
    },
    'test.v1.Part': {
      apply: (part) => {
        calls.push(`Part ${String(part['name'])}`);
        if (!part['kind']) part['kind'] = 'bolt';
      },
    },
    'test.v1.Node': {
      apply: (node) => {
        if (node['weight'] === undefined) node['weight'] = 1;
      },
    },
  };
}

test('a struct is defaulted before its fields, fields and list items in order', () => {
  const calls: string[] = [];
  const applyDefaults = createDefaulter(definitions, { table: recordingTable(calls) });
  const widget: JsonMap = { spec: { parts: [{ name: 'a' }, { name: 'b', kind: 'nut' }] } };
  applyDefaults('test.v1.Widget', widget);
  assert.deepEqual(calls, ['Widget', 'parts seen as [{"name":"a"},{"name":"b","kind":"nut"}]', 'WidgetSpec', 'Part a', 'Part b']);
  assert.deepEqual(widget['spec'], { parts: [{ name: 'a', kind: 'bolt' }, { name: 'b', kind: 'nut' }] });
});

test('value structs are created only when something beneath them has defaults', () => {
  const applyDefaults = createDefaulter(definitions, { table: recordingTable([]) });
  const widget: JsonMap = {};
  applyDefaults('test.v1.Widget', widget);
  // status has nothing to default: Go would still print it, but that is the serializer's business.
  assert.deepEqual(widget, { spec: {} });
});

test('recursive definitions are walked to any depth', () => {
  const applyDefaults = createDefaulter(definitions, { table: recordingTable([]) });
  const widget: JsonMap = { spec: { tree: { children: [{ children: [{ weight: 5 }, {}] }] } } };
  applyDefaults('test.v1.Widget', widget);
  assert.deepEqual((widget['spec'] as JsonMap)['tree'], {
    weight: 1,
    children: [{ weight: 1, children: [{ weight: 5 }, { weight: 1 }] }],
  });
});

test('quantities are canonicalized wherever the schema has one; nulls are left alone', () => {
  const applyDefaults = createDefaulter(definitions, { table: {} });
  const widget: JsonMap = { spec: { size: '0.5', sizes: ['1024Mi', null, 2000], label: '1000m' } };
  applyDefaults('test.v1.Widget', widget);
  assert.deepEqual(widget, { spec: { size: '500m', sizes: ['1Gi', null, '2k'], label: '1000m' } });
});

test('maps of quantities are rounded to milli only where core/v1 declares a ResourceList', () => {
  const applyDefaults = createDefaulter(definitions, { table: {} });
  const core: JsonMap = { limits: { cpu: '0.0001', memory: '1.5Gi' } };
  const other: JsonMap = { limits: { cpu: '0.0001', memory: '1.5Gi' } };
  applyDefaults('io.k8s.api.core.v1.Holder', core);
  applyDefaults('test.v1.Holder', other);
  assert.deepEqual(core, { limits: { cpu: '1m', memory: '1536Mi' } });
  assert.deepEqual(other, { limits: { cpu: '100u', memory: '1536Mi' } });
});

test('objects without defaults, and unknown definitions, are not touched', () => {
  const applyDefaults = createDefaulter(definitions, { table: recordingTable([]) });
  const plain = { data: { a: '0.5' } };
  applyDefaults('test.v1.Plain', plain);
  applyDefaults('test.v1.Nothing', plain);
  assert.deepEqual(plain, { data: { a: '0.5' } });
});

test('an invalid quantity is the 400 a decode failure gives, naming kind and version', () => {
  const applyDefaults = createDefaulter(definitions, { table: {} });
  assert.throws(
    () => applyDefaults('test.v1.Widget', { spec: { size: '1 Gi' } }),
    (err: unknown) =>
      err instanceof ApiError &&
      err.code === 400 &&
      err.reason === 'BadRequest' &&
      err.message ===
        `Widget in version "example.io/v1" cannot be handled as a Widget: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
  );
  assert.throws(
    () => applyDefaults('test.v1.WidgetSpec', { size: true }),
    (err: unknown) => err instanceof ApiError && err.code === 400 && err.message.startsWith('quantities must match'),
  );
  assert.throws(
    () => applyDefaults('test.v1.WidgetSpec', { size: '5kk' }),
    (err: unknown) => err instanceof ApiError && err.message === "unable to parse quantity's suffix",
  );
});

test('two defaulters share nothing', () => {
  const withParts = createDefaulter(definitions, { table: recordingTable([]) });
  const without = createDefaulter(definitions, { table: {} });
  const a: JsonMap = { spec: { parts: [{ name: 'x' }] } };
  const b: JsonMap = { spec: { parts: [{ name: 'x' }] } };
  withParts('test.v1.Widget', a);
  without('test.v1.Widget', b);
  assert.deepEqual(a, { spec: { parts: [{ name: 'x', kind: 'bolt' }] } });
  assert.deepEqual(b, { spec: { parts: [{ name: 'x' }] } });
});

test('with the real spec, a ConfigMap or a Role comes out exactly as it went in', () => {
  const spec = JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> };
  const applyDefaults = createDefaulter(spec.definitions);
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { cpu: '0.5' } };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'r' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  };
  const before = structuredClone([configMap, role]);
  applyDefaults('io.k8s.api.core.v1.ConfigMap', configMap);
  applyDefaults('io.k8s.api.rbac.v1.Role', role);
  assert.deepEqual([configMap, role], before);
});

test('timestamps come from the injected clock', () => {
  const spec = JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> };
  const clock = new FakeClock(Date.parse('2026-03-04T05:06:07.890Z'));
  const applyDefaults = createDefaulter(spec.definitions, { clock });
  const slice: JsonMap = {
    spec: { driver: 'gpu.example.com', devices: [{ name: 'gpu-0', taints: [{ key: 'k', effect: 'NoSchedule' }] }] },
  };
  applyDefaults('io.k8s.api.resource.v1.ResourceSlice', slice);
  const devices = (slice['spec'] as JsonMap)['devices'] as JsonMap[];
  assert.deepEqual(devices[0]!['taints'], [{ key: 'k', effect: 'NoSchedule', timeAdded: '2026-03-04T05:06:07Z' }]);
});
