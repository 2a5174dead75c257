// The kubelet fleet with its code loaded when it starts, after the API server serves: what the
// API server needs before then is the fleet's controller identity and the node connections
// (exec, logs, port-forward), which answer 503 until the kubelets run, as the fleet's own do.
import type { ControllerDefinition } from '../controllers/runtime/controller.js';
import type { ClusterConfig } from '../machinery/cluster-config.js';
import { KubeletError, connectionsThrough, type NodeConnections } from '../machinery/node-connection.js';
import type { KubeletFleet } from './fleet.js';
import type { Stage } from './stages/stage.js';

export function lazyKubeletFleet(config: ClusterConfig, stages: readonly Stage[] = []): Pick<KubeletFleet, 'definition' | 'connections'> {
  let fleet: KubeletFleet | undefined;
  const running = (): NodeConnections => {
    if (!fleet) throw new KubeletError(503, 'the kubelets are not running', 'ServiceUnavailable');
    return fleet.connections;
  };
  const definition: ControllerDefinition = {
    name: 'kubelet',
    component: 'kubelet',
    async start(ctx) {
      fleet ??= (await import('./fleet.js')).createKubeletFleet(config, stages);
      return fleet.definition.start(ctx);
    },
  };
  return {
    definition,
    connections: connectionsThrough(running),
  };
}
