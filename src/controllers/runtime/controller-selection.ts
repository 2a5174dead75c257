// Which controllers a --controllers list turns on, as kube-controller-manager reads the flag. Apart
// from the controller manager so that the API server can check the list at start without loading
// the informers and reconcile loops, which start only once it serves.
import type { ControllerDefinition } from './controller.js';

/** The names a --controllers list turns on, or an error naming what is wrong with it. */
export function selectControllers(selection: readonly string[], definitions: readonly ControllerDefinition[]): string[] {
  const byName = new Map<string, ControllerDefinition>();
  for (const d of definitions) {
    byName.set(d.name, d);
    byName.set(`${d.name}-controller`, d);
    for (const alias of d.aliases ?? []) byName.set(alias, d);
  }
  const on = new Set<string>();
  const off = new Set<string>();
  let star = false;
  for (const raw of selection.map((s) => s.trim()).filter((s) => s !== '')) {
    if (raw === '*') {
      star = true;
      continue;
    }
    const negated = raw.startsWith('-');
    const name = negated ? raw.slice(1) : raw;
    const def = byName.get(name);
    if (!def) {
      throw new Error(`--controllers: "${name}" is not in the list of known controllers (${[...new Set(definitions.map((d) => d.name))].sort().join(', ')})`);
    }
    (negated ? off : on).add(def.name);
  }
  return definitions
    .filter((d) => !off.has(d.name) && (on.has(d.name) || (star && d.enabledByDefault !== false)))
    .map((d) => d.name);
}
