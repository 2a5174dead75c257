// Go's %q / strconv.Quote spelling of a string, used wherever kube-apiserver prints a field
// name or value with %q. JSON.stringify differs for control characters (\u0001 vs \x01),
// so messages would not match a real cluster byte for byte.

const shortEscapes: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

// Printable ASCII without quote or backslash needs no escaping: the common case.
const plain = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** strconv.Quote: ASCII controls as \a…\v or \xHH, DEL and C1 controls escaped, other Unicode kept. */
export function goQuote(s: string): string {
  if (plain.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const short = shortEscapes[c];
    if (short !== undefined) out += short;
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u00${hex2(c)}`;
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd'; // Go's decoder turns a lone surrogate into U+FFFD
    else out += ch;
  }
  return out + '"';
}

/** Go's %#v of a decoded YAML map key, as go-yaml prints it in "key %#v already set in map". */
export function goSyntaxValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}
