// kube-controller-manager's --use-service-account-credentials: before a controller gets its
// client, the controller manager makes sure the controller's ServiceAccount exists in
// kube-system (client-go's SAControllerClientBuilder creates it with the controller manager's own
// credentials), so `kubectl -n kube-system get sa` lists one per running controller.
import { isAlreadyExists, type LocalClient } from '../../client/local-client.js';
import type { ServiceAccount } from '../../machinery/api-types.js';
import { controllerServiceAccountNamespace } from './identities.js';
import type { Logger } from './logger.js';

/** Creates the missing ServiceAccounts; `client` acts as system:kube-controller-manager. Never throws: a failure is logged. */
export async function ensureControllerServiceAccounts(client: LocalClient, names: readonly string[], log: Logger): Promise<void> {
  const accounts = client.resource<ServiceAccount>('', 'v1', 'serviceaccounts');
  await Promise.all(
    [...new Set(names)].map(async (name) => {
      try {
        if (await accounts.find(controllerServiceAccountNamespace, name)) return;
        await accounts.create(controllerServiceAccountNamespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: controllerServiceAccountNamespace } });
      } catch (err) {
        if (isAlreadyExists(err)) return;
        log.error('creating a controller service account failed', { serviceAccount: name, err: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
}
