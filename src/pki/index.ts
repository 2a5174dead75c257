export {
  ADMIN_GROUP,
  ADMIN_USER,
  DEFAULT_SERVER_HOSTS,
  loadOrCreatePki,
  type ClusterPki,
  type PkiOptions,
} from './cluster-pki.js';
export { clientCertificateIdentity, type ClientIdentity } from './client-identity.js';
export { KUBECONFIG_CONTEXT, mergeKubeconfig, renderKubeconfig, writeKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
export { ServiceAccountKeys, type JsonWebKeySet, type TokenClaims } from './service-account-keys.js';
