// Every built-in controller, in the order kube-controller-manager starts them. Names are what
// `kubemu serve --controllers` takes ("-controller" suffixed names are accepted too).
import type { ControllerDefinition } from './runtime/controller.js';
import { deploymentController } from './deployment/deployment-controller.js';
import { garbageCollectorController } from './garbagecollector/garbage-collector.js';
import { namespaceController } from './namespace/namespace-controller.js';
import { replicaSetController, replicationControllerController } from './replicaset/replica-set-controller.js';

export const builtinControllers: readonly ControllerDefinition[] = [namespaceController, garbageCollectorController, deploymentController, replicaSetController, replicationControllerController];

export type { ControllerDefinition, ControllerContext, ReconcileLoop, RunningController } from './runtime/controller.js';
