// Listing at an older revision without keeping old snapshots: take the current state and undo,
// per key, everything the event log recorded after the wanted revision. The earliest newer
// event of a key tells what the key held at that revision (nothing, for ADDED; else the
// object at the event's previous modRevision).
import type { StorageEventType } from '../types.js';

/** What a key held at some revision. `value` is filled in by backends that keep values in memory. */
export interface KeyState {
  createRevision: number;
  modRevision: number;
  value?: string;
}

export class Rollback {
  /** key → state at the target revision; null: the key did not exist then. */
  private readonly states = new Map<string, KeyState | null>();
  private sortedKeys: string[] | undefined;

  /** Feed events newer than the target revision in ascending revision order. */
  note(key: string, type: StorageEventType, createRevision: number, prevModRevision: number, prevValue?: string): void {
    if (this.states.has(key)) return;
    this.states.set(key, type === 'ADDED' ? null : { createRevision, modRevision: prevModRevision, value: prevValue });
    this.sortedKeys = undefined;
  }

  get isEmpty(): boolean {
    return this.states.size === 0;
  }

  has(key: string): boolean {
    return this.states.has(key);
  }

  /**
   * Merges the current keys (ascending, already restricted to the wanted range) with the rolled
   * back ones, yielding what existed at the target revision, in key order. Rolled-back keys are
   * limited to those > `startAfter` and < `end`.
   */
  *overlay<T extends KeyState>(
    current: Iterable<[string, T]>,
    startAfter: string,
    end: string | undefined,
  ): Generator<[string, KeyState]> {
    const rolled = (this.sortedKeys ??= [...this.states.keys()].sort());
    let r = 0;
    while (r < rolled.length && rolled[r]! <= startAfter) r++;
    for (const entry of current) {
      const key = entry[0];
      for (; r < rolled.length && rolled[r]! < key; r++) {
        const state = this.states.get(rolled[r]!);
        if (state && (end === undefined || rolled[r]! < end)) yield [rolled[r]!, state];
      }
      if (r < rolled.length && rolled[r] === key) {
        r++;
        const state = this.states.get(key);
        if (state) yield [key, state];
        continue;
      }
      yield entry;
    }
    for (; r < rolled.length; r++) {
      const key = rolled[r]!;
      if (end !== undefined && key >= end) break;
      const state = this.states.get(key);
      if (state) yield [key, state];
    }
  }
}
