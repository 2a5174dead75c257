// Where the decode walk currently is, kept as a reusable stack so the happy path allocates
// nothing; the three spellings Kubernetes uses for a location are built only for errors:
//   strict decoder:   spec.containers[0].image, map keys as metadata.labels.app
//   field.Path:       spec.containers[0].image, map keys as metadata.labels[app]
//   Go's type errors: Go struct field Container.spec.containers.image (struct fields only)

const FIELD = 0;
const MAP_KEY = 1;
const INDEX = 2;

export type PathSegment = string | number;

export class DecodePath {
  private readonly segments: PathSegment[] = [];
  private readonly kinds: number[] = [];
  /** For struct fields: the Go name of the struct that declares the field. */
  private readonly owners: string[] = [];
  private depth = 0;

  reset(): void {
    this.depth = 0;
  }

  pushField(name: string, structName: string): void {
    const d = this.depth++;
    this.segments[d] = name;
    this.kinds[d] = FIELD;
    this.owners[d] = structName;
  }

  pushKey(key: string): void {
    const d = this.depth++;
    this.segments[d] = key;
    this.kinds[d] = MAP_KEY;
  }

  pushIndex(index: number): void {
    const d = this.depth++;
    this.segments[d] = index;
    this.kinds[d] = INDEX;
  }

  pop(): void {
    this.depth--;
  }

  /** The strict decoder's path of a child field `name` of the current location. */
  strictChild(name: string): string {
    let out = '';
    for (let d = 0; d < this.depth; d++) {
      const s = this.segments[d]!;
      if (this.kinds[d] === INDEX) out += `[${s}]`;
      else out += d === 0 ? s : `.${s}`;
    }
    return out === '' ? name : `${out}.${name}`;
  }

  /** field.Path notation of a child field `name` (or of the current location). */
  fieldPath(name?: string): string {
    let out = '';
    for (let d = 0; d < this.depth; d++) {
      const s = this.segments[d]!;
      const kind = this.kinds[d];
      if (kind === FIELD) out += d === 0 ? s : `.${s}`;
      else out += `[${s}]`;
    }
    if (name === undefined) return out;
    return out === '' ? name : `${out}.${name}`;
  }

  /** "Go struct field PodSpec.spec.containers", or "Go value" at the top. */
  goContext(): string {
    let field = '';
    let owner = '';
    for (let d = 0; d < this.depth; d++) {
      if (this.kinds[d] !== FIELD) continue;
      field += field === '' ? this.segments[d] : `.${this.segments[d]}`;
      owner = this.owners[d]!;
    }
    return field === '' ? 'Go value' : `Go struct field ${owner}.${field}`;
  }

  /** The current location plus a child, for ordering errors as a sorted-key walk would. */
  snapshotWith(name: string): PathSegment[] {
    const out = this.segments.slice(0, this.depth);
    out.push(name);
    return out;
  }
}

/** Orders paths as a depth-first walk over sorted keys (Go's map encoding order) visits them. */
export function compareSortedKeyPaths(a: PathSegment[], b: PathSegment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
