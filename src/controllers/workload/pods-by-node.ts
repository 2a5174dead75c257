// The shared pod informer's index by spec.nodeName: what node lifecycle, taint-based eviction and
// pod garbage collection look up whenever a node changes.
import type { Pod } from '../../machinery/api-types.js';
import type { Informer } from '../runtime/informer.js';

export const nodeNameIndex = 'spec.nodeName';

/** Adds the index (once, whoever asks first) and returns a lookup of the pods bound to a node. */
export function podsByNode(pods: Informer<Pod>): (nodeName: string) => Pod[] {
  pods.addIndex(nodeNameIndex, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  return (nodeName) => pods.byIndex(nodeNameIndex, nodeName);
}
