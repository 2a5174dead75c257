// The JSON text a backend stores for an object, as Go's encoding/json writes it: kube-apiserver's
// objects reach clients with `<`, `>` and `&` escaped, and so do kubemu's, served from these bytes.
//
// Most of a small object's JSON nesting is its managed fields (a pod's fieldsV1 holds more objects
// than the rest of it), and creates of one shape share one frozen field set
// (registry/managed-fields/created-fields-cache.ts): its text is written once and spliced in,
// rather than serialized again with every object.
import { goJsonEscape } from '../machinery/go-json-text.js';

/**
 * Texts of frozen values, by value. Shared by every server in the process, which is safe: a text
 * is a function of its frozen value alone, and a value no longer used takes its text with it.
 */
const knownTexts = new WeakMap<object, string>();

/** Records the JSON text of a frozen value, for objectJson to splice in wherever the value is a field set. */
export function rememberJsonText(value: object, text: string): void {
  if (Object.isFrozen(value)) knownTexts.set(value, text);
}

/** Stands for a field set while the rest is serialized: JSON escapes the NUL, so the text is unambiguous. */
const placeholder = (i: number) => `\u0000fieldsV1 ${i}`;

/** `JSON.stringify(obj)` escaped as Go escapes it, with the known texts of its managed fields' sets spliced in. */
export function objectJson(obj: Record<string, unknown>): string {
  return goJsonEscape(spliced(obj));
}

function spliced(obj: Record<string, unknown>): string {
  const meta = obj.metadata as { managedFields?: unknown } | undefined;
  const entries = meta?.managedFields;
  if (!Array.isArray(entries)) return JSON.stringify(obj);
  let swapped: { entry: Record<string, unknown>; set: object; text: string; mark: string }[] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Record<string, unknown> | null;
    const set = entry?.fieldsV1;
    if (typeof set !== 'object' || set === null || Object.isFrozen(entry)) continue;
    const text = knownTexts.get(set);
    if (text === undefined) continue;
    (swapped ??= []).push({ entry: entry!, set, text, mark: JSON.stringify(placeholder(i)) });
    entry!.fieldsV1 = placeholder(i);
  }
  if (swapped === undefined) return JSON.stringify(obj);
  let json: string;
  try {
    json = JSON.stringify(obj);
  } finally {
    for (const s of swapped) s.entry.fieldsV1 = s.set;
  }
  let out = '';
  let from = 0;
  for (const s of swapped) {
    const at = json.indexOf(s.mark, from);
    // A string of the object's own that reads like a placeholder: serialize it all the plain way.
    if (at < 0 || json.indexOf(s.mark, at + s.mark.length) >= 0) return JSON.stringify(obj);
    out += json.slice(from, at) + s.text;
    from = at + s.mark.length;
  }
  return out + json.slice(from);
}
