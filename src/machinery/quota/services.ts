// Quota for services (pkg/quota/v1/evaluator/core/services.go): each counts once, a LoadBalancer
// also as a load balancer, and NodePort and LoadBalancer services count their node ports — by
// intent, since none is allocated yet at admission: every port, unless a LoadBalancer turns node
// port allocation off, when only ports that name one count. A type change is an update that
// changes usage, so updates are charged too.
import type { Service } from '../api-types.js';
import { objectCountName, type QuotaEvaluator } from './evaluator.js';
import { count, zeroQuantity, type ResourceList } from './resource-list.js';

const serviceCountName = objectCountName('', 'services');
const serviceResources = new Set([serviceCountName, 'services', 'services.nodeports', 'services.loadbalancers']);

export const serviceEvaluator: QuotaEvaluator = {
  group: '',
  resource: 'services',
  handles: (operation) => operation === 'CREATE' || operation === 'UPDATE',
  matchingResources: (input) => input.filter((name) => serviceResources.has(name)),
  matchesScope: () => false,
  constraints: () => undefined,
  usage(obj) {
    const svc = obj as Service;
    const ports = svc.spec?.ports ?? [];
    const result: ResourceList = new Map([
      [serviceCountName, count(1)],
      ['services', count(1)],
      ['services.loadbalancers', zeroQuantity],
      ['services.nodeports', zeroQuantity],
    ]);
    if (svc.spec?.type === 'NodePort') result.set('services.nodeports', count(ports.length));
    else if (svc.spec?.type === 'LoadBalancer') {
      const nodePorts = svc.spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
      result.set('services.nodeports', count(nodePorts));
      result.set('services.loadbalancers', count(1));
    }
    return result;
  },
};
