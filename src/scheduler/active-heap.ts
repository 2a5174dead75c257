// activeQ's order (PrioritySort: higher priority first, then the longest waiting) as a binary
// heap, so taking the head costs log n rather than a scan of every waiting pod — a Deployment of
// thousands queues them all at once. Entries are never removed from the middle: one the queue has
// since dropped or re-added is skipped when it reaches the top (`isCurrent`).

export class ActiveHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** The first item still current, removing it and every stale item above it. */
  popCurrent(isCurrent: (item: T) => boolean): T | undefined {
    while (this.items.length) {
      const top = this.removeTop();
      if (isCurrent(top)) return top;
    }
    return undefined;
  }

  clear(): void {
    this.items.length = 0;
  }

  private removeTop(): T {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l]!, items[best]!)) best = l;
        if (r < items.length && this.before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}
