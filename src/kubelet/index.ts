// The fake kubelets: one per simulated node, all in this process, each registering its Node,
// renewing its Lease, reporting node status and running the pods bound to it as a real kubelet
// reports them (see fleet.ts). Started as a controller of component "kubelet".
export { createKubeletFleet, type KubeletFleet } from './fleet.js';
export { isStageDocument, parseStages, StageError, type Stage } from './stages/stage.js';
