import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ManagedFieldsDecodeError,
  decodeManagedFields,
  encodeManagedFields,
  isResetManagedFields,
  managerIdentifier,
} from './managed-fields-codec.js';

test('manager identifiers are the Go JSON of the entry minus fields and time (and apiVersion for appliers)', () => {
  assert.equal(managerIdentifier('kubectl', 'Apply', 'apps/v1', ''), '{"manager":"kubectl","operation":"Apply"}');
  assert.equal(managerIdentifier('kubectl-edit', 'Update', 'apps/v1', ''), '{"manager":"kubectl-edit","operation":"Update","apiVersion":"apps/v1"}');
  assert.equal(managerIdentifier('kcm', 'Update', 'v1', 'status'), '{"manager":"kcm","operation":"Update","apiVersion":"v1","subresource":"status"}');
});

test('[] and [{}] reset managedFields; absent, null and real entries do not', () => {
  assert.ok(isResetManagedFields([]));
  assert.ok(isResetManagedFields([{}]));
  assert.ok(isResetManagedFields([{ manager: '' }]));
  assert.ok(!isResetManagedFields(undefined));
  assert.ok(!isResetManagedFields(null));
  assert.ok(!isResetManagedFields([{ manager: 'x' }]));
  assert.ok(!isResetManagedFields([{}, {}]));
});

test('strict decoding normalizes what a client sent: key order, element spelling, time, unknown elements', () => {
  const managed = decodeManagedFields(
    [
      {
        manager: 'm',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-01-01T10:00:00.5+02:00',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:ports': { 'k:{"protocol":"TCP","port":80}': { '.': {}, 'f:port': {} } },
            'x:future-element': {},
          },
          'f:metadata': { 'f:labels': { 'f:b': {}, 'f:a': {} } },
        },
      },
    ],
    true,
  );
  const [entry] = encodeManagedFields(managed)!;
  assert.equal(entry!.time, '2024-01-01T08:00:00Z');
  assert.equal(
    JSON.stringify(entry!.fieldsV1),
    '{"f:metadata":{"f:labels":{"f:a":{},"f:b":{}}},"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}}}}}',
  );
});

test('malformed entries are rejected with the real server reasons', () => {
  const bad = (entry: Record<string, unknown>): string => {
    try {
      decodeManagedFields([entry], true);
    } catch (err) {
      assert.ok(err instanceof ManagedFieldsDecodeError);
      return err.message;
    }
    return 'accepted';
  };
  const ok = { manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} };
  assert.equal(bad({ ...ok, operation: 'Patch' }), 'operation must be `Apply` or `Update`');
  assert.equal(bad({ ...ok, apiVersion: '' }), 'apiVersion must not be empty');
  assert.equal(bad({ ...ok, fieldsType: undefined }), 'missing fieldsType in managed fields entry 0');
  assert.equal(bad({ ...ok, fieldsType: 'FieldsV2' }), 'invalid fieldsType "FieldsV2" in managed fields entry 0');
  assert.match(bad({ ...ok, fieldsV1: { 'f:a': { 'k:notjson': {} } } }), /error decoding set/);
  assert.match(bad({ ...ok, fieldsV1: { z: {} } }), /key must be 2 characters long/);
  assert.equal(bad(ok), 'accepted');
});

test('entries sort Apply first, then oldest first, then by manager; later duplicates win', () => {
  const entry = (manager: string, operation: string, time?: string): Record<string, unknown> => ({
    manager,
    operation,
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { [`f:${manager}`]: {} } },
    ...(time === undefined ? {} : { time }),
  });
  const managed = decodeManagedFields(
    [
      entry('b', 'Update', '2024-01-02T00:00:00Z'),
      entry('a', 'Update', '2024-01-03T00:00:00Z'),
      entry('z', 'Apply', '2024-01-09T00:00:00Z'),
      entry('c', 'Update'),
      entry('b', 'Update', '2024-01-01T00:00:00Z'),
    ],
    true,
  );
  const encoded = encodeManagedFields(managed)!;
  assert.deepEqual(
    encoded.map((e) => `${e.operation}:${e.manager}:${e.time ?? '-'}`),
    ['Apply:z:2024-01-09T00:00:00Z', 'Update:c:-', 'Update:b:2024-01-01T00:00:00Z', 'Update:a:2024-01-03T00:00:00Z'],
  );
  assert.deepEqual(Object.keys(encoded[0]!), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
});
