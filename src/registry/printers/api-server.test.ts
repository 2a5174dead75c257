import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiServicePrinter, flowSchemaPrinter, priorityLevelConfigurationPrinter } from './api-server.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string) => ({ name, creationTimestamp: '2024-04-01T12:00:00Z' });

test('flow schemas', () => {
  const schema = {
    metadata: meta('workload-leader-election'),
    spec: { priorityLevelConfiguration: { name: 'leader-election' }, matchingPrecedence: 200, distinguisherMethod: { type: 'ByUser' } },
    status: { conditions: [{ type: 'Dangling', status: 'False', reason: 'Found' }] },
  };
  assert.deepEqual(flowSchemaPrinter.cells(schema, now), ['workload-leader-election', 'leader-election', 200, 'ByUser', '30d', 'False']);
  assert.deepEqual(
    flowSchemaPrinter.cells({ metadata: meta('new'), spec: { priorityLevelConfiguration: { name: 'global-default' } } }, now),
    ['new', 'global-default', 1000, '<none>', '30d', '?'],
  );
});

test('priority level configurations', () => {
  const limited = {
    metadata: meta('workload-high'),
    spec: {
      type: 'Limited',
      limited: { nominalConcurrencyShares: 40, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } },
    },
  };
  assert.deepEqual(priorityLevelConfigurationPrinter.cells(limited, now), ['workload-high', 'Limited', 40, 128, 6, 50, '30d']);
  const rejecting = { metadata: meta('catch-all'), spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } };
  assert.deepEqual(priorityLevelConfigurationPrinter.cells(rejecting, now), ['catch-all', 'Limited', 5, '<none>', '<none>', '<none>', '30d']);
  const exempt = { metadata: meta('exempt'), spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0 } } };
  assert.deepEqual(priorityLevelConfigurationPrinter.cells(exempt, now), ['exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>', '30d']);
});

test('API services: local, available, and unavailable with a reason', () => {
  assert.deepEqual(
    apiServicePrinter.cells({ metadata: meta('v1.apps'), spec: { group: 'apps', version: 'v1' }, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } }, now),
    ['v1.apps', 'Local', 'True', '30d'],
  );
  assert.deepEqual(
    apiServicePrinter.cells({
      metadata: meta('v1beta1.metrics.k8s.io'),
      spec: { service: { namespace: 'kube-system', name: 'metrics-server' }, group: 'metrics.k8s.io', version: 'v1beta1' },
      status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] },
    }, now),
    ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (MissingEndpoints)', '30d'],
  );
  assert.deepEqual(apiServicePrinter.cells({ metadata: meta('v1.x'), spec: {} }, now), ['v1.x', 'Local', 'Unknown', '30d']);
});
