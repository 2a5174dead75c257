// networking.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/networking/v1/defaults.go (1.36).
// Ingress, IngressClass specs without parameters, ServiceCIDR and IPAddress have none.
import { isEmptyList, isNil, objectAt, structField, type DefaultsTable, type JsonMap } from './types.js';

const networking = 'io.k8s.api.networking.v1.';

function networkPolicy(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (!isEmptyList(spec['policyTypes'])) return;
  // Every policy isolates ingress; one with egress rules isolates egress too.
  spec['policyTypes'] = isEmptyList(spec['egress']) ? ['Ingress'] : ['Ingress', 'Egress'];
}

function ingressClass(obj: JsonMap): void {
  const spec = objectAt(obj, 'spec');
  const parameters = spec && objectAt(spec, 'parameters');
  if (parameters && isNil(parameters['scope'])) parameters['scope'] = 'Cluster';
}

export const networkingV1Defaults: DefaultsTable = {
  [`${networking}NetworkPolicy`]: { apply: networkPolicy, valueStructs: ['spec'] },
  [`${networking}NetworkPolicyPort`]: {
    apply: (port) => {
      if (isNil(port['protocol'])) port['protocol'] = 'TCP';
    },
  },
  [`${networking}IngressClass`]: { apply: ingressClass },
};
