// Names of field managers: the one a write gets when the client sends no `fieldManager`
// (the User-Agent up to its first "/": "kubectl-client-side-apply", "kube-controller-manager"),
// and the checks every write's `fieldManager` parameter goes through.
import { field, type FieldError } from '../../apierrors/index.js';

export const fieldManagerMaxLength = 128;

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

// Clients send the same User-Agent on every request: the last answer is kept.
let lastUserAgent: string | undefined;
let lastManager = '';

/** The manager of a write without `?fieldManager=`: the User-Agent's product, printable, ≤128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (userAgent !== undefined && userAgent === lastUserAgent) return lastManager;
  lastManager = managerOf(userAgent);
  lastUserAgent = userAgent;
  return lastManager;
}

function managerOf(userAgent: string | undefined): string {
  const product = (userAgent ?? '').split('/')[0]!;
  let out = '';
  let bytes = 0;
  for (const char of product) {
    if (!printable.test(char)) continue;
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > fieldManagerMaxLength) break;
    out += char;
    bytes += size;
  }
  return out;
}

/** Problems with a client-chosen `fieldManager`, worded as the real server's validation. */
export function validateFieldManager(fieldManager: string, path = 'fieldManager'): FieldError[] {
  const errors: FieldError[] = [];
  if (fieldManager.length > fieldManagerMaxLength) errors.push(field.tooLong(path, fieldManager, fieldManagerMaxLength));
  let position = 0;
  for (const char of fieldManager) {
    if (!printable.test(char)) {
      const code = char.codePointAt(0)!;
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      errors.push(field.invalid(path, fieldManager, `invalid character U+${hex} (at position ${position})`));
    }
    position += Buffer.byteLength(char, 'utf8');
  }
  return errors;
}
