// kube-system/extension-apiserver-authentication, which kube-apiserver writes at start and
// aggregated API servers read to know whom to trust: the CA of client certificates
// (client-ca-file), and for requests passed on by the aggregator the front-proxy CA, the names
// its certificate may carry and the headers that name the user. Written again when it differs.
import { isAlreadyExists, type LocalClient } from '../../client/local-client.js';
import type { ConfigMap } from '../../machinery/api-types.js';
import { jsonEqual } from '../../machinery/json-equal.js';

export interface ExtensionAuthenticationDeps {
  /** A client writing as kube-apiserver. */
  client: LocalClient;
  clientCaPem: string;
  frontProxyCaPem: string;
  allowedNames: readonly string[];
}

const namespace = 'kube-system';
const name = 'extension-apiserver-authentication';

export async function publishExtensionAuthentication(deps: ExtensionAuthenticationDeps): Promise<void> {
  // Lists are JSON arrays, as kube-apiserver writes them.
  const data: Record<string, string> = {
    'client-ca-file': deps.clientCaPem,
    'requestheader-allowed-names': JSON.stringify(deps.allowedNames),
    'requestheader-client-ca-file': deps.frontProxyCaPem,
    'requestheader-extra-headers-prefix': JSON.stringify(['X-Remote-Extra-']),
    'requestheader-group-headers': JSON.stringify(['X-Remote-Group']),
    'requestheader-username-headers': JSON.stringify(['X-Remote-User']),
  };
  const configMaps = deps.client.resource<ConfigMap>('', 'v1', 'configmaps');
  const current = await configMaps.find(namespace, name);
  if (!current) {
    try {
      await configMaps.create(namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
      return;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  } else if (jsonEqual(current.data ?? {}, data)) return;
  await configMaps.mutate(namespace, name, (cm) => ({ ...cm, data }));
}
