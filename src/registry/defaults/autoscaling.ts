// autoscaling/v1 and autoscaling/v2 defaults: k8s.io/kubernetes pkg/apis/autoscaling/{v1,v2}/
// defaults.go as of 1.36. A v2 behavior block, once present, is completed with the scaling rules
// the HPA controller would otherwise assume (scale up: 4 pods or 100% per 15s; scale down: 100%).
import { isNil, objectAt, structField, type DefaultsTable, type JsonMap } from './types.js';

/** The target a v2 HPA without metrics gets: 80% average CPU utilization. */
const defaultCPUUtilization = 80;

function minReplicas(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (isNil(spec['minReplicas'])) spec['minReplicas'] = 1;
}

function scaleUpRules(): JsonMap {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownRules(): JsonMap {
  // No stabilization window: the controller falls back to its --horizontal-pod-autoscaler-
  // downscale-stabilization flag, which defaulting cannot know.
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** The defaults, overridden by every rule field the user set (copyHPAScalingRules). */
function completeRules(given: unknown, defaults: JsonMap): JsonMap {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return defaults;
  const rules = given as JsonMap;
  for (const key of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) {
    if (!isNil(rules[key])) defaults[key] = rules[key];
  }
  return defaults;
}

function horizontalPodAutoscalerV2(obj: JsonMap): void {
  minReplicas(obj);
  const spec = structField(obj, 'spec');
  const metrics = spec['metrics'];
  if (isNil(metrics) || (Array.isArray(metrics) && metrics.length === 0)) {
    spec['metrics'] = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } },
    ];
  }
  const behavior = objectAt(spec, 'behavior');
  if (behavior) {
    behavior['scaleUp'] = completeRules(behavior['scaleUp'], scaleUpRules());
    behavior['scaleDown'] = completeRules(behavior['scaleDown'], scaleDownRules());
  }
}

export const autoscalingDefaults: DefaultsTable = {
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler': { apply: minReplicas, valueStructs: ['spec'] },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': { apply: horizontalPodAutoscalerV2, valueStructs: ['spec'] },
};
