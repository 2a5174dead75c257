// Whether a host is an IPv4 or IPv6 address, as net.isIP answers, but parsed natively:
// net.isIP compiles a large IPv6 regular expression on first use (5–15 ms), which the
// certificate checks of every start paid for a handful of host names.
import { SocketAddress } from 'node:net';

export function ipFamily(host: string): 0 | 4 | 6 {
  // SocketAddress parses with inet_pton and throws on anything else (names, zone-less junk).
  for (const [family, version] of [['ipv4', 4], ['ipv6', 6]] as const) {
    try {
      new SocketAddress({ address: host, family });
      return version;
    } catch {
      // not this family
    }
  }
  return 0;
}
