// ASN.1 DER, as much as X.509 certificates need: encoders for the few types a certificate holds
// and a reader that walks a certificate's fields. Written here rather than loaded from an ASN.1
// library because a first start makes three certificates and nothing else needs ASN.1: the
// libraries (and their decorators and reflection) cost more start-up time than the certificates.

/** An encoded DER element (tag, length and contents). */
export type Der = Buffer;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function element(tag: number, contents: Uint8Array): Der {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(contents.length), contents]);
}

export const sequence = (...items: Der[]): Der => element(0x30, Buffer.concat(items));
export const set = (...items: Der[]): Der => element(0x31, Buffer.concat(items));
export const octetString = (bytes: Uint8Array): Der => element(0x04, bytes);
export const boolean = (value: boolean): Der => element(0x01, Buffer.from([value ? 0xff : 0x00]));
export const nullValue = (): Der => element(0x05, Buffer.alloc(0));
/** Context-specific constructed tag [n] wrapping its contents (EXPLICIT tagging). */
export const explicit = (n: number, ...items: Der[]): Der => element(0xa0 | n, Buffer.concat(items));
/** Context-specific primitive tag [n] (IMPLICIT tagging of a primitive value). */
export const implicit = (n: number, contents: Uint8Array): Der => element(0x80 | n, contents);

/** A non-negative INTEGER from its big-endian magnitude (a leading zero keeps it positive). */
export function unsignedInteger(magnitude: Uint8Array): Der {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = Buffer.from(magnitude.subarray(start));
  return element(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export const smallInteger = (n: number): Der => unsignedInteger(Buffer.from([n]));

export function objectIdentifier(dotted: string): Der {
  const arcs = dotted.split('.').map(Number);
  const bytes = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128 = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) base128.unshift(0x80 | (n & 0x7f));
    bytes.push(...base128);
  }
  return element(0x06, Buffer.from(bytes));
}

/** A BIT STRING of whole bytes (keys, signatures). */
export const bitString = (bytes: Uint8Array): Der => element(0x03, Buffer.concat([Buffer.from([0]), bytes]));

/** A named-bit BIT STRING (key usage): bit 0 is the first byte's top bit; trailing zero bits dropped, as DER wants. */
export function namedBits(bits: readonly number[]): Der {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)]! |= 0x80 >> bit % 8;
  return element(0x03, Buffer.concat([Buffer.from([7 - (highest % 8)]), bytes]));
}

/** PrintableString when every character allows it (as Go writes names), else UTF8String. */
export function directoryString(value: string): Der {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? element(0x13, Buffer.from(value, 'latin1')) : element(0x0c, Buffer.from(value, 'utf8'));
}

/** RFC 5280 validity times: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
export function time(date: Date): Der {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? element(0x17, Buffer.from(`${digits.slice(2)}Z`, 'latin1')) : element(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}

/** One element read from DER: its tag, its contents and the whole encoding. */
export interface DerElement {
  tag: number;
  contents: Buffer;
  encoded: Buffer;
}

/** The elements one after another in `bytes` (a constructed element's contents). */
export function readElements(bytes: Buffer): DerElement[] {
  const out: DerElement[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = bytes[at]!;
    let length = bytes[at + 1]!;
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[at + 2 + i]!;
      header += count;
    }
    if (at + header + length > bytes.length) throw new Error('truncated DER');
    out.push({ tag, contents: bytes.subarray(at + header, at + header + length), encoded: bytes.subarray(at, at + header + length) });
    at += header + length;
  }
  return out;
}

export function readObjectIdentifier(contents: Buffer): string {
  const arcs = [Math.floor(contents[0]! / 40), contents[0]! % 40];
  let n = 0;
  for (const byte of contents.subarray(1)) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(n);
      n = 0;
    }
  }
  return arcs.join('.');
}
