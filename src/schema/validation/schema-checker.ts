// The decode step of kube-apiserver, replayed on an already parsed body: Go's JSON decoder
// into the typed struct (type mismatches, unknown and duplicate fields) followed by what Go
// would re-encode (unknown fields gone, null as absent, empty omitempty collections dropped,
// quantities and times canonical), plus the schema's required fields for validation.
import type { FieldError } from '../../apierrors/field-errors.js';
import { createSchemaCompiler, NodeKind } from './compile-schema.js';
import { DecodeWalk, withYamlErrors } from './decode-walk.js';
import { createFastPathCompiler, FAIL } from './fast-path.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeCheckResult {
  /** Go's decode error first (400 "<Kind> in version … cannot be handled as a <Kind>: <it>"). */
  decodeErrors: string[];
  /** Strict-decoding messages for the mode: Strict joins them after "strict decoding error: ", Warn sends each as a warning; empty for Ignore. */
  strictErrors: string[];
  /** Fields the schema requires but the object lacks (422 Invalid causes). */
  requiredErrors: FieldError[];
}

export interface CheckOptions {
  mode: FieldValidationMode;
  /** JSON bodies: the output of findDuplicateJsonFields. */
  duplicateFields?: string[];
  /**
   * YAML bodies: parseYamlStrict(...).duplicateKeyErrors. Marks the body as YAML, which the real
   * server reports differently (go-yaml's "line N: key … already set in map", unknown fields in
   * sorted-key order); then `duplicateFields` is not used.
   */
  yamlDuplicateKeyErrors?: string[];
}

export interface SchemaChecker {
  /** Checks and normalizes `obj` in place (drops unknown fields unless Strict, drops nulls/empty omitempty values). */
  check(definitionName: string, obj: Record<string, unknown>, opts: CheckOptions): DecodeCheckResult;
}

/** A checker over one spec's definitions; each definition is compiled on first use and cached. */
export function createSchemaChecker(definitions: Record<string, unknown>): SchemaChecker {
  const compiler = createSchemaCompiler(definitions);
  const fastPath = createFastPathCompiler();
  const walk = new DecodeWalk();
  return {
    check(definitionName, obj, opts) {
      const node = compiler.definition(definitionName);
      if (!node || node.kind !== NodeKind.Struct) throw new Error(`no object definition ${JSON.stringify(definitionName)} in the OpenAPI spec`);
      // Duplicates are matched by path, which only the walk knows; otherwise try the fast path.
      const duplicates = opts.mode !== 'Ignore' && opts.yamlDuplicateKeyErrors === undefined && (opts.duplicateFields?.length ?? 0) > 0;
      if (!duplicates && fastPath.fnFor(node)(obj, opts.mode === 'Ignore') !== FAIL) {
        return { decodeErrors: [], strictErrors: withYamlErrors(opts, []), requiredErrors: [] };
      }
      walk.begin(opts);
      walk.struct(node, obj);
      if (walk.fatal !== undefined || walk.saved.length > 0) {
        return { decodeErrors: walk.fatal !== undefined ? [walk.fatal] : walk.saved, strictErrors: [], requiredErrors: [] };
      }
      return { decodeErrors: [], strictErrors: walk.strictResult(opts), requiredErrors: walk.required };
    },
  };
}
