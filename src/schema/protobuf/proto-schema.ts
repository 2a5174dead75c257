// The Kubernetes .proto files, parsed with protobufjs on demand. Parsing all 65 files costs
// 0.3–0.4 s, so each generated.proto is loaded only when a message of its package is first
// needed (core/v1 with apimachinery ≈ 100 ms, each further group ≈ 5 ms).
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import protobuf from 'protobufjs';

export type ProtoType = protobuf.Type;
export type ProtoField = protobuf.Field;

export interface ProtoSchema {
  readonly protoDir: string;
  /**
   * The message `fullName` (without the leading dot) declared by `file` (relative to the proto
   * folder); undefined when the file does not exist or does not declare it.
   */
  lookup(file: string, fullName: string): ProtoType | undefined;
  /** Loads every Kubernetes generated.proto under the folder (tools and tests only). */
  loadAll(): void;
  /** Milliseconds spent parsing .proto files so far. */
  loadMillis(): number;
}

export function createProtoSchema(protoDir: string): ProtoSchema {
  const root = new protobuf.Root();
  // Imports are written as Go import paths ("k8s.io/api/core/v1/generated.proto"), which is
  // exactly the layout of the proto folder; google/protobuf/* resolve to protobufjs' bundled copies.
  root.resolvePath = (_origin: string, target: string) => join(protoDir, target);
  // Only loaded files are remembered; a missing one is looked for again (file names derive from
  // request bodies, so remembering misses would let clients grow this set without bound).
  const loaded = new Set<string>();
  let millis = 0;

  function ensure(file: string): boolean {
    if (loaded.has(file)) return true;
    if (!existsSync(join(protoDir, file))) return false;
    const start = performance.now();
    // keepCase: the JSON names are the proto field names; protobufjs would camel-case them.
    root.loadSync(file, { keepCase: true });
    millis += performance.now() - start;
    loaded.add(file);
    return true;
  }

  return {
    protoDir,
    lookup(file, fullName) {
      if (!ensure(file)) return undefined;
      const found = root.lookup(fullName);
      return found instanceof protobuf.Type ? found : undefined;
    },
    loadAll() {
      for (const file of listKubernetesProtoFiles(protoDir)) ensure(file);
    },
    loadMillis: () => millis,
  };
}

/** Every k8s.io generated.proto below the folder, relative to it. */
export function listKubernetesProtoFiles(protoDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'generated.proto') files.push(relative(protoDir, path));
    }
  };
  const k8s = join(protoDir, 'k8s.io');
  if (existsSync(k8s)) walk(k8s);
  return files.sort();
}

/** The proto file that declares the messages of a Go package path such as "k8s.io/api/apps/v1". */
export function protoFileOf(goPackage: string): string {
  return `${goPackage}/generated.proto`;
}

/** The resolved message type of a message or map-value field, or undefined for scalars. */
export function messageTypeOf(field: ProtoField): ProtoType | undefined {
  field.resolve();
  return field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
}
