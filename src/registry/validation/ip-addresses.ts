// IP and CIDR parsing with the leniency of k8s.io/utils/net's ParseIPSloppy (IPv4 octets may
// carry leading zeros), plus the messages of util/validation/ip.go.
import { isIPv6 } from 'node:net';
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';

export interface ParsedIP {
  family: 4 | 6;
  /** 32 or 128 bits, as a bigint, for prefix arithmetic. */
  bits: bigint;
}

const ipv4Re = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIPv4(value: string): bigint | undefined {
  const m = ipv4Re.exec(value);
  if (!m) return undefined;
  let out = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    out = (out << 8n) | BigInt(octet);
  }
  return out;
}

function parseIPv6(value: string): bigint | undefined {
  if (value.includes('%') || !isIPv6(value)) return undefined;
  let text = value;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...new Array<string>(missing).fill('0'), ...restGroups];
  let out = 0n;
  for (const g of groups) out = (out << 16n) | BigInt(parseInt(g, 16));
  return out;
}

export function parseIP(value: string): ParsedIP | undefined {
  const v4 = parseIPv4(value);
  if (v4 !== undefined) return { family: 4, bits: v4 };
  const v6 = parseIPv6(value);
  if (v6 !== undefined) return { family: 6, bits: v6 };
  return undefined;
}

export interface ParsedCIDR {
  ip: ParsedIP;
  prefix: number;
}

export function parseCIDR(value: string): ParsedCIDR | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(value.slice(0, slash));
  const prefixText = value.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ip, prefix };
}

/** Is `inner`'s network address inside `outer`'s network? */
export function cidrContains(outer: ParsedCIDR, inner: ParsedCIDR): boolean {
  if (outer.ip.family !== inner.ip.family) return false;
  const width = outer.ip.family === 4 ? 32n : 128n;
  const shift = width - BigInt(outer.prefix);
  return outer.ip.bits >> shift === inner.ip.bits >> shift;
}

export function pushValidIP(errs: FieldError[], path: string, value: string): boolean {
  if (parseIP(value)) return true;
  errs.push(field.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  return false;
}

export function pushValidCIDR(errs: FieldError[], path: string, value: string): boolean {
  if (parseCIDR(value)) return true;
  errs.push(field.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  return false;
}
