// IPv4 address ranges as a configuration names them: "172.18.255.200-172.18.255.250" or a CIDR
// such as "172.18.255.0/24" (every address of it, as MetalLB's address pools count them).

export interface IPv4Range {
  first: number;
  last: number;
}

export function ipv4ToNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function numberToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The range, or an Error saying what is wrong with the text. */
export function parseIPv4Range(text: string): IPv4Range | Error {
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const base = ipv4ToNumber(cidr[1]!);
    const bits = Number(cidr[2]);
    if (base === undefined || bits > 32) return new Error(`${JSON.stringify(text)} is not an IPv4 CIDR`);
    const size = 2 ** (32 - bits);
    const first = Math.floor(base / size) * size;
    return { first, last: first + size - 1 };
  }
  const dash = text.split('-').map((s) => s.trim());
  if (dash.length === 2) {
    const first = ipv4ToNumber(dash[0]!);
    const last = ipv4ToNumber(dash[1]!);
    if (first === undefined || last === undefined) return new Error(`${JSON.stringify(text)} is not a range of IPv4 addresses`);
    if (last < first) return new Error(`${JSON.stringify(text)} ends before it starts`);
    return { first, last };
  }
  return new Error(`${JSON.stringify(text)} is neither "first-last" nor a CIDR`);
}
