// Typed reads of decoded JSON. Validation runs on objects the schema layer has already checked,
// but these readers never throw on a surprising shape: a wrong type reads as "absent".

export type JsonRecord = Record<string, unknown>;

export function record(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

const emptyRecord: JsonRecord = Object.freeze({}) as JsonRecord;

/** The record, or a shared frozen empty one, so callers can read fields without null checks. */
export function recordOrEmpty(value: unknown): JsonRecord {
  return record(value) ?? emptyRecord;
}

const emptyList: readonly unknown[] = Object.freeze([]);

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : emptyList;
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function optStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A string map (labels, annotations, data); non-string values are read as their JSON text. */
export function stringMap(value: unknown): [string, string][] {
  const r = record(value);
  if (!r) return [];
  const out: [string, string][] = [];
  for (const k in r) {
    const v = r[k];
    out.push([k, typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v)]);
  }
  return out;
}

export function mapSize(value: unknown): number {
  const r = record(value);
  if (!r) return 0;
  let n = 0;
  for (const _ in r) n++;
  return n;
}
