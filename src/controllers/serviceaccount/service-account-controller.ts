// kube-controller-manager's serviceaccount controller: every namespace has a `default`
// ServiceAccount, made when the namespace appears and made again if it is deleted, except in a
// namespace that is going away.
import type { Namespace, ServiceAccount } from '../../machinery/api-types.js';
import { isAlreadyExists, isForbidden } from '../../client/local-client.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';

const defaultName = 'default';

export const serviceAccountController: ControllerDefinition = {
  name: 'serviceaccount',
  serviceAccount: 'service-account-controller',
  start: (ctx) => startServiceAccountController(ctx),
};

function startServiceAccountController(ctx: ControllerContext) {
  const namespaces = ctx.informers.forResource<Namespace>('', 'v1', 'namespaces');
  const accounts = ctx.informers.forResource<ServiceAccount>('', 'v1', 'serviceaccounts');
  const client = ctx.client.resource<ServiceAccount>('', 'v1', 'serviceaccounts');

  const loop = ctx.reconcileLoop(async (namespace) => {
    const ns = namespaces.getByName(undefined, namespace);
    if (!ns || ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) return;
    if (accounts.getByName(namespace, defaultName)) return;
    try {
      await client.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: defaultName, namespace } });
    } catch (err) {
      // Made meanwhile, or the namespace started terminating: nothing to do.
      if (!isAlreadyExists(err) && !isForbidden(err)) throw err;
    }
  });

  namespaces.addHandler({ onAdd: (ns) => loop.enqueue(ns.metadata?.name ?? ''), onUpdate: (_o, ns) => loop.enqueue(ns.metadata?.name ?? '') });
  accounts.addHandler({ onDelete: (sa) => sa.metadata?.name === defaultName && loop.enqueue(sa.metadata.namespace ?? '') });
  return loop;
}
