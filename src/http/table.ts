// Server-side printing: objects as a meta.k8s.io Table with the columns a real cluster shows,
// and the PartialObjectMetadata forms metadata-only clients ask for.
import { badRequest } from '../apierrors/index.js';
import type { KubeObject } from '../machinery/object.js';
import { lazyModule } from '../machinery/lazy-module.js';
import type { TablePrinter } from '../registry/printers/types.js';
import { memberAndEnd, memberValueStart, skipValue } from '../machinery/json-members.js';
import type { ListBody } from './list-body.js';

// Printers for every kind are a lot of code that only `kubectl get` needs: loaded on first use.
const printers = lazyModule(() => import('../registry/printers/index.js'));

/** Call (and await) before building any Table. */
export function loadPrinters(): Promise<unknown> {
  return printers.load();
}
import type { ResourceInfo } from '../schema/catalogue.js';
import { goJsonEscape } from '../machinery/go-json-text.js';

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

function tableMetadata(opts: TableOptions): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return metadata;
}

/** The scale subresource's printer (kube-apiserver prints autoscaling's Scale: Desired, Available). */
export function scalePrinter(): TablePrinter {
  return printers.get().scalePrinter;
}

export function buildTable(printer: TablePrinter, objects: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = { cells: printer.cells(obj, opts.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions?.length) row.conditions = conditions;
    if (opts.includeObject === 'Object') row.object = obj;
    else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(obj, opts.asVersion);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.asVersion ?? 'v1'}`,
    metadata: tableMetadata(opts),
    columnDefinitions: opts.withColumns ? printer.columns : [],
    rows,
  };
}

const OPEN_BRACE = 0x7b;
const NULL_START = 0x6e;

/**
 * A list's Table as JSON bytes: what JSON.stringify(buildTable(...)) and a newline write (escaped as Go escapes), built
 * from the objects' JSON bytes (as stored: JSON.stringify's output, so escaped). A row's object is a slice of
 * those bytes, not stringified again; a built-in printer reads the object parsed without its
 * managedFields, which no printer reads and which are half of a typical object. (A custom
 * resource's columns are JSONPaths that may read anything: it gets the whole object.)
 */
export function tableListBody(info: ResourceInfo, raws: readonly Buffer[], opts: TableOptions): ListBody {
  const printer = printerFor(info);
  const dropManagedFields = !info.custom;
  const asVersion = opts.asVersion ?? 'v1';
  const out = new PieceWriter();
  out.text(
    goJsonEscape(
      `{"kind":"Table","apiVersion":${JSON.stringify(`meta.k8s.io/${asVersion}`)},"metadata":${JSON.stringify(tableMetadata(opts))},` +
        `"columnDefinitions":${JSON.stringify(opts.withColumns ? printer.columns : [])},"rows":[`,
    ),
  );
  const partialHead = `,"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(`meta.k8s.io/${asVersion}`)},"metadata":`;
  raws.forEach((raw, i) => {
    // One pass over the metadata finds both its end and its managedFields.
    const metaStart = memberValueStart(raw, 0, 'metadata');
    const metaIsObject = metaStart !== undefined && raw[metaStart] === OPEN_BRACE;
    const { member: managed, objectEnd: metaEnd } = metaIsObject ? memberAndEnd(raw, metaStart, 'managedFields') : { member: undefined, objectEnd: -1 };
    const obj = JSON.parse(managed && dropManagedFields ? withoutMember(raw, managed) : raw.toString('utf8')) as KubeObject;
    const conditions = printer.conditions?.(obj);
    out.text(goJsonEscape(`${i > 0 ? ',' : ''}{"cells":${JSON.stringify(printer.cells(obj, opts.now))}${conditions?.length ? `,"conditions":${JSON.stringify(conditions)}` : ''}`));
    if (opts.includeObject === 'Object') {
      out.text(',"object":');
      out.bytes(raw);
    } else if (opts.includeObject === 'Metadata') {
      out.text(partialHead);
      // partialObjectMetadata: metadata ?? {}.
      if (metaIsObject) out.bytes(raw.subarray(metaStart, metaEnd));
      else if (metaStart !== undefined && raw[metaStart] !== NULL_START) out.bytes(raw.subarray(metaStart, skipValue(raw, metaStart)));
      else out.text('{}');
      out.text('}');
    }
    out.text('}');
  });
  out.text(']}\n');
  return out.finish();
}

/**
 * The JSON of an object's metadata as partialObjectMetadata takes it (`metadata ?? {}`), sliced
 * from its stored bytes (JSON.stringify's output, so the slice is what JSON.stringify of the parsed
 * metadata writes).
 */
function storedMetadataJson(raw: Buffer): Buffer {
  let start: number | undefined;
  try {
    start = memberValueStart(raw, 0, 'metadata');
  } catch {
    // Not the compact JSON of an object (never stored): as the parsed object has it.
    return Buffer.from(goJsonEscape(JSON.stringify((JSON.parse(raw.toString('utf8')) as KubeObject).metadata ?? {})));
  }
  if (start === undefined || raw[start] === NULL_START) return emptyObject;
  return raw.subarray(start, skipValue(raw, start));
}

const emptyObject = Buffer.from('{}');

/** JSON.stringify(partialObjectMetadata(object, asVersion)) (and `after`), from the object's stored bytes. */
export function partialObjectMetadataJson(raw: Buffer, asVersion = 'v1', after = ''): Buffer {
  return Buffer.concat([Buffer.from(partialItemHead(asVersion)), storedMetadataJson(raw), Buffer.from(`}${after}`)]);
}

function partialItemHead(asVersion: string): string {
  return `{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(`meta.k8s.io/${asVersion}`)},"metadata":`;
}

/**
 * A PartialObjectMetadataList's JSON (what JSON.stringify of the list built from the parsed
 * objects and a newline write), as pieces: each item is a head shared by all and a slice of the
 * object's stored bytes, its metadata. Nothing is parsed.
 */
export function metadataListBody(asVersion: string, metadata: Record<string, unknown>, raws: readonly Buffer[]): ListBody {
  const apiVersion = JSON.stringify(`meta.k8s.io/${asVersion}`);
  const head = Buffer.from(`{"kind":"PartialObjectMetadataList","apiVersion":${apiVersion},"metadata":${JSON.stringify(metadata)},"items":[`);
  const firstItem = Buffer.from(partialItemHead(asVersion));
  const nextItem = Buffer.from(`},${partialItemHead(asVersion)}`);
  const tail = Buffer.from(raws.length > 0 ? '}]}\n' : ']}\n');
  const pieces: Buffer[] = [head];
  let length = head.length + tail.length;
  raws.forEach((raw, i) => {
    const item = i === 0 ? firstItem : nextItem;
    const meta = storedMetadataJson(raw);
    pieces.push(item, meta);
    length += item.length + meta.length;
  });
  pieces.push(tail);
  return { pieces, length };
}

/** The object's JSON text without one of its members (and the comma that separated it). */
function withoutMember(raw: Buffer, m: { keyStart: number; valueEnd: number }): string {
  const COMMA = 0x2c;
  if (raw[m.keyStart - 1] === COMMA) return raw.toString('utf8', 0, m.keyStart - 1) + raw.toString('utf8', m.valueEnd);
  if (raw[m.valueEnd] === COMMA) return raw.toString('utf8', 0, m.keyStart) + raw.toString('utf8', m.valueEnd + 1);
  return raw.toString('utf8', 0, m.keyStart) + raw.toString('utf8', m.valueEnd);
}

/** Text and byte slices into the pieces of a ListBody; text is gathered into one buffer per run. */
class PieceWriter {
  private readonly pieces: Buffer[] = [];
  private length = 0;
  private pending = '';

  text(s: string): void {
    this.pending += s;
  }

  bytes(b: Buffer): void {
    this.flush();
    this.pieces.push(b);
    this.length += b.length;
  }

  finish(): ListBody {
    this.flush();
    return { pieces: this.pieces, length: this.length };
  }

  private flush(): void {
    if (this.pending === '') return;
    const b = Buffer.from(this.pending, 'utf8');
    this.pieces.push(b);
    this.length += b.length;
    this.pending = '';
  }
}
