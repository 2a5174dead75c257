// JSON.parse silently keeps the last of two equal keys; kube-apiserver's strict decoder
// reports them ("duplicate field \"metadata.name\""). This scanner finds them in the raw
// body in one pass without building any value, allocating only when it finds one.

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;

// Past this many keys, one object's keys go into a Set instead of being compared pairwise.
const LINEAR_LIMIT = 32;

/** Keys of the open objects, as raw spans between the quotes. */
interface KeySpans {
  text: string;
  start: number[];
  end: number[];
}

function keyText(keys: KeySpans, k: number): string {
  const raw = keys.text.slice(keys.start[k]!, keys.end[k]!);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

function sameSpan(keys: KeySpans, a: number, b: number): boolean {
  const text = keys.text;
  const sa = keys.start[a]!;
  const sb = keys.start[b]!;
  const len = keys.end[a]! - sa;
  if (len !== keys.end[b]! - sb) return false;
  for (let j = 0; j < len; j++) if (text.charCodeAt(sa + j) !== text.charCodeAt(sb + j)) return false;
  return true;
}

/** The strict decoder's path of key slot `k`, from the open containers above it. */
function pathTo(keys: KeySpans, isObject: boolean[], current: number[], depth: number, k: number): string {
  let path = '';
  for (let d = 0; d < depth - 1; d++) {
    if (isObject[d]) path += (path === '' ? '' : '.') + keyText(keys, current[d]!);
    else path += `[${current[d]}]`;
  }
  const key = keyText(keys, k);
  return path === '' ? key : `${path}.${key}`;
}

/** Compares key slot `k` with the earlier keys `first..k-1` of its object, decoding escapes. */
function slowMatch(keys: KeySpans, first: number, k: number): boolean {
  const name = keyText(keys, k);
  for (let other = first; other < k; other++) if (keyText(keys, other) === name) return true;
  return false;
}

function keySet(keys: KeySpans, first: number, last: number): Set<string> {
  const s = new Set<string>();
  for (let k = first; k <= last; k++) s.add(keyText(keys, k));
  return s;
}

/**
 * Paths of fields that occur more than once in their object, in the notation of the strict
 * decoder ("metadata.name", "spec.containers[0].image", map keys as ".key"), in document order,
 * each once. Assumes `jsonText` is valid JSON (parse it first); never throws on bad input.
 */
export function findDuplicateJsonFields(jsonText: string): string[] {
  const text = jsonText;
  const n = text.length;
  const keys: KeySpans = { text, start: [], end: [] };
  const keyStart = keys.start;
  const keyEnd = keys.end;
  // A cheap fingerprint per key (length and three characters): unequal keys almost always
  // differ in it, so one integer comparison replaces a character-by-character one.
  const keyPrint: number[] = [];
  let keyCount = 0;
  let escapedKeys = false;
  // Open containers: object or array, first key slot, current key slot or element index.
  const isObject: boolean[] = [];
  const base: number[] = [];
  const current: number[] = [];
  let sets: (Set<string> | undefined)[] | undefined;
  let depth = 0;
  let expectKey = false;
  let found: string[] | undefined;
  // Position of the next backslash at or after the scan point: tells in O(1) whether a key
  // contains an escape, without rescanning it.
  let nextBackslash = text.indexOf('\\');

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // indexOf is native and much faster per character than a charCodeAt loop.
      let j = text.indexOf('"', i + 1);
      while (j > 0 && text.charCodeAt(j - 1) === BACKSLASH) {
        let slashes = 1;
        while (text.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
        if ((slashes & 1) === 0) break;
        j = text.indexOf('"', j + 1);
      }
      if (j < 0) j = n;
      if (expectKey) {
        expectKey = false;
        const top = depth - 1;
        const first = base[top]!;
        const k = keyCount++;
        const len = j - i - 1;
        const print = len === 0 ? 0 : (len << 21) ^ (text.charCodeAt(i + 1) << 14) ^ (text.charCodeAt(j - 1) << 7) ^ text.charCodeAt(i + 1 + (len >> 1));
        keyStart[k] = i + 1;
        keyEnd[k] = j;
        keyPrint[k] = print;
        current[top] = k;
        if (nextBackslash >= 0 && nextBackslash < i) nextBackslash = text.indexOf('\\', i);
        if (nextBackslash >= 0 && nextBackslash < j) escapedKeys = true;
        let dup = false;
        const set = sets?.[top];
        if (set !== undefined) {
          const name = keyText(keys, k);
          dup = set.has(name);
          set.add(name);
        } else {
          if (escapedKeys) dup = slowMatch(keys, first, k);
          else {
            for (let other = first; other < k; other++) {
              if (keyPrint[other] === print && sameSpan(keys, other, k)) {
                dup = true;
                break;
              }
            }
          }
          if (k - first >= LINEAR_LIMIT) (sets ??= [])[top] = keySet(keys, first, k);
        }
        if (dup) (found ??= []).push(pathTo(keys, isObject, current, depth, k));
      }
      i = j + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      isObject[depth] = c === OPEN_OBJECT;
      base[depth] = keyCount;
      current[depth] = 0;
      if (sets !== undefined) sets[depth] = undefined;
      depth++;
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) {
        depth--;
        keyCount = base[depth]!;
        if (sets !== undefined) sets[depth] = undefined;
      }
      expectKey = false;
    } else if (c === COMMA && depth > 0) {
      if (isObject[depth - 1]) expectKey = true;
      else current[depth - 1] = current[depth - 1]! + 1;
    }
    i++;
  }
  if (found === undefined) return [];
  return found.length > 1 ? [...new Set(found)] : found;
}
