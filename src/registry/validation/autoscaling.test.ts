import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerUpdate } from './autoscaling.js';
import type { JsonRecord } from './json-value.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function hpa(spec: JsonRecord = {}): JsonRecord {
  return {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      ...spec,
    },
  };
}

const cases: [string, JsonRecord, string[]][] = [
  ['valid', hpa(), []],
  [
    'replica bounds',
    hpa({ minReplicas: 0, maxReplicas: 0 }),
    [
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
    ],
  ],
  ['max below min', hpa({ minReplicas: 6 }), ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`']],
  [
    'scale target required',
    hpa({ scaleTargetRef: { name: 'a/b' } }),
    ['spec.scaleTargetRef.kind: Required value', "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'"],
  ],
  [
    'metric type',
    hpa({ metrics: [{ type: 'Magic' }] }),
    [
      'spec.metrics[0].type: Unsupported value: "Magic": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      'spec.metrics[0].type: Unsupported value: "Magic": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    ],
  ],
  [
    'metric source must match the type',
    hpa({ metrics: [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }),
    ['spec.metrics[0].pods: Required value: must populate information for the given metric source'],
  ],
  [
    'only one source',
    hpa({
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
        },
      ],
    }),
    // Only the first source found (pods before resource) is validated in depth.
    ['spec.metrics[0].pods: Forbidden: must populate the given metric source only'],
  ],
  [
    'resource targets',
    hpa({ metrics: [{ type: 'Resource', resource: { name: '', target: { type: 'Percent', averageUtilization: 0, averageValue: '-1' } } }] }),
    [
      'spec.metrics[0].resource.name: Required value: must specify a resource name',
      'spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue',
      'spec.metrics[0].resource.target.averageValue: Invalid value: "-1": must be positive',
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    ],
  ],
  [
    'pods metrics need an average value',
    hpa({ metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'Value', value: '5' } } }] }),
    ['spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue'],
  ],
  [
    'object metrics',
    hpa({ metrics: [{ type: 'Object', object: { describedObject: { kind: 'Ingress' }, metric: {}, target: { type: 'Value' } } }] }),
    [
      'spec.metrics[0].object.describedObject.name: Required value',
      'spec.metrics[0].object.metric.name: Required value: must specify a metric name',
      'spec.metrics[0].object.target.averageValue: Required value: must set either a target value or averageValue',
    ],
  ],
  [
    'behavior',
    hpa({
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Fastest', policies: [{ type: 'Nodes', value: 0, periodSeconds: 2000 }] },
        scaleDown: { stabilizationWindowSeconds: -1, tolerance: '-0.1', policies: [] },
      },
    }),
    [
      'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
      'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Fastest": supported values: "Disabled", "Max", "Min"',
      'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
      'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to zero',
      'spec.behavior.scaleDown.tolerance: Invalid value: "-0.1": must be greater or equal to zero',
      'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
    ],
  ],
];

for (const [name, obj, want] of cases) {
  test(`hpa: ${name}`, () => assert.deepEqual(render(validateHorizontalPodAutoscaler(obj)), want));
}

test('hpa update: minReplicas 0 stays allowed once set', () => {
  const zero = hpa({ minReplicas: 0, metrics: [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '10' } } }] });
  assert.deepEqual(render(validateHorizontalPodAutoscalerUpdate(zero, zero)), []);
  assert.deepEqual(render(validateHorizontalPodAutoscalerUpdate(zero, hpa())), ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1']);
});

test('hpa status update', () => {
  const obj = hpa();
  obj.status = { currentReplicas: -1, desiredReplicas: 2 };
  assert.deepEqual(render(validateHorizontalPodAutoscalerStatusUpdate(obj)), ['status.currentReplicas: Invalid value: -1: must be greater than or equal to 0']);
});
