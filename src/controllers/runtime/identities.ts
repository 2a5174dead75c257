// Who the in-process components are to the authorizer: the users a kubeadm cluster's components
// authenticate as. kube-controller-manager runs with --use-service-account-credentials, so each
// controller is its own kube-system service account (bound to its system:controller:<name>
// role) while the shared informers list and watch as the controller manager itself; the
// scheduler is system:kube-scheduler; each kubelet is system:node:<node> in system:nodes.
import type { UserInfo } from '../../client/local-client.js';

/** The namespace kube-controller-manager's controllers' service accounts live in. */
export const controllerServiceAccountNamespace = 'kube-system';

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export function controllerUser(serviceAccount: string): UserInfo {
  return serviceAccountUser(controllerServiceAccountNamespace, serviceAccount);
}

export const kubeControllerManagerUser: UserInfo = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };

export const kubeSchedulerUser: UserInfo = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };

export function nodeUser(node: string): UserInfo {
  return { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] };
}

/** kwok's controller, which runs kwok Stages: kwokctl gives it an admin (system:masters) credential. */
export const kwokControllerUser: UserInfo = { username: 'kwok-controller', groups: ['system:masters', 'system:authenticated'] };
