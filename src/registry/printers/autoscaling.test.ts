import { test } from 'node:test';
import assert from 'node:assert/strict';
import { horizontalPodAutoscalerPrinter as hpa } from './autoscaling.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' };
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function v2(metrics: any[] | undefined, currentMetrics: any[] | undefined, extra: any = {}): any {
  return {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta,
    spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10, metrics, ...extra },
    status: { currentReplicas: 3, desiredReplicas: 3, currentMetrics },
  };
}

test('autoscaling/v2 CPU utilization with its current value', () => {
  const obj = v2(
    [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '120m' } } }],
  );
  assert.deepEqual(hpa.cells(obj, now), ['web', 'Deployment/web', 'cpu: 42%/60%', '2', 10, 3, '60m']);
});

test('autoscaling/v2 TARGETS formatting for every metric type', () => {
  const cases: Array<[any[], any[], string]> = [
    [[{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }], [], 'cpu: <unknown>/80%'],
    [[{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1024Mi' } } }],
      [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '512Mi' } } }], 'memory: 512Mi/1Gi'],
    [[{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } }],
      [{ type: 'Resource', resource: { name: 'memory', current: { averageUtilization: 10 } } }], 'memory: <nil>/1Gi'],
    [[{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }], [], 'cpu: <unknown>/<auto>'],
    [[{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 70 } } }],
      [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', current: { averageUtilization: 35 } } }], 'cpu: 35%/70%'],
    [[{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } }],
      [{ type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '250' } } }], '250/1k'],
    [[{ type: 'Object', object: { metric: { name: 'hits' }, describedObject: { kind: 'Ingress', name: 'web' }, target: { type: 'Value', value: '10k' } } }],
      [{ type: 'Object', object: { metric: { name: 'hits' }, current: { value: '2500' } } }], '2500/10k'],
    [[{ type: 'Object', object: { metric: { name: 'hits' }, target: { type: 'AverageValue', averageValue: '0.5' } } }], [], '<unknown>/500m (avg)'],
    [[{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } }],
      [{ type: 'External', external: { metric: { name: 'queue' }, current: { averageValue: '12' } } }], '12/30 (avg)'],
    [[{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '100' } } }], [], '<unknown>/100'],
    [[{ type: 'Bogus' }], [], '<unknown type>'],
    [[], [], '<none>'],
  ];
  for (const [metrics, current, expected] of cases) {
    assert.equal(hpa.cells(v2(metrics, current), now)[2], expected, JSON.stringify(metrics));
  }
});

test('more than two metrics are summarised', () => {
  const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } };
  const mem = { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } };
  const pods = { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } };
  assert.equal(hpa.cells(v2([cpu, mem, pods, pods], []), now)[2], 'cpu: <unknown>/60%, memory: <unknown>/70% + 2 more...');
});

test('autoscaling/v1 objects print their CPU target as v2 does', () => {
  const obj = {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta,
    spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 75 },
  };
  assert.deepEqual(hpa.cells(obj, now), ['web', 'Deployment/web', 'cpu: 75%/50%', '1', 5, 2, '60m']);
  const fresh = { apiVersion: 'autoscaling/v1', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 3 } };
  assert.deepEqual(hpa.cells(fresh, now), ['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', 3, 0, '60m']);
});
