// Stable pseudo-random numbers for the simulated metrics: the same inputs (an object's uid, a
// container name, a scrape number) always give the same value, so `kubectl top` shows figures
// that differ between containers and move between scrapes, yet every test sees the same ones.

/** A fraction in [0, 1) from the parts (FNV-1a, 32 bits). */
export function stableFraction(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // FNV's low bits mix poorly for short inputs: fold in a final avalanche (murmur3's fmix32).
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 0x1_0000_0000;
}

/** A factor in [1 - spread, 1 + spread) from the parts. */
export function jitterFactor(spread: number, ...parts: readonly (string | number)[]): number {
  return 1 + spread * (2 * stableFraction(...parts) - 1);
}
