// default/kubernetes: the Service through which a cluster reaches its API server, and the
// Endpoints and EndpointSlice behind it, in the shape kube-apiserver gives them (one Service on
// the first cluster IP, port 443 → the secure port; one address, the advertised one).
import type { KubeObject } from '../../machinery/object.js';

export const apiserverServiceNamespace = 'default';
export const apiserverServiceName = 'kubernetes';

export function apiserverService(clusterIP: string, securePort: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: apiserverServiceName,
      namespace: apiserverServiceNamespace,
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: securePort }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

/** What the Endpoints hold; an EndpointSlice controller must not mirror them (hence the label). */
export function apiserverEndpoints(address: string, securePort: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: apiserverServiceName,
      namespace: apiserverServiceNamespace,
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port: securePort, protocol: 'TCP' }] }],
  };
}

export function apiserverEndpointSlice(address: string, securePort: number): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: apiserverServiceName,
      namespace: apiserverServiceNamespace,
      labels: { 'kubernetes.io/service-name': apiserverServiceName },
    },
    addressType: address.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'https', port: securePort, protocol: 'TCP' }],
  };
}
