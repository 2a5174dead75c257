// Field paths in the notation of apimachinery's field.Path: "spec.containers[0].image" for
// children and indexes, "metadata.labels[app]" for map keys (keys are not quoted).

export function child(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}
