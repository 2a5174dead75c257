// Pod template hashes (controller.ComputeHash): a ReplicaSet of a Deployment is named
// <deployment>-<hash of the pod template> and its pods carry the hash as a label; DaemonSet
// revisions are named by it too. Upstream hashes Go's dump of the template
// (FNV-32a, plus the collision count) and spells the decimal number in a vowel-free alphabet; we
// hash the template's canonical JSON the same way, so hashes look alike and are stable.
import type { PodTemplateSpec } from '../../machinery/api-types.js';

export const podTemplateHashLabel = 'pod-template-hash';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function computeTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined) {
    const extra = Buffer.alloc(4);
    extra.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(extra, h);
  }
  // rand.SafeEncodeString(fmt.Sprint(hash)): each character of the decimal number, mapped.
  return [...String(h)].map((ch) => safeAlphabet[ch.charCodeAt(0) % safeAlphabet.length]).join('');
}

/** Equal pod templates once the pod-template-hash label is left out (Go's semantic equality: nil and empty alike). */
export function equalIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined) => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel];
    return canonicalJson(copy);
  };
  return strip(a) === strip(b);
}

// Sorted keys; nulls and empty maps and lists dropped, as Go's semantic equality does not tell them apart.
function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'null';
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalize(v) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[k]);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}
