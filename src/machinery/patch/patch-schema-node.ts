// How strategic merge patch asks "what is this field?". The schema package builds these nodes from
// the OpenAPI spec (x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key); tests can write
// them by hand. A node describes one JSON object (a struct, or a map whose values share a schema).

export type PatchStrategy = 'merge' | 'replace';

/** Everything strategic merge patch needs to know about one field of an object. */
export interface PatchFieldSchema {
  /**
   * 'merge': a list merges (by `mergeKey` for lists of objects, as a union for primitives);
   * 'replace': a map is replaced wholesale; undefined: maps merge recursively, lists are replaced.
   */
  readonly strategy: PatchStrategy | undefined;
  /** Declared `retainKeys`; informational: the server only acts on a `$retainKeys` directive in the patch. */
  readonly retainKeys: boolean;
  readonly mergeKey: string | undefined;
  /**
   * The node describing the field's value when it is an object, or each element when it is a list of
   * objects; undefined for primitives and free-form values (RawExtension, preserve-unknown-fields, …).
   */
  readonly schema: PatchSchemaNode | undefined;
}

export interface PatchSchemaNode {
  /** The field called `name`, or undefined when the schema does not describe it (merge-patch fallback). */
  field(name: string): PatchFieldSchema | undefined;
}

/**
 * Parses an `x-kubernetes-patch-strategy` value: "merge", "replace", "retainKeys" or "merge,retainKeys".
 * Values outside that vocabulary carry no strategy.
 */
export function parsePatchStrategy(value: unknown): { strategy: PatchStrategy | undefined; retainKeys: boolean } {
  if (typeof value !== 'string' || value === '') return { strategy: undefined, retainKeys: false };
  let strategy: PatchStrategy | undefined;
  let retainKeys = false;
  for (const part of value.split(',')) {
    if (part === 'retainKeys') retainKeys = true;
    else if (part === 'merge' || part === 'replace') strategy = part;
  }
  return { strategy, retainKeys };
}
