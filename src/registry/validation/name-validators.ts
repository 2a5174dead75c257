// Name rules per kind, as apimachinery's ValidateNameFunc: (name, prefix) => problem list. With
// prefix=true the value is a generateName, and a trailing '-' is acceptable.
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPathSegmentPrefix } from './formats.js';

export type NameValidator = (name: string, prefix: boolean) => string[];

/**
 * Replaces a trailing '-' before checking a generateName. This mirrors apimachinery's
 * maskTrailingDash, which drops the last two characters and appends "a".
 */
function maskTrailingDash(name: string): string {
  if (!name.endsWith('-')) return name;
  return name.length >= 2 ? `${name.slice(0, -2)}a` : 'a';
}

export const nameValidators = {
  /** Most kinds: a lowercase RFC 1123 subdomain of at most 253 bytes. */
  dnsSubdomain: ((name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name)) as NameValidator,
  /** Namespaces, StatefulSets: a lowercase RFC 1123 label of at most 63 bytes. */
  dnsLabel: ((name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name)) as NameValidator,
  /** Services: a DNS-1035 label (must start with a letter). */
  dns1035Label: ((name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name)) as NameValidator,
  /** RBAC kinds: anything that is safe as one URL path segment (generateName is held to the same rule). */
  pathSegment: ((name) => isValidPathSegmentName(name)) as NameValidator,
  /** apimachinery's ValidatePathSegmentName: a generateName may end in anything but '/' or '%'. */
  pathSegmentOrPrefix: ((name, prefix) => (prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name))) as NameValidator,
} as const;
