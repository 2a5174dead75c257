// Every built-in controller. Names are what `kubemu serve --controllers` takes ("-controller"
// suffixed names are accepted too). The garbage collector starts last, so that it shares the
// informers the other controllers asked for instead of watching the same resources again.
import type { ControllerDefinition } from './runtime/controller.js';
import { deploymentController } from './deployment/deployment-controller.js';
import { garbageCollectorController } from './garbagecollector/garbage-collector.js';
import { namespaceController } from './namespace/namespace-controller.js';
import { replicaSetController, replicationControllerController } from './replicaset/replica-set-controller.js';

export const builtinControllers: readonly ControllerDefinition[] = [namespaceController, deploymentController, replicaSetController, replicationControllerController, garbageCollectorController];

export type { ControllerDefinition, ControllerContext, ReconcileLoop, RunningController } from './runtime/controller.js';
