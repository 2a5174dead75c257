// ClusterIPs and NodePorts for Services, as kube-apiserver allocates them: cluster IPs from the
// service CIDR (10.96.0.0/12 by default; the first address is the `kubernetes` service's), node
// ports from 30000-32767. What is taken is read from the stored Services each time, plus what
// was handed out moments ago and may not be stored yet.
import { field, type FieldError } from '../../apierrors/index.js';

export interface ServiceAllocatorOptions {
  /** IPv4 CIDR of cluster IPs. */
  serviceCidr?: string;
  nodePortRange?: [number, number];
  random?: () => number;
  now?: () => number;
}

interface ServicePorts {
  clusterIPs: string[];
  nodePorts: number[];
}

export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly ports: [number, number];
  private readonly random: () => number;
  private readonly now: () => number;
  /** Handed out but perhaps not yet visible in the stored Services: value → time. */
  private readonly recentIPs = new Map<string, number>();
  private readonly recentPorts = new Map<number, number>();

  constructor(
    private readonly storedServices: () => ServicePorts[],
    options: ServiceAllocatorOptions = {},
  ) {
    const [ip, bits] = (options.serviceCidr ?? '10.96.0.0/12').split('/');
    this.base = (ipToNumber(ip) & (bits === '0' ? 0 : ~((2 ** (32 - Number(bits))) - 1))) >>> 0;
    this.size = 2 ** (32 - Number(bits));
    this.ports = options.nodePortRange ?? [30000, 32767];
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** The address of the `kubernetes` service: the first of the range. */
  firstIP(): string {
    return numberToIp(this.base + 1);
  }

  private used(): { ips: Set<string>; ports: Set<number> } {
    const cutoff = this.now() - 30_000;
    for (const [k, t] of this.recentIPs) if (t < cutoff) this.recentIPs.delete(k);
    for (const [k, t] of this.recentPorts) if (t < cutoff) this.recentPorts.delete(k);
    const ips = new Set<string>(this.recentIPs.keys());
    const ports = new Set<number>(this.recentPorts.keys());
    for (const s of this.storedServices()) {
      for (const ip of s.clusterIPs) ips.add(ip);
      for (const p of s.nodePorts) ports.add(p);
    }
    return { ips, ports };
  }

  /** A free cluster IP, or the requested one if it is in range and free; errors name the field. */
  allocateClusterIP(requested: string | undefined, path: string): { ip?: string; errors: FieldError[] } {
    const { ips } = this.used();
    if (requested) {
      const n = ipToNumber(requested);
      if (Number.isNaN(n) || n <= this.base || n >= this.base + this.size - 1) {
        return {
          errors: [field.invalid(path, [requested], `failed to allocate IP ${requested}: provided IP (${requested}) is not in the valid range. The range of valid IPs is ${numberToIp(this.base)}/${32 - Math.log2(this.size)}`)],
        };
      }
      if (ips.has(requested)) return { errors: [field.invalid(path, [requested], `failed to allocate IP ${requested}: provided IP is already allocated`)] };
      this.recentIPs.set(requested, this.now());
      return { ip: requested, errors: [] };
    }
    // Random probing, then a scan: the range is large and mostly empty.
    for (let attempt = 0; attempt < 64; attempt++) {
      const candidate = numberToIp(this.base + 2 + Math.floor(this.random() * (this.size - 3)));
      if (!ips.has(candidate)) {
        this.recentIPs.set(candidate, this.now());
        return { ip: candidate, errors: [] };
      }
    }
    for (let n = this.base + 2; n < this.base + this.size - 1; n++) {
      const candidate = numberToIp(n);
      if (!ips.has(candidate)) {
        this.recentIPs.set(candidate, this.now());
        return { ip: candidate, errors: [] };
      }
    }
    return { errors: [field.invalid(path, [], 'failed to allocate a serviceIP: range is full')] };
  }

  allocateNodePort(requested: number | undefined, path: string, alsoTaken: Set<number>): { port?: number; errors: FieldError[] } {
    const { ports } = this.used();
    const [lo, hi] = this.ports;
    if (requested) {
      if (requested < lo || requested > hi) {
        return { errors: [field.invalid(path, requested, `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`)] };
      }
      if (ports.has(requested) || alsoTaken.has(requested)) return { errors: [field.invalid(path, requested, 'provided port is already allocated')] };
      this.recentPorts.set(requested, this.now());
      return { port: requested, errors: [] };
    }
    const span = hi - lo + 1;
    const start = Math.floor(this.random() * span);
    for (let i = 0; i < span; i++) {
      const candidate = lo + ((start + i) % span);
      if (!ports.has(candidate) && !alsoTaken.has(candidate)) {
        this.recentPorts.set(candidate, this.now());
        return { port: candidate, errors: [] };
      }
    }
    return { errors: [field.invalid(path, 0, 'range is full')] };
  }
}

function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return NaN;
    n = n * 256 + Number(p);
  }
  return n;
}

function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
