// metadata.managedFields on the wire and in memory. Entries are keyed by a manager identifier,
// the JSON of the entry without its fields, time and type (and without apiVersion for appliers,
// so one applier keeps one entry across versions); two entries with one identifier are one
// manager. Client-supplied entries are checked as the real server checks them; entries read
// back from storage were written here and are trusted. Encoding sorts entries as Kubernetes
// does: Apply before Update, then oldest first, then by manager, apiVersion and subresource.
import { type FieldSet, EMPTY, LEAF, canonical, isEmpty } from './field-set.js';
import { isObject } from './json-value.js';
import { SELF, goJsonString, parseElement } from './path-element.js';

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  /** Absent only when a client wrote an entry without one; the server always names managers. */
  manager?: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerRecord {
  readonly manager: string;
  readonly operation: Operation;
  /** The version the fields are expressed in. */
  readonly apiVersion: string;
  readonly subresource: string;
  readonly set: FieldSet;
  readonly time: string | undefined;
  /** The stored entry this record was read from; written back as is while unchanged. */
  readonly source?: ManagedFieldsEntry | undefined;
}

/** Managers by identifier. Records are immutable: changes replace them. */
export type Managed = Map<string, ManagerRecord>;

export function managerIdentifier(manager: string, operation: Operation, apiVersion: string, subresource: string): string {
  let out = withMember('{', 'manager', manager);
  out = withMember(out, 'operation', operation);
  if (operation !== 'Apply') out = withMember(out, 'apiVersion', apiVersion);
  return `${withMember(out, 'subresource', subresource)}}`;
}

/** `out` (an object's JSON so far) with one more string member, unless it is empty. */
function withMember(out: string, name: string, value: string): string {
  if (value === '') return out;
  return `${out.length > 1 ? `${out},` : out}"${name}":${goJsonString(value)}`;
}

/** How identifiers are made: `managerIdentifier`, or a cache of it. */
export type IdentifierOf = typeof managerIdentifier;

/**
 * managerIdentifier, remembered: every write decodes the stored entries, and a few managers make
 * most writes. Found through the parts (strings a server already holds, hashed once), so a known
 * manager costs a few map lookups instead of building and hashing a new string. Bounded: a
 * server meeting very many managers starts over.
 */
export function cachedManagerIdentifiers(limit = 4096): IdentifierOf {
  let cache = new Map<string, Map<string, Map<string, Map<string, string>>>>();
  let size = 0;
  return (manager, operation, apiVersion, subresource) => {
    let byOperation = cache.get(manager);
    if (byOperation === undefined) {
      if (size >= limit) {
        cache = new Map();
        size = 0;
      }
      byOperation = new Map();
      cache.set(manager, byOperation);
    }
    let byVersion = byOperation.get(operation);
    if (byVersion === undefined) byOperation.set(operation, (byVersion = new Map()));
    let bySubresource = byVersion.get(apiVersion);
    if (bySubresource === undefined) byVersion.set(apiVersion, (bySubresource = new Map()));
    let id = bySubresource.get(subresource);
    if (id === undefined) {
      id = managerIdentifier(manager, operation, apiVersion, subresource);
      bySubresource.set(subresource, id);
      size++;
    }
    return id;
  };
}

export class ManagedFieldsDecodeError extends Error {
  override readonly name = 'ManagedFieldsDecodeError';
}

/**
 * `[]` or `[{}]`: the client asks for managedFields to be cleared. (Absent or null is not a
 * reset: it leaves the stored entries in place.)
 */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  if (entries.length !== 1) return false;
  const entry = entries[0];
  if (!isObject(entry)) return false;
  for (const key of ['manager', 'operation', 'apiVersion', 'fieldsType', 'subresource']) {
    const value = entry[key];
    if (value !== undefined && value !== null && value !== '') return false;
  }
  return (entry.time === undefined || entry.time === null) && (entry.fieldsV1 === undefined || entry.fieldsV1 === null);
}

/**
 * Entries → managers. `strict` checks and normalizes everything, as for managedFields a client
 * sent; otherwise field sets are taken as stored. Throws ManagedFieldsDecodeError.
 */
export function decodeManagedFields(entries: unknown, strict: boolean, identify: IdentifierOf = managerIdentifier): Managed {
  const managed: Managed = new Map();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new ManagedFieldsDecodeError('managedFields must be a list');
  for (let index = 0; index < entries.length; index++) {
    if (!(index in entries)) continue; // (holes, which forEach would skip)
    const entry: unknown = entries[index];
    if (!isObject(entry)) throw new ManagedFieldsDecodeError(`managed fields entry ${index} is not an object`);
    const operation = entry.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new ManagedFieldsDecodeError('operation must be `Apply` or `Update`');
    const apiVersion = entry.apiVersion;
    if (typeof apiVersion !== 'string' || apiVersion === '') throw new ManagedFieldsDecodeError('apiVersion must not be empty');
    const fieldsType = entry.fieldsType;
    if (fieldsType === undefined || fieldsType === null || fieldsType === '') {
      throw new ManagedFieldsDecodeError(`missing fieldsType in managed fields entry ${index}`);
    }
    if (fieldsType !== 'FieldsV1') throw new ManagedFieldsDecodeError(`invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${index}`);
    const manager = optionalString(entry.manager, 'manager');
    const subresource = optionalString(entry.subresource, 'subresource');
    const time = entryTime(entry.time, strict);
    const fields = entry.fieldsV1;
    let set: FieldSet;
    if (fields === undefined || fields === null) set = EMPTY;
    else if (!isObject(fields)) throw new ManagedFieldsDecodeError(`error decoding set: fieldsV1 of entry ${index} is not an object`);
    else set = strict ? readFieldsV1(fields) : (fields as FieldSet);
    const record: ManagerRecord = {
      manager,
      operation,
      apiVersion,
      subresource,
      set,
      time,
      source: strict ? undefined : (entry as unknown as ManagedFieldsEntry),
    };
    managed.set(identify(manager, operation, apiVersion, subresource), record);
  }
  return managed;
}

function optionalString(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ManagedFieldsDecodeError(`${name} must be a string`);
  return value;
}

function entryTime(value: unknown, strict: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ManagedFieldsDecodeError('time must be a string');
  if (!strict) return value;
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw new ManagedFieldsDecodeError(`invalid time ${JSON.stringify(value)}`);
  return formatTime(millis);
}

/** RFC 3339 in UTC to the second, as metav1.Time prints. */
export function formatTime(millis: number): string {
  return `${new Date(Math.floor(millis / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

function timeSeconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const millis = canonicalTimeMillis(time) ?? Date.parse(time);
  return Number.isNaN(millis) ? 0 : Math.floor(millis / 1000);
}

/**
 * `Date.parse` of the one spelling entry times have (`2024-01-31T23:59:59Z`, which metav1.Time
 * prints), read digit by digit: Date.parse itself is a general parser and costs more than the
 * rest of a sort. Undefined for anything else, which Date.parse then reads.
 */
function canonicalTimeMillis(time: string): number | undefined {
  if (time.length !== 20 || time.charCodeAt(4) !== 45 || time.charCodeAt(7) !== 45 || time.charCodeAt(10) !== 84) return undefined;
  if (time.charCodeAt(13) !== 58 || time.charCodeAt(16) !== 58 || time.charCodeAt(19) !== 90) return undefined;
  const year = digits(time, 0, 4);
  const month = digits(time, 5, 2);
  const day = digits(time, 8, 2);
  const hour = digits(time, 11, 2);
  const minute = digits(time, 14, 2);
  const second = digits(time, 17, 2);
  // Two-digit years would mean 19xx to Date.UTC; day and hour ranges as Date.parse accepts them.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The decimal number in `count` characters from `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** A fieldsV1 object from a client: elements checked and respelled, unknown kinds dropped. */
function readFieldsV1(fields: Record<string, unknown>): FieldSet {
  const read = readNode(fields);
  return read.children === undefined ? EMPTY : canonical(read.children);
}

function readNode(node: Record<string, unknown>): { children: FieldSet | undefined; member: boolean } {
  let member = false;
  let children: FieldSet | undefined;
  for (const raw in node) {
    if (raw === SELF) {
      member = true;
      continue;
    }
    const parsed = parseElement(raw);
    if (!parsed.ok) {
      if (parsed.unknown) continue;
      throw new ManagedFieldsDecodeError(`error decoding set: parsing key as path element: ${parsed.error}`);
    }
    const value = node[raw];
    let grand: FieldSet | undefined;
    let childMember: boolean;
    if (value === null || value === undefined) childMember = true;
    else if (!isObject(value)) throw new ManagedFieldsDecodeError(`error decoding set: ${raw} is not an object`);
    else {
      const inner = readNode(value);
      grand = inner.children;
      childMember = inner.member;
    }
    children ??= {};
    const existing = children[parsed.element];
    const wasMember = existing !== undefined && (isEmpty(existing) || existing[SELF] !== undefined);
    const isMemberNow = childMember || wasMember;
    // For a repeated element the last one with children wins, as in the Go reader.
    let below: FieldSet | undefined = grand;
    if (below === undefined && existing !== undefined && !isEmpty(existing)) {
      below = {};
      for (const key in existing) if (key !== SELF) below[key] = existing[key]!;
      if (isEmpty(below)) below = undefined;
    }
    if (below === undefined) children[parsed.element] = LEAF;
    else children[parsed.element] = isMemberNow ? { [SELF]: LEAF, ...below } : below;
  }
  return { children, member: member || children === undefined };
}

/** Managers → entries, sorted; undefined when there are none (the field is then omitted). */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.size === 0) return undefined;
  if (managed.size === 1) for (const record of managed.values()) return [toEntry(record)];
  // Times are parsed only when the order needs them (NaN: not yet).
  const records = [...managed.values()].map((record) => ({ record, seconds: NaN }));
  records.sort(compareRecords);
  return records.map(({ record }) => toEntry(record));
}

function secondsOf(sortable: { record: ManagerRecord; seconds: number }): number {
  if (Number.isNaN(sortable.seconds)) sortable.seconds = timeSeconds(sortable.record.time);
  return sortable.seconds;
}

function compareRecords(a: { record: ManagerRecord; seconds: number }, b: { record: ManagerRecord; seconds: number }): number {
  const p = a.record;
  const q = b.record;
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const sa = secondsOf(a);
  const sb = secondsOf(b);
  if (sa !== sb) return sa - sb;
  if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
  if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
  if (p.subresource !== q.subresource) return p.subresource < q.subresource ? -1 : 1;
  return 0;
}

function toEntry(record: ManagerRecord): ManagedFieldsEntry {
  if (record.source !== undefined) return record.source;
  const entry: ManagedFieldsEntry = {} as ManagedFieldsEntry;
  if (record.manager !== '') entry.manager = record.manager;
  entry.operation = record.operation;
  entry.apiVersion = record.apiVersion;
  if (record.time !== undefined) entry.time = record.time;
  entry.fieldsType = 'FieldsV1';
  entry.fieldsV1 = record.set;
  if (record.subresource !== '') entry.subresource = record.subresource;
  return entry;
}

