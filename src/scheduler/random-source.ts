// Where the scheduler's randomness comes from: breaking ties between equally scored nodes. Tests
// pass a seeded source so placements repeat; the server seeds from the OS.
import { randomInt } from 'node:crypto';

/** A number in [0, 1). */
export type RandomSource = () => number;

/** mulberry32: small, fast and good enough to pick among a handful of nodes. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function osSeededRandom(): RandomSource {
  return seededRandom(randomInt(2 ** 32));
}
