// Go's encoding/json writes a struct's fields in declaration order, and go-to-protobuf declares
// each message's fields in its Go struct's order (a field added later gets a higher number but
// keeps its place). So the generated .proto files are where the field order of every API type
// can be read at run time. A line scan is enough for these machine-written files, and costs a
// few milliseconds per package against ~100 ms for a full protobuf parse.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProtoFieldDecl {
  /** The proto field name (the Go json name, unless go-field-rules.ts says otherwise). */
  readonly name: string;
  /** The full name of the field's message type, or undefined for scalars and maps. */
  readonly messageType: string | undefined;
}

export interface StructOrder {
  /** A message's fields in declaration order; undefined when no .proto declares it. */
  fieldsOf(messageFullName: string): readonly ProtoFieldDecl[] | undefined;
}

const scalarTypes = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'fixed32', 'fixed64', 'sint32', 'sint64']);
const messageStart = /^message (\w+) \{$/;
const fieldLine = /^\s+(?:optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*\d+/;
const mapLine = /^\s+map<[^>]+>\s+(\w+)\s*=\s*\d+/;

/** The messages of one generated.proto, by full name. */
export function scanProtoFile(text: string): Map<string, ProtoFieldDecl[]> {
  const messages = new Map<string, ProtoFieldDecl[]>();
  const pkg = /^package ([\w.]+);$/m.exec(text)?.[1] ?? '';
  let current: ProtoFieldDecl[] | undefined;
  for (const line of text.split('\n')) {
    if (current === undefined) {
      const start = messageStart.exec(line);
      if (start) {
        current = [];
        messages.set(pkg ? `${pkg}.${start[1]}` : start[1]!, current);
      }
      continue;
    }
    if (line === '}') {
      current = undefined;
      continue;
    }
    const field = fieldLine.exec(line);
    if (field) {
      const [, type, name] = field;
      current.push({ name: name!, messageType: scalarTypes.has(type!) ? undefined : qualify(type!, pkg) });
      continue;
    }
    const map = mapLine.exec(line);
    if (map) current.push({ name: map[1]!, messageType: undefined });
  }
  return messages;
}

function qualify(type: string, pkg: string): string {
  if (type.startsWith('.')) return type.slice(1);
  return type.includes('.') ? type : `${pkg}.${type}`;
}

/**
 * `k8s.io.api.apps.v1.Deployment` is declared in `k8s.io/api/apps/v1/generated.proto`: the
 * package is the Go import path with dots.
 */
function protoFileOf(messageFullName: string): string | undefined {
  if (!messageFullName.startsWith('k8s.io.')) return undefined;
  const pkg = messageFullName.slice(0, messageFullName.lastIndexOf('.'));
  return `k8s.io/${pkg.slice('k8s.io.'.length).replaceAll('.', '/')}/generated.proto`;
}

/** Reads the folder lazily, one package at a time; with no folder, no order is known. */
export function createStructOrder(protoDir: string | undefined): StructOrder {
  const files = new Map<string, Map<string, ProtoFieldDecl[]>>();
  return {
    fieldsOf(messageFullName) {
      const file = protoFileOf(messageFullName);
      if (file === undefined || protoDir === undefined) return undefined;
      let messages = files.get(file);
      if (messages === undefined) {
        const path = join(protoDir, file);
        messages = existsSync(path) ? scanProtoFile(readFileSync(path, 'utf8')) : new Map();
        files.set(file, messages);
      }
      return messages.get(messageFullName);
    },
  };
}
