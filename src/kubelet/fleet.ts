// All fake kubelets of the process. The API server reaches them through `connections` (logs,
// exec, attach, port-forward), which answers as an unreachable kubelet until the fleet runs.
import { KubeletError, type NodeConnections } from '../machinery/node-connection.js';
import type { ClusterConfig } from '../machinery/cluster-config.js';
import type { ControllerDefinition } from '../controllers/runtime/controller.js';

export interface KubeletFleet {
  definition: ControllerDefinition;
  connections: NodeConnections;
}

export function createKubeletFleet(config: ClusterConfig): KubeletFleet {
  void config;
  const unavailable = (): never => {
    throw new KubeletError(503, 'the kubelets are not running', 'ServiceUnavailable');
  };
  return {
    definition: { name: 'kubelet', component: 'kubelet', start: () => ({ stop() {} }) },
    connections: {
      logs: async () => unavailable(),
      exec: async () => unavailable(),
      attach: async () => unavailable(),
      portForward: async () => unavailable(),
    },
  };
}
