// Every built-in controller. Names are what `kubemu serve --controllers` takes ("-controller"
// suffixed names are accepted too). The garbage collector starts last, so that it shares the
// informers the other controllers asked for instead of watching the same resources again.
import type { ControllerDefinition } from './runtime/controller.js';
import { cronJobController } from './cronjob/cronjob-controller.js';
import { daemonSetController } from './daemonset/daemon-set-controller.js';
import { deploymentController } from './deployment/deployment-controller.js';
import { disruptionController } from './disruption/disruption-controller.js';
import { endpointController } from './endpoint/endpoints-controller.js';
import { endpointSliceController } from './endpointslice/endpointslice-controller.js';
import { endpointSliceMirroringController } from './endpointslicemirroring/mirroring-controller.js';
import { garbageCollectorController } from './garbagecollector/garbage-collector.js';
import { jobController } from './job/job-controller.js';
import { namespaceController } from './namespace/namespace-controller.js';
import { nodeLifecycleController } from './nodelifecycle/node-lifecycle-controller.js';
import { persistentVolumeBinderController } from './persistentvolume/persistent-volume-binder.js';
import { podGcController } from './podgc/pod-gc-controller.js';
import { replicaSetController, replicationControllerController } from './replicaset/replica-set-controller.js';
import { resourceQuotaController } from './resourcequota/resource-quota-controller.js';
import { rootCaCertPublisher } from './rootcacert/root-ca-cert-publisher.js';
import { serviceAccountController } from './serviceaccount/service-account-controller.js';
import { tokensController } from './serviceaccount/tokens-controller.js';
import { serviceLbController } from './servicelb/service-lb-controller.js';
import { statefulSetController } from './statefulset/stateful-set-controller.js';
import { taintEvictionController } from './tainteviction/taint-eviction-controller.js';
import { ttlAfterFinishedController } from './ttlafterfinished/ttl-after-finished-controller.js';
import { clusterRoleAggregationController } from './clusterrole-aggregation/clusterrole-aggregation-controller.js';

export const builtinControllers: readonly ControllerDefinition[] = [
  namespaceController,
  serviceAccountController,
  tokensController,
  rootCaCertPublisher,
  deploymentController,
  replicaSetController,
  replicationControllerController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  statefulSetController,
  daemonSetController,
  persistentVolumeBinderController,
  nodeLifecycleController,
  taintEvictionController,
  podGcController,
  disruptionController,
  endpointController,
  endpointSliceController,
  endpointSliceMirroringController,
  serviceLbController,
  resourceQuotaController,
  clusterRoleAggregationController,
  garbageCollectorController,
];

export type { ControllerDefinition, ControllerContext, ReconcileLoop, RunningController } from './runtime/controller.js';
