import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  componentStatusPrinter, configMapPrinter, leasePrinter, namespacePrinter, resourceQuotaPrinter, secretPrinter,
  serviceAccountPrinter,
} from './config.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string, extra: any = {}) => ({ name, namespace: 'default', creationTimestamp: '2024-04-01T12:00:00Z', ...extra });

test('namespaces show their phase', () => {
  assert.deepEqual(namespacePrinter.cells({ metadata: meta('team-a'), status: { phase: 'Active' } }, now), ['team-a', 'Active', '30d']);
  assert.deepEqual(
    namespacePrinter.cells({ metadata: meta('old', { deletionTimestamp: '2024-05-01T11:59:00Z' }), status: { phase: 'Terminating' } }, now),
    ['old', 'Terminating', '30d'],
  );
});

test('config maps count data and binaryData keys; secrets count data keys', () => {
  assert.deepEqual(
    configMapPrinter.cells({ metadata: meta('kube-root-ca.crt'), data: { 'ca.crt': '...' }, binaryData: { 'logo.png': 'iVBO' } }, now),
    ['kube-root-ca.crt', 2, '30d'],
  );
  assert.deepEqual(configMapPrinter.cells({ metadata: meta('empty') }, now), ['empty', 0, '30d']);
  assert.deepEqual(
    secretPrinter.cells({ metadata: meta('registry'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } }, now),
    ['registry', 'kubernetes.io/dockerconfigjson', 1, '30d'],
  );
  assert.deepEqual(secretPrinter.cells({ metadata: meta('plain') }, now), ['plain', 'Opaque', 0, '30d']);
  assert.deepEqual(serviceAccountPrinter.cells({ metadata: meta('default') }, now), ['default', '30d']);
});

test('resource quotas show their age second, then requests and limits, sorted, in canonical quantities', () => {
  const quota = {
    metadata: meta('compute'),
    spec: { hard: { 'requests.cpu': '1', 'limits.memory': '2Gi' } },
    status: {
      hard: { 'requests.cpu': '1', 'requests.memory': '1024Mi', 'limits.cpu': '2', 'limits.memory': '2Gi', pods: '10' },
      used: { 'requests.cpu': '0.5', 'requests.memory': '256Mi', 'limits.cpu': '1', pods: '3' },
    },
  };
  assert.deepEqual(resourceQuotaPrinter.cells(quota, now), [
    'compute',
    '30d',
    'pods: 3/10, requests.cpu: 500m/1, requests.memory: 256Mi/1Gi',
    'limits.cpu: 1/2, limits.memory: 0/2Gi',
  ]);
  assert.deepEqual(resourceQuotaPrinter.cells({ metadata: meta('new'), spec: { hard: { pods: '1' } } }, now), ['new', '30d', '', '']);
});

test('leases show their holder', () => {
  assert.deepEqual(
    leasePrinter.cells({ metadata: meta('kube-scheduler', { namespace: 'kube-system' }), spec: { holderIdentity: 'cp-1_4f2a' } }, now),
    ['kube-scheduler', 'cp-1_4f2a', '30d'],
  );
  assert.deepEqual(leasePrinter.cells({ metadata: meta('free'), spec: {} }, now), ['free', '', '30d']);
});

test('component statuses', () => {
  assert.deepEqual(
    componentStatusPrinter.cells({ metadata: { name: 'etcd-0' }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] }, now),
    ['etcd-0', 'Healthy', 'ok', ''],
  );
  assert.deepEqual(
    componentStatusPrinter.cells({ metadata: { name: 'scheduler' }, conditions: [{ type: 'Healthy', status: 'False', error: 'connection refused' }] }, now),
    ['scheduler', 'Unhealthy', '', 'connection refused'],
  );
  assert.deepEqual(componentStatusPrinter.cells({ metadata: { name: 'x' } }, now), ['x', 'Unknown', '', '']);
});
