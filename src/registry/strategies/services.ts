// Services: cluster IPs and node ports are allocated on create (and when a Service starts needing
// them), and kept across updates that leave them out, as kube-apiserver's service REST does.
import type { FieldError } from '../../apierrors/index.js';
import type { Service } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { StrategyContext, Strategy } from '../strategy.js';

type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];

const needsNodePorts = (svc: Service) => svc.spec?.type === 'NodePort' || (svc.spec?.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);

function allocate(svc: Service, old: Service | undefined, ctx: StrategyContext): FieldError[] {
  const spec = (svc.spec ??= {});
  const errors: FieldError[] = [];
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    return errors;
  }
  // An update that leaves allocated values out keeps them.
  if (old?.spec && !spec.clusterIP && old.spec.clusterIP) {
    spec.clusterIP = old.spec.clusterIP;
    spec.clusterIPs = old.spec.clusterIPs;
  }
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  if (spec.clusterIP !== 'None' && (!old || spec.clusterIP !== old.spec?.clusterIP)) {
    const { ip, errors: e } = ctx.serviceAllocator.allocateClusterIP(spec.clusterIP || undefined, 'spec.clusterIPs');
    errors.push(...e);
    if (ip) spec.clusterIP = ip;
  }
  if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  if (spec.clusterIP && spec.clusterIP !== 'None') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  } else if (spec.clusterIP === 'None') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }

  const ports: ServicePort[] = spec.ports ?? [];
  if (needsNodePorts(svc)) {
    const oldPorts: ServicePort[] = old?.spec?.ports ?? [];
    const taken = new Set<number>();
    ports.forEach((p, i) => {
      if (!p.nodePort) {
        const same = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort);
        if (same) p.nodePort = same.nodePort;
      }
      const unchanged = p.nodePort && oldPorts.some((o) => o.nodePort === p.nodePort);
      if (unchanged) {
        taken.add(p.nodePort!);
        return;
      }
      const { port, errors: e } = ctx.serviceAllocator.allocateNodePort(p.nodePort || undefined, `spec.ports[${i}].nodePort`, taken);
      errors.push(...e);
      if (port) {
        p.nodePort = port;
        taken.add(port);
      }
    });
  } else {
    for (const p of ports) delete p.nodePort;
  }
  return errors;
}

export const serviceStrategy: Strategy = {
  fieldSelectors: {
    'spec.clusterIP': (s: Service) => s.spec?.clusterIP ?? '',
    'spec.type': (s: Service) => s.spec?.type ?? '',
  },
  prepareForCreate(obj: KubeObject, ctx: StrategyContext) {
    const svc = obj as Service;
    svc.status = { loadBalancer: {} };
    return allocate(svc, undefined, ctx);
  },
  prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: StrategyContext) {
    return allocate(obj as Service, old as Service, ctx);
  },
};
