// Printers for autoscaling: horizontal pod autoscalers (autoscaling/v2 TARGETS formatting, with
// autoscaling/v1 objects converted first) and the scale subresource.
import { ageColumn, column, definePrinter, nameColumn, objectAge, objectName } from './columns.js';
import { canonicalQuantity } from './quantity.js';
import type { TablePrinter } from './types.js';

/** Go calls String() on *Quantity fields that may be nil, which prints "<nil>". */
function quantityPointer(value: unknown): string {
  return value === undefined || value === null ? '<nil>' : canonicalQuantity(value);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** One TARGETS entry for a metric spec, paired by index with the current metric status. */
function metricText(spec: any, status: any): string {
  switch (spec?.type) {
    case 'External':
    case 'Object': {
      const field = spec.type === 'External' ? 'external' : 'object';
      const target = spec[field]?.target ?? {};
      const current = status?.[field];
      if (isSet(target.averageValue)) {
        const now = isSet(current?.current?.averageValue) ? canonicalQuantity(current.current.averageValue) : '<unknown>';
        return `${now}/${canonicalQuantity(target.averageValue)} (avg)`;
      }
      const now = current ? quantityPointer(current.current?.value) : '<unknown>';
      return `${now}/${quantityPointer(target.value)}`;
    }
    case 'Pods': {
      const current = status?.pods;
      const now = current ? quantityPointer(current.current?.averageValue) : '<unknown>';
      return `${now}/${quantityPointer(spec.pods?.target?.averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const field = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const source = spec[field] ?? {};
      const target = source.target ?? {};
      const current = status?.[field];
      if (isSet(target.averageValue)) {
        const now = current ? quantityPointer(current.current?.averageValue) : '<unknown>';
        return `${source.name ?? ''}: ${now}/${canonicalQuantity(target.averageValue)}`;
      }
      const utilization = current?.current?.averageUtilization;
      const now = isSet(utilization) ? `${utilization}%` : '<unknown>';
      const goal = isSet(target.averageUtilization) ? `${target.averageUtilization}%` : '<auto>';
      return `${source.name ?? ''}: ${now}/${goal}`;
    }
    default:
      return '<unknown type>';
  }
}

/** Up to two metrics joined by ", ", then " + N more..."; "<none>" without metrics. */
function formatMetrics(specs: any[], statuses: any[]): string {
  if (specs.length === 0) return '<none>';
  const max = 2;
  const list: string[] = [];
  for (let i = 0; i < specs.length && i < max; i++) list.push(metricText(specs[i], statuses[i]));
  const text = list.join(', ');
  return specs.length > max ? `${text} + ${specs.length - max} more...` : text;
}

/**
 * An autoscaling/v1 object's single CPU target as the v2 metric lists the internal version holds.
 * A v1 object without a target reads back from storage with the v2 default of 80% CPU.
 */
function metricsOf(obj: any): { specs: any[]; statuses: any[] } {
  const spec = obj.spec ?? {};
  const isV1 = obj.apiVersion === 'autoscaling/v1' || (spec.metrics === undefined && 'targetCPUUtilizationPercentage' in spec);
  if (!isV1) return { specs: spec.metrics ?? [], statuses: obj.status?.currentMetrics ?? [] };
  const target = spec.targetCPUUtilizationPercentage ?? 80;
  const current = obj.status?.currentCPUUtilizationPercentage;
  return {
    specs: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }],
    statuses: isSet(current) ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }] : [],
  };
}

export const horizontalPodAutoscalerPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Reference', 'string', 'The target resource being scaled, as Kind/name.'),
    column('Targets', 'string', 'Current and target values of the metrics used to compute the replica count.'),
    column('MinPods', 'string', 'The lower limit for the number of replicas.'),
    column('MaxPods', 'string', 'The upper limit for the number of replicas.'),
    column('Replicas', 'string', 'Current number of replicas of pods managed by this autoscaler.'),
    ageColumn,
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const { specs, statuses } = metricsOf(obj);
    return [
      objectName(obj),
      `${spec.scaleTargetRef?.kind ?? ''}/${spec.scaleTargetRef?.name ?? ''}`,
      formatMetrics(specs, statuses),
      // minReplicas defaults to 1 in both API versions.
      String(spec.minReplicas ?? 1),
      spec.maxReplicas ?? 0,
      obj.status?.currentReplicas ?? 0,
      objectAge(obj, now),
    ];
  },
);

/** For the scale subresource (`kubectl get --subresource=scale`); its Name column has no name format. */
export const scalePrinter: TablePrinter = definePrinter(
  [
    { ...nameColumn, format: '' },
    column('Desired', 'integer', 'Desired number of instances for the scaled object.'),
    column('Available', 'integer', 'Actual number of observed instances of the scaled object.'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), obj.spec?.replicas ?? 0, obj.status?.replicas ?? 0, objectAge(obj, now)],
);
