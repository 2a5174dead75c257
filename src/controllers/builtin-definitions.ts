// Every built-in controller as --controllers names it, with its identity, and its code loaded when
// it starts (see index.ts for the definitions themselves, in the same order). Starting the API
// server with controllers on no longer loads ~25 controllers' code before it listens; a test
// (builtin-definitions.test.ts) keeps this table and the definitions alike.
import type { ControllerDefinition } from './runtime/controller.js';
import { lazyControllerDefinition as lazy } from './runtime/lazy-definition.js';

const all = () => import('./index.js');
const named = (name: string) => async (): Promise<ControllerDefinition> => {
  const found = (await all()).builtinControllers.find((d) => d.name === name);
  if (!found) throw new Error(`no built-in controller ${name}`);
  return found;
};
const entry = (identity: Parameters<typeof lazy>[0]) => lazy(identity, named(identity.name));

export const builtinControllerDefinitions: readonly ControllerDefinition[] = [
  entry({ name: 'namespace' }),
  entry({ name: 'serviceaccount', serviceAccount: 'service-account-controller' }),
  entry({ name: 'serviceaccount-token', rootCredentials: true }),
  entry({ name: 'root-ca-certificate-publisher', aliases: ['root-ca-cert-publisher'], serviceAccount: 'root-ca-cert-publisher' }),
  entry({ name: 'deployment' }),
  entry({ name: 'replicaset' }),
  entry({ name: 'replicationcontroller', serviceAccount: 'replication-controller' }),
  entry({ name: 'job' }),
  entry({ name: 'cronjob' }),
  entry({ name: 'ttl-after-finished' }),
  entry({ name: 'statefulset' }),
  entry({ name: 'daemonset', serviceAccount: 'daemon-set-controller' }),
  entry({ name: 'persistentvolume-binder', serviceAccount: 'persistent-volume-binder' }),
  entry({ name: 'nodelifecycle', serviceAccount: 'node-controller', aliases: ['node-lifecycle-controller'] }),
  entry({ name: 'taint-eviction-controller', serviceAccount: 'node-controller' }),
  entry({ name: 'podgc', serviceAccount: 'pod-garbage-collector', aliases: ['pod-garbage-collector', 'pod-garbage-collector-controller'] }),
  entry({ name: 'disruption' }),
  entry({ name: 'endpoint' }),
  entry({ name: 'endpointslice' }),
  entry({ name: 'endpointslicemirroring' }),
  entry({ name: 'service-lb', serviceAccount: 'service-controller' }),
  entry({ name: 'resourcequota' }),
  entry({ name: 'clusterrole-aggregation', aliases: ['clusterrole-aggregation-controller'], serviceAccount: 'clusterrole-aggregation-controller' }),
  entry({ name: 'garbagecollector', serviceAccount: 'generic-garbage-collector', aliases: ['garbage-collector-controller'] }),
];
