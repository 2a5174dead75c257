// The grammar of go-field-rules.ts, apart from the protobuf code that also reads it: the JSON
// encoding of API objects needs the same facts without loading a protobuf library.

/**
 * What Go prints for a field, derived from its Go type and json tag (see go-field-rules.ts).
 * - pointer: absent → no key; present → printed, even when zero (also repeated and map fields)
 * - omitZero: value with omitempty; zero → no key
 * - always: value without omitempty; absent → the zero value is printed
 * - nullable: pointer, slice or map without omitempty; absent → null
 * - struct: struct value; absent → the struct's zero JSON is printed
 */
export type Presence = 'pointer' | 'omitZero' | 'always' | 'nullable' | 'struct';

export interface FieldRule {
  presence: Presence;
  /** The field's struct is merged into its parent's JSON object (Go `json:",inline"`). */
  inline: boolean;
  /** The Go json name, where it is not the proto field name. */
  jsonName?: string;
}

const PRESENCE_CODES: Readonly<Record<string, Presence>> = { '?': 'omitZero', '!': 'always', '~': 'nullable', $: 'struct' };

/** Parses one message's rule string ("replicas? selector~ volumeSource^ Name!=name"), keyed by proto field name. */
export function parseFieldRules(rule: string): Map<string, FieldRule> {
  const parsed = new Map<string, FieldRule>();
  for (const token of rule.split(' ')) {
    const m = /^(\w+)([?!~$^]?)(?:=(\w+))?$/.exec(token);
    if (!m) throw new Error(`bad go field rule token ${JSON.stringify(token)}`);
    const [, name, code, jsonName] = m;
    parsed.set(name!, {
      presence: code === '^' || code === '' ? 'pointer' : PRESENCE_CODES[code!]!,
      inline: code === '^',
      ...(jsonName ? { jsonName } : {}),
    });
  }
  return parsed;
}

/** `io.k8s.api.apps.v1.Deployment` (OpenAPI definition) → `k8s.io.api.apps.v1.Deployment` (proto message). */
export function protoMessageName(definitionName: string): string {
  return definitionName.startsWith('io.k8s.') ? `k8s.io.${definitionName.slice('io.k8s.'.length)}` : definitionName;
}
