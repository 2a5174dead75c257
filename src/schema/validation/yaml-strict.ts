// YAML request bodies, read as kube-apiserver reads them (sigs.k8s.io/yaml over go-yaml v2):
// YAML 1.1 scalars (yes/no/on/off are booleans, 0777 is octal) but timestamps and base-60
// numbers stay strings; the first document only; a repeated key keeps the last value and is
// reported in go-yaml's strict wording, with its line.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode, type Tags } from 'yaml';
import { goSyntaxValue } from './go-quote.js';

export interface YamlParseResult {
  /** The first document as plain JSON-compatible data (null for an empty body). */
  value: unknown;
  /** Paths of repeated keys, in the notation of findDuplicateJsonFields ("metadata.name"). */
  duplicateFields: string[];
  /** go-yaml's strict messages, e.g. `line 5: key "name" already set in map`, in its order. */
  duplicateKeyErrors: string[];
}

/** A body that is not YAML at all; the message follows sigs.k8s.io/yaml's prefix. */
export class YamlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

// go-yaml v2 keeps these as strings when decoding into interface{} (and has no base 60).
function goYamlTags(tags: Tags): Tags {
  return tags.filter((t) => {
    if (typeof t !== 'object' || t === null) return true;
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.tag !== 'tag:yaml.org,2002:binary' && tag.format !== 'TIME';
  });
}

const parseOptions = { uniqueKeys: false, version: '1.1', customTags: goYamlTags, prettyErrors: true } as const;

/** Parses a YAML body; repeated keys are reported, never thrown. Throws YamlSyntaxError on bad syntax. */
export function parseYamlStrict(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { ...parseOptions, lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [];
  const doc = docs[0];
  if (!doc) return { value: null, duplicateFields: [], duplicateKeyErrors: [] };
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlSyntaxError(`error converting YAML to JSON: yaml: line ${line}: ${message}`);
  }
  const duplicateFields: string[] = [];
  const duplicateKeyErrors: string[] = [];
  if (doc.contents) collectDuplicates(doc.contents, '', lineCounter, duplicateFields, duplicateKeyErrors);
  return { value: doc.toJS({ maxAliasCount: 100 }) ?? null, duplicateFields, duplicateKeyErrors };
}

function keyIdentity(key: unknown): string {
  // go-yaml compares decoded keys: the int 1 and the string "1" are different keys.
  return `${typeof key}:${String(key)}`;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function collectDuplicates(node: YamlNode, path: string, lines: LineCounter, fields: string[], errors: string[]): void {
  if (isAlias(node)) return;
  if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && typeof item === 'object') collectDuplicates(item as YamlNode, `${path}[${i}]`, lines, fields, errors);
    });
    return;
  }
  if (!isMap(node)) return;
  const seen = new Set<string>();
  for (const pair of node.items) {
    const keyNode = pair.key as YamlNode | null;
    const key = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : String(keyNode);
    if (isScalar(keyNode) && keyNode.source === '<<' && keyNode.type === 'PLAIN') continue; // merge key
    const fieldPath = childPath(path, key === null ? '' : String(key));
    const valueNode = pair.value as YamlNode | null;
    // go-yaml decodes the value before it notices the key was already set.
    if (valueNode && typeof valueNode === 'object') collectDuplicates(valueNode, fieldPath, lines, fields, errors);
    const identity = keyIdentity(key);
    if (!seen.has(identity)) {
      seen.add(identity);
      continue;
    }
    const at = valueNode?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
    errors.push(`line ${lines.linePos(at).line}: key ${goSyntaxValue(key)} already set in map`);
    fields.push(fieldPath);
  }
}
