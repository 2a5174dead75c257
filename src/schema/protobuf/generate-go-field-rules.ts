// Regenerates go-field-rules.ts. Not used at run time and not a test.
//
//   node dist/src/schema/protobuf/generate-go-field-rules.js <kubectl binary> [protoDir]
//
// Why: a Kubernetes object decoded from protobuf must become the JSON Go would print for it,
// and that depends on facts the .proto files do not carry: whether the Go field is a pointer
// (an explicit `replicas: 0` survives) or a value with `omitempty` (an empty `generateName`
// disappears), whether the field is inlined into its parent's JSON, and its JSON name. Go keeps
// every struct field's type and tags as reflection metadata, even in a stripped binary, so this
// tool reads them from kubectl (an ELF amd64 Go ≥1.22 binary), matches each struct to its proto
// message by package and name, and writes one compact rule string per message.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkoutRoot, locateProtoDir, locateSpec } from '../spec-files.js';
import { createProtoSchema, listKubernetesProtoFiles, messageTypeOf, type ProtoType } from './proto-schema.js';
import { SPECIAL_MESSAGES, specialKindOf } from './special-messages.js';

interface GoField {
  name: string;
  tag: string;
  typeName: string;
  kind: number;
  embedded: boolean;
}
interface GoStruct {
  pkgPath: string;
  name: string;
  fields: GoField[];
}

// reflect.Kind values used below.
const KIND_BOOL = 1, KIND_FLOAT64 = 14, KIND_MAP = 21, KIND_PTR = 22, KIND_SLICE = 23, KIND_STRING = 24, KIND_STRUCT = 25;

/** Reads every reachable struct type that has protobuf-tagged fields from a Go ELF binary. */
function readGoStructs(binary: Buffer): GoStruct[] {
  const shoff = Number(binary.readBigUInt64LE(0x28));
  const shentsize = binary.readUInt16LE(0x3a);
  const shnum = binary.readUInt16LE(0x3c);
  const shstrndx = binary.readUInt16LE(0x3e);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return {
      nameOffset: binary.readUInt32LE(o),
      type: binary.readUInt32LE(o + 4),
      addr: Number(binary.readBigUInt64LE(o + 0x10)),
      offset: Number(binary.readBigUInt64LE(o + 0x18)),
      size: Number(binary.readBigUInt64LE(o + 0x20)),
      name: '',
    };
  });
  const strtab = sections[shstrndx]!;
  for (const s of sections) {
    const start = strtab.offset + s.nameOffset;
    s.name = binary.toString('latin1', start, binary.indexOf(0, start));
  }
  const rodata = sections.find((s) => s.name === '.rodata');
  const typelink = sections.find((s) => s.name === '.typelink');
  if (!rodata || !typelink) throw new Error('not a Go ELF binary with .rodata and .typelink sections');
  const NOBITS = 8;
  const fileOffset = (addr: number): number => {
    for (const s of sections) {
      if (s.addr && s.type !== NOBITS && addr >= s.addr && addr < s.addr + s.size) return s.offset + (addr - s.addr);
    }
    throw new Error(`address 0x${addr.toString(16)} is not in a loaded section`);
  };
  // Type and name offsets are relative to the start of the type data, the start of .rodata.
  const base = rodata.addr;
  const u64 = (addr: number) => Number(binary.readBigUInt64LE(fileOffset(addr)));
  const i32 = (addr: number) => binary.readInt32LE(fileOffset(addr));
  const varint = (p: number): [number, number] => {
    let value = 0, shift = 0, b: number;
    do {
      b = binary[p++]!;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return [value, p];
  };
  const readName = (addr: number) => {
    let p = fileOffset(addr);
    const flags = binary[p++]!;
    const [len, q] = varint(p);
    const name = binary.toString('utf8', q, q + len);
    let tag = '';
    if (flags & 2) {
      const [tagLen, r] = varint(q + len);
      tag = binary.toString('utf8', r, r + tagLen);
    }
    return { name, tag, embedded: (flags & 4) !== 0 };
  };
  // abi.Type: size, ptrdata (8+8), hash (4), tflag, align, fieldAlign, kind (1 each),
  // equal, gcdata (8+8), str nameOff (4), ptrToThis typeOff (4) = 48 bytes.
  const tflagOf = (t: number) => binary[fileOffset(t + 20)]!;
  const kindOf = (t: number) => binary[fileOffset(t + 23)]! & 0x1f;
  const typeString = (t: number) => {
    const s = readName(base + i32(t + 40)).name;
    return tflagOf(t) & 2 ? s.slice(1) : s;
  };

  const seen = new Set<number>();
  const queue: number[] = [];
  const push = (t: number) => {
    if (t && !seen.has(t)) {
      seen.add(t);
      queue.push(t);
    }
  };
  for (let i = 0; i < typelink.size; i += 4) push(base + binary.readInt32LE(typelink.offset + i));

  const structs: GoStruct[] = [];
  while (queue.length > 0) {
    const t = queue.pop()!;
    let kind: number;
    try {
      kind = kindOf(t);
    } catch {
      continue;
    }
    const ptrToThis = i32(t + 44);
    if (ptrToThis) push(base + ptrToThis);
    if (kind === KIND_PTR || kind === KIND_SLICE || kind === 17 /* array */ || kind === 18 /* chan */) push(u64(t + 48));
    if (kind === KIND_MAP) {
      push(u64(t + 48));
      push(u64(t + 56));
    }
    if (kind !== KIND_STRUCT) continue;
    // structType: abi.Type, pkgPath name (8), fields slice (8+8+8); uncommonType follows.
    const fieldsAddr = u64(t + 56);
    const count = u64(t + 64);
    const pkgPath = tflagOf(t) & 1 ? readName(base + i32(t + 80)).name : '';
    const fields: GoField[] = [];
    for (let i = 0; i < count; i++) {
      const f = fieldsAddr + i * 24;
      const name = readName(u64(f));
      const ft = u64(f + 8);
      push(ft);
      fields.push({ name: name.name, tag: name.tag, typeName: typeString(ft), kind: kindOf(ft), embedded: name.embedded });
    }
    if (fields.some((f) => f.tag.includes('protobuf:"'))) structs.push({ pkgPath, name: typeString(t).split('.').pop()!, fields });
  }
  return structs;
}

interface Token {
  code: '' | '?' | '!' | '~' | '$' | '^';
  jsonName?: string;
}

function tokenFor(field: GoField, protoName: string, protoCollection: boolean): Token {
  const json = /json:"([^"]*)"/.exec(field.tag)?.[1] ?? '';
  const [jsonName = '', ...options] = json.split(',');
  const omitEmpty = options.includes('omitempty');
  if (options.includes('inline') || (field.embedded && jsonName === '')) return { code: '^' };
  let code: Token['code'] = '';
  if (field.kind === KIND_PTR) code = omitEmpty ? '' : '~';
  else if (field.kind === KIND_STRUCT) code = '$';
  else if (field.kind === KIND_SLICE || field.kind === KIND_MAP) {
    // bytes and list-alias messages can be present yet empty; repeated and map fields cannot.
    if (!omitEmpty) code = '~';
    else if (!protoCollection) code = '?';
  } else if ((field.kind >= KIND_BOOL && field.kind <= KIND_FLOAT64) || field.kind === KIND_STRING) code = omitEmpty ? '?' : '!';
  const name = jsonName === '' ? field.name : jsonName;
  return name === protoName ? { code } : { code, jsonName: name };
}

function serialize(fields: Map<string, Token>): string {
  const parts: string[] = [];
  for (const [name, token] of fields) {
    if (token.code !== '' || token.jsonName) parts.push(`${name}${token.code}${token.jsonName ? `=${token.jsonName}` : ''}`);
  }
  return parts.join(' ');
}

function main(): void {
  const [kubectl, protoDirArg] = process.argv.slice(2);
  if (!kubectl) throw new Error('usage: generate-go-field-rules <kubectl binary> [protoDir]');
  const protoDir = protoDirArg ?? locateProtoDir();
  const swagger = JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
  const version = (JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string } })
    .clientVersion.gitVersion;
  const byMessage = new Map<string, GoStruct>();
  for (const s of readGoStructs(readFileSync(kubectl))) {
    if (s.pkgPath.startsWith('k8s.io/')) byMessage.set(`${s.pkgPath.replaceAll('/', '.')}.${s.name}`, s);
  }
  const schema = createProtoSchema(protoDir);
  const types = new Map<string, ProtoType>();
  for (const file of listKubernetesProtoFiles(protoDir)) {
    const pkg = dirname(file).replaceAll('/', '.');
    for (const [, messageName] of readFileSync(join(protoDir, file), 'utf8').matchAll(/^message (\w+) \{/gm)) {
      const fullName = `${pkg}.${messageName}`;
      const type = schema.lookup(file, fullName);
      if (type && !SPECIAL_MESSAGES.has(fullName) && !specialKindOf(type)) types.set(fullName, type);
    }
  }

  // 1. What kubectl's Go types say.
  const tokens = new Map<string, Map<string, Token>>();
  for (const [fullName, type] of types) {
    const go = byMessage.get(fullName);
    if (!go) continue;
    const fields = new Map<string, Token>();
    for (const field of type.fieldsArray) {
      const goField = go.fields.find((f) => new RegExp(`protobuf:"[a-z0-9]+,${field.id},`).test(f.tag));
      // json:"-" fields (runtime.Unknown's raw) never appear in JSON; the envelope handles them.
      if (goField && !/json:"-"/.test(goField.tag)) fields.set(field.name, tokenFor(goField, field.name, field.repeated || field.map));
    }
    tokens.set(fullName, fields);
  }

  // 2. Messages newer than kubectl (e.g. resource.k8s.io/v1, added in 1.34) are usually a copy
  //    of the same message in another version of their group: borrow its rules field by field.
  let borrowed = 0;
  for (const [fullName, type] of types) {
    if (tokens.has(fullName)) continue;
    const m = /^(k8s\.io\.api\.\w+)\.(v\w+)\.(\w+)$/.exec(fullName);
    if (!m) continue;
    let best: Map<string, Token> | undefined;
    let bestMatches = 0;
    for (const [other, otherFields] of tokens) {
      const o = /^(k8s\.io\.api\.\w+)\.(v\w+)\.(\w+)$/.exec(other);
      if (!o || o[1] !== m[1] || o[3] !== m[3]) continue;
      const otherType = types.get(other)!;
      const matching = new Map<string, Token>();
      for (const field of type.fieldsArray) {
        const twin = otherType.fields[field.name];
        const token = otherFields.get(field.name);
        if (twin && twin.id === field.id && twin.type === field.type && token) matching.set(field.name, token);
      }
      if (matching.size > bestMatches) [best, bestMatches] = [matching, matching.size];
    }
    if (best) {
      tokens.set(fullName, best);
      borrowed++;
    }
  }

  // 3. Inlined structs of fields nobody above knows: the OpenAPI spec lists the inner
  //    struct's properties on the outer definition instead of the field itself.
  const jsonKeys = (type: ProtoType): string[] =>
    type.fieldsArray.flatMap((field) => {
      const token = tokens.get(type.fullName.slice(1))?.get(field.name);
      const inner = messageTypeOf(field);
      if (token?.code === '^' && inner) return jsonKeys(inner);
      return [token?.jsonName ?? field.name];
    });
  let inferred = 0;
  for (const [fullName, type] of types) {
    const properties = swagger.definitions[`io.k8s.${fullName.slice('k8s.io.'.length)}`]?.properties;
    if (!properties) continue;
    for (const field of type.fieldsArray) {
      if (tokens.get(fullName)?.has(field.name) || field.name in properties || field.repeated || field.map) continue;
      const inner = messageTypeOf(field);
      if (!inner || specialKindOf(inner)) continue;
      const keys = jsonKeys(inner);
      if (keys.length > 0 && keys.every((k) => k in properties)) {
        if (!tokens.has(fullName)) tokens.set(fullName, new Map());
        tokens.get(fullName)!.set(field.name, { code: '^' });
        inferred++;
      }
    }
  }

  const rules = [...tokens]
    .map(([name, fields]) => [name, serialize(fields)] as const)
    .filter(([, rule]) => rule !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out = join(checkoutRoot(), 'src', 'schema', 'protobuf', 'go-field-rules.ts');
  const lines = rules.map(([name, rule]) => `  '${name}': '${rule}',`);
  writeFileSync(
    out,
    `// Generated by generate-go-field-rules.ts from the Go type metadata of kubectl ${version}; do not edit.
// How Go prints each protobuf field as JSON, for the fields that are not "pointer + omitempty"
// (absent: no key; present: printed even when zero). Grammar: <protoField><code>[=<jsonName>].
//   ?  value with omitempty: a zero value (0, "", false, empty bytes or list) is not printed
//   !  value without omitempty: always printed; absent means the zero value
//   ~  pointer, slice or map without omitempty: absent is printed as null
//   $  struct value: always printed; absent means the struct's zero value
//   ^  struct inlined into the parent object's JSON
// Messages kubectl ${version} does not know borrow the rules of the same message in another
// version of their group (${borrowed} messages); ${inferred} inlined fields were inferred from the
// OpenAPI spec. Anything else defaults to "pointer + omitempty".
export const goFieldRules: Readonly<Record<string, string>> = {
${lines.join('\n')}
};
`,
  );
  console.log(`wrote ${rules.length} message rules (${borrowed} borrowed, ${inferred} inferred inline fields) to ${out}`);
}

// Only when run as a script: importing this module (or a test runner globbing the folder) must not write files.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
