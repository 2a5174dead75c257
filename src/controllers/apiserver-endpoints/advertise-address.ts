// The address default/kubernetes advertises, chosen as kube-apiserver chooses it: the one given,
// else the address served on unless that is a wildcard or loopback one (no pod could reach it),
// else the host's first external IPv4 interface address.
import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export function advertiseAddress(
  explicit: string | undefined,
  host: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string | undefined {
  if (explicit !== undefined) return explicit;
  if (isIP(host) && !isWildcardOrLoopback(host)) return host;
  for (const addresses of Object.values(interfaces)) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return undefined;
}

function isWildcardOrLoopback(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::' || ip === '::1' || ip.startsWith('127.');
}
