// NodeAffinity: the pod's nodeSelector and required node affinity must match the node; preferred
// terms score by weight. Required terms that name nodes by metadata.name (DaemonSet pods) narrow
// the candidates at PreFilter: the other nodes are reported as not satisfying the plugin.
import { defaultNormalizeScore, unresolvable, type Plugin } from '../framework.js';
import { hasRequiredNodeAffinity, matchesRequiredNodeAffinity, preferredNodeAffinityScore } from '../../machinery/node-affinity.js';

export const errReasonPod = "node(s) didn't match Pod's node affinity/selector";
const errReasonConflict = 'pod affinity terms conflict';

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  weight: 2,
  preFilter(state) {
    const pod = state.pod.pod;
    if (!hasRequiredNodeAffinity(pod)) return { status: { code: 'Skip', reasons: [] } };
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return;
    // Terms are ORed; within a term the metadata.name requirements are ANDed.
    let names: Set<string> | undefined;
    for (const term of terms) {
      let termNames: Set<string> | undefined;
      for (const r of term.matchFields ?? []) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const values = new Set(r.values ?? []);
        termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
      }
      // A term that does not pin names lets any node through.
      if (!termNames) return;
      if (termNames.size === 0) return { status: unresolvable(errReasonConflict) };
      names = new Set([...(names ?? []), ...termNames]);
    }
    return names ? { nodeNames: names } : undefined;
  },
  filter(state, node) {
    if (node.node && !matchesRequiredNodeAffinity(state.pod.pod, node.node)) return unresolvable(errReasonPod);
  },
  preScore(state) {
    if (!state.pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) return 'skip';
  },
  score(state, node) {
    return node.node ? preferredNodeAffinityScore(state.pod.pod, node.node) : 0;
  },
  normalizeScore(_state, scores) {
    defaultNormalizeScore(scores, false);
  },
  isSchedulableAfter(event, info) {
    const pod = info.pod;
    switch (event.type) {
      case 'NodeAdd':
        return matchesRequiredNodeAffinity(pod, event.node);
      case 'NodeUpdate':
        return event.changes.labels && !matchesRequiredNodeAffinity(pod, event.oldNode) && matchesRequiredNodeAffinity(pod, event.node);
      default:
        return false;
    }
  },
};
