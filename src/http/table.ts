// Server-side printing: objects as a meta.k8s.io Table with the columns a real cluster shows,
// and the PartialObjectMetadata forms metadata-only clients ask for.
import { badRequest } from '../apierrors/index.js';
import type { KubeObject } from '../machinery/object.js';
import { lazyModule } from '../machinery/lazy-module.js';
import type { TablePrinter } from '../registry/printers/types.js';

// Printers for every kind are a lot of code that only `kubectl get` needs: loaded on first use.
const printers = lazyModule(() => import('../registry/printers/index.js'));

/** Call (and await) before building any Table. */
export function loadPrinters(): Promise<unknown> {
  return printers.load();
}
import type { ResourceInfo } from '../schema/catalogue.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(`includeObject must be one of "None", "Metadata" or "Object", got "${value}"`);
}

// One printer per served CRD version (the catalogue replaces the info when its CRD changes).
const customPrinters = new WeakMap<ResourceInfo, TablePrinter>();

export function printerFor(info: ResourceInfo): TablePrinter {
  const { tablePrinters, defaultTablePrinter, customResourcePrinter } = printers.get();
  if (info.custom) {
    let printer = customPrinters.get(info);
    if (!printer) {
      printer = customResourcePrinter(info.custom.printerColumns);
      customPrinters.set(info, printer);
    }
    return printer;
  }
  return tablePrinters.get(info.qualified) ?? defaultTablePrinter;
}

export function partialObjectMetadata(obj: KubeObject, asVersion = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${asVersion}`, metadata: obj.metadata ?? {} };
}

export interface TableOptions {
  includeObject: IncludeObject;
  now: Date;
  /** Column definitions are omitted from watch events after the first (kubectl reuses the first ones). */
  withColumns: boolean;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  asVersion?: string;
}

export function buildTable(info: ResourceInfo, objects: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const printer = printerFor(info);
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = { cells: printer.cells(obj, opts.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions?.length) row.conditions = conditions;
    if (opts.includeObject === 'Object') row.object = obj;
    else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(obj, opts.asVersion);
    return row;
  });
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.asVersion ?? 'v1'}`,
    metadata,
    columnDefinitions: opts.withColumns ? printer.columns : [],
    rows,
  };
}
