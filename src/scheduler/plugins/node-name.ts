// NodeName: a pod that names its node fits only there. The scheduler only sees pods without
// spec.nodeName, so this never rejects here; it is kept so the plugin list reads as upstream's.
import { unresolvable, type Plugin } from '../framework.js';

export const nodeName: Plugin = {
  name: 'NodeName',
  filter(state, node) {
    const wanted = state.pod.pod.spec?.nodeName;
    if (wanted && wanted !== node.name) return unresolvable("node(s) didn't match the requested node name");
  },
};
