// autoscaling/v1 HorizontalPodAutoscaler ↔ autoscaling/v2 (the stored version). v1 knows only a CPU
// utilization target; everything else v2 has travels in annotations, as kube-apiserver does, so a
// v1 client's read-modify-write does not lose it.
import type { KubeObject } from '../../machinery/object.js';
import type { Conversion } from './types.js';

const metricsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
const currentMetricsAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';

interface Metric {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number }; current?: { averageUtilization?: number } };
}

const isCpuUtilization = (m: Metric) => m.type === 'Resource' && m.resource?.name === 'cpu' && (m.resource?.target?.type === 'Utilization' || m.resource?.current?.averageUtilization !== undefined);

function takeAnnotation(annotations: Record<string, string> | undefined, key: string): unknown {
  if (!annotations || !(key in annotations)) return undefined;
  const raw = annotations[key];
  delete annotations[key];
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function v1ToV2(obj: KubeObject): KubeObject {
  const out = structuredClone(obj) as any;
  out.apiVersion = 'autoscaling/v2';
  const annotations = out.metadata?.annotations as Record<string, string> | undefined;
  const metrics: Metric[] = (takeAnnotation(annotations, metricsAnnotation) as Metric[] | undefined) ?? [];
  const behavior = takeAnnotation(annotations, behaviorAnnotation);
  const conditions = takeAnnotation(annotations, conditionsAnnotation);
  const currentMetrics = (takeAnnotation(annotations, currentMetricsAnnotation) as Metric[] | undefined) ?? [];
  if (annotations && Object.keys(annotations).length === 0) delete out.metadata.annotations;
  const spec = out.spec ?? {};
  if (spec.targetCPUUtilizationPercentage !== undefined) {
    metrics.unshift({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  delete spec.targetCPUUtilizationPercentage;
  if (metrics.length) spec.metrics = metrics;
  if (behavior) spec.behavior = behavior;
  out.spec = spec;
  if (out.status) {
    const status = out.status;
    if (status.currentCPUUtilizationPercentage !== undefined) {
      currentMetrics.unshift({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    delete status.currentCPUUtilizationPercentage;
    if (currentMetrics.length) status.currentMetrics = currentMetrics;
    if (conditions) status.conditions = conditions;
  }
  return out;
}

function v2ToV1(obj: KubeObject): KubeObject {
  const out = structuredClone(obj) as any;
  out.apiVersion = 'autoscaling/v1';
  const annotations: Record<string, string> = { ...(out.metadata?.annotations ?? {}) };
  const spec = out.spec ?? {};
  const metrics: Metric[] = spec.metrics ?? [];
  const cpu = metrics.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization');
  if (cpu) spec.targetCPUUtilizationPercentage = cpu.resource!.target!.averageUtilization;
  const others = metrics.filter((m) => m !== cpu);
  if (others.length) annotations[metricsAnnotation] = JSON.stringify(others);
  if (spec.behavior) annotations[behaviorAnnotation] = JSON.stringify(spec.behavior);
  delete spec.metrics;
  delete spec.behavior;
  if (out.status) {
    const status = out.status;
    const current: Metric[] = status.currentMetrics ?? [];
    const currentCpu = current.find(isCpuUtilization);
    if (currentCpu?.resource?.current?.averageUtilization !== undefined) {
      status.currentCPUUtilizationPercentage = currentCpu.resource.current.averageUtilization;
    }
    const otherCurrent = current.filter((m) => m !== currentCpu);
    if (otherCurrent.length) annotations[currentMetricsAnnotation] = JSON.stringify(otherCurrent);
    if (status.conditions?.length) annotations[conditionsAnnotation] = JSON.stringify(status.conditions);
    delete status.currentMetrics;
    delete status.conditions;
  }
  if (Object.keys(annotations).length) (out.metadata ??= {}).annotations = annotations;
  return out;
}

export const horizontalPodAutoscalerV1Conversion: Conversion = { toStorage: v1ToV2, fromStorage: v2ToV1 };
