// Equality for immutability rules, in the spirit of apimachinery's Semantic.DeepEqual: absent,
// null, empty lists and empty maps are the same thing. Because decoded JSON cannot tell an
// omitted zero value from an explicit one (Go drops `false`/`0`/`""` with omitempty), those
// zero scalars also equal "absent" here, so `hostNetwork: false` does not count as a change.

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    for (const k in v as Record<string, unknown>) {
      if (!isZero((v as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  return false;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isZero(a)) return isZero(b);
  if (isZero(b)) return false;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], b[i])) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k in ra) if (!semanticEqual(ra[k], rb[k])) return false;
    for (const k in rb) if (!(k in ra) && !isZero(rb[k])) return false;
    return true;
  }
  return false;
}
