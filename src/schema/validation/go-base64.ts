// []byte fields (format: byte) are base64 in JSON. Go decodes them with
// base64.StdEncoding (padding required, CR/LF ignored, other junk rejected) and reports
// "illegal base64 data at input byte N"; it re-encodes the bytes canonically.

export type Base64Result = { ok: true; canonical: string } | { ok: false; error: string };

const wellFormed = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function corrupt(offset: number): Base64Result {
  return { ok: false, error: `illegal base64 data at input byte ${offset}` };
}

/** Validates and canonicalises a base64 string the way Go's StdEncoding.Decode + Encode would. */
export function checkBase64(s: string): Base64Result {
  if (wellFormed.test(s)) {
    // Unused low bits before the padding are ignored by Go's non-strict decoder, so
    // re-encoding may change the last character; only then is a round trip needed.
    const n = s.length;
    if (n === 0 || s[n - 1] !== '=') return { ok: true, canonical: s };
    const last = alphabet.indexOf(s[n - 2] === '=' ? s[n - 3]! : s[n - 2]!);
    const unused = s[n - 2] === '=' ? last & 0x0f : last & 0x03;
    return { ok: true, canonical: unused === 0 ? s : Buffer.from(s, 'base64').toString('base64') };
  }
  const offset = firstCorruptByte(Buffer.from(s, 'utf8'));
  if (offset >= 0) return corrupt(offset);
  // Valid once CR/LF are skipped.
  return { ok: true, canonical: Buffer.from(s.replace(/[\r\n]/g, ''), 'base64').toString('base64') };
}

function isNewline(b: number | undefined): boolean {
  return b === 0x0a || b === 0x0d;
}

function decodes(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b === 43 || b === 47;
}

/** Offset Go would report, or -1 when the input decodes: quantum by quantum, as decodeQuantum does. */
function firstCorruptByte(src: Buffer): number {
  let si = 0;
  for (;;) {
    let j = 0;
    while (j < 4) {
      if (si === src.length) {
        if (j === 0) return -1;
        return si - j; // a partial quantum: padding is required
      }
      const c = src[si]!;
      si++;
      if (decodes(c)) {
        j++;
        continue;
      }
      if (isNewline(c)) continue;
      if (c !== 0x3d) return si - 1;
      // Padding: only after two or three symbols, and "==" must be complete.
      if (j < 2) return si - 1;
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== 0x3d) return si - 1;
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      return si < src.length ? si : -1;
    }
  }
}
