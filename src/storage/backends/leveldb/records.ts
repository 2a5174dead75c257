// The LevelDB key layout and record encodings.
//
//   o<key>        → "<createRevision> <modRevision>"        one per live key
//   h<revision>   → "<T><createRevision> <prevModRevision> <key>"   the event log (T: A, M, D)
//   v<revision>   → the object JSON written at that revision (for D: the deleted object,
//                   stamped with the deletion revision)
//   m:revision    → the revision of the last committed write
//   m:compacted   → the compacted revision
//   m:compacting  → "<from> <to>" while a compaction is deleting history (resumed at open)
//
// Each object's JSON is written once, under its revision; the object row only points at it.
// That halves the bytes per write against storing the object and its event separately, and
// makes the log the single source of values: the current value of a key is v<modRevision>, the
// value before an event v<prevModRevision>. Compaction keeps those (history-compaction.ts).
// Event headers sit apart from values so that compaction and listing at an old revision read
// a few bytes per event, not the objects. Revisions are zero-padded: byte order = numeric order.
import type { StorageEventType } from '../../types.js';

export const REVISION_KEY = 'm:revision';
export const COMPACTED_KEY = 'm:compacted';
export const COMPACTING_KEY = 'm:compacting';

export const OBJECT_PREFIX = 'o';
const HEADER_PREFIX = 'h';
const VALUE_PREFIX = 'v';

const REVISION_DIGITS = 16;

export function objectKey(key: string): string {
  return OBJECT_PREFIX + key;
}

export function headerKey(revision: number): string {
  return HEADER_PREFIX + String(revision).padStart(REVISION_DIGITS, '0');
}

export function valueKey(revision: number): string {
  return VALUE_PREFIX + String(revision).padStart(REVISION_DIGITS, '0');
}

/** The revision in a header or value key. */
export function revisionOfKey(dbKey: string): number {
  return Number(dbKey.slice(1));
}

export interface ObjectPointer {
  createRevision: number;
  modRevision: number;
}

export function encodePointer(createRevision: number, modRevision: number): string {
  return `${createRevision} ${modRevision}`;
}

export function decodePointer(text: string): ObjectPointer {
  const space = text.indexOf(' ');
  return { createRevision: Number(text.slice(0, space)), modRevision: Number(text.slice(space + 1)) };
}

const TYPE_CODE: Record<StorageEventType, string> = { ADDED: 'A', MODIFIED: 'M', DELETED: 'D' };
const CODE_TYPE: Record<string, StorageEventType> = { A: 'ADDED', M: 'MODIFIED', D: 'DELETED' };

export interface EventHeader {
  type: StorageEventType;
  key: string;
  createRevision: number;
  /** The key's modRevision before this event; 0 for ADDED. */
  prevModRevision: number;
}

export function encodeHeader(type: StorageEventType, key: string, createRevision: number, prevModRevision: number): string {
  return `${TYPE_CODE[type]}${createRevision} ${prevModRevision} ${key}`;
}

export function decodeHeader(text: string): EventHeader {
  const s1 = text.indexOf(' ');
  const s2 = text.indexOf(' ', s1 + 1);
  const type = CODE_TYPE[text[0]!];
  if (!type || s1 < 0 || s2 < 0) throw new Error(`corrupt event record: ${JSON.stringify(text.slice(0, 80))}`);
  return {
    type,
    createRevision: Number(text.slice(1, s1)),
    prevModRevision: Number(text.slice(s1 + 1, s2)),
    key: text.slice(s2 + 1),
  };
}
