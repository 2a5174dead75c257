// `kubectl get nodemetrics` / `podmetrics`: metrics-server's own Table, one column per usage
// resource (sorted, so cpu and memory), summed over a pod's containers, and the window.
import { addQuantities, formatQuantity, parseQuantity, type Quantity } from '../../machinery/quantity.js';
import { partialObjectMetadata, type IncludeObject } from '../table.js';
import type { NodeMetrics, PodMetrics, ResourceList } from './metrics-source.js';

type MetricsObject = (NodeMetrics | PodMetrics) & { kind?: string; apiVersion?: string };

export function metricsTable(
  items: readonly MetricsObject[],
  opts: { includeObject: IncludeObject; asVersion?: string; kind: string; apiVersion: string },
): Record<string, unknown> {
  let names: string[] | undefined;
  const columnDefinitions: Record<string, unknown>[] = [];
  const rows = items.map((item) => {
    const usage = totalUsage(item);
    if (!names) {
      names = Object.keys(usage).sort();
      columnDefinitions.push({ name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 });
      for (const name of names) columnDefinitions.push({ name, type: 'string', format: 'quantity', description: '', priority: 0 });
      columnDefinitions.push({ name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 });
    }
    const row: Record<string, unknown> = {
      cells: [item.metadata.name, ...names.map((n) => (usage[n] ? formatQuantity(usage[n]) : '0')), item.window],
    };
    if (opts.includeObject === 'Object') row.object = { kind: opts.kind, apiVersion: opts.apiVersion, ...item };
    else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata({ metadata: item.metadata }, opts.asVersion);
    return row;
  });
  return { kind: 'Table', apiVersion: `meta.k8s.io/${opts.asVersion ?? 'v1'}`, metadata: {}, columnDefinitions, rows };
}

function totalUsage(item: MetricsObject): Record<string, Quantity> {
  const lists: ResourceList[] = 'usage' in item ? [item.usage] : item.containers.map((c) => c.usage);
  const total: Record<string, Quantity> = {};
  for (const list of lists) {
    for (const [name, text] of Object.entries(list)) {
      const q = parseQuantity(text);
      total[name] = total[name] ? addQuantities(total[name], q) : q;
    }
  }
  return total;
}
