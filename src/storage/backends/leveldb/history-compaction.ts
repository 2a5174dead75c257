// Deleting event-log history at and below a compacted revision C.
//
// Values live only under their revision (records.ts), so compaction must keep, for every key,
// its newest event at or below C unless that is a deletion: that "floor" is the key's value as
// of C, needed to list at C and as prevValue of the key's next event. What an event makes
// obsolete is therefore exactly: the event at its prevModRevision (superseded) and, for a
// deletion, the deletion itself. Walking the event headers in (from, C] and deleting those
// covers everything that became obsolete since the previous compaction, including the floors
// it left.
import type { Level } from 'level';
import { decodeHeader, headerKey, revisionOfKey, valueKey } from './records.js';

type LevelDb = Level<string, string>;

const READ_CHUNK = 1024;
const DELETE_BATCH = 2048;

/**
 * Deletes obsolete history for events in (from, to]. Returns false if it stopped early because
 * `shouldStop()` turned true between chunks. Idempotent: after an interruption, running the
 * same range again deletes what is left. Order matters for that: an event's own records are
 * deleted in the same or a later batch than its predecessor's, so a resumed run that no longer
 * sees an event has nothing left to do for it.
 */
export async function compactHistory(db: LevelDb, from: number, to: number, shouldStop: () => boolean): Promise<boolean> {
  const iterator = db.iterator({ gt: headerKey(from), lte: headerKey(to) });
  let deletions: { type: 'del'; key: string }[] = [];
  const drop = (revision: number) => {
    deletions.push({ type: 'del', key: headerKey(revision) }, { type: 'del', key: valueKey(revision) });
  };
  try {
    for (;;) {
      if (shouldStop()) return false;
      const entries = await iterator.nextv(READ_CHUNK);
      if (entries.length === 0) break;
      for (const [dbKey, text] of entries) {
        const header = decodeHeader(text);
        if (header.prevModRevision > 0) drop(header.prevModRevision);
        if (header.type === 'DELETED') drop(revisionOfKey(dbKey));
      }
      if (deletions.length >= DELETE_BATCH) {
        await db.batch(deletions);
        deletions = [];
      }
    }
    if (deletions.length > 0) await db.batch(deletions);
    return true;
  } finally {
    await iterator.close();
  }
}
