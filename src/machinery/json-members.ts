// Finding one member of a JSON object in its bytes, without parsing the rest: lists send parts of
// stored objects (a Table row's metadata) as the bytes they are stored as.

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

/** Where a member is: its key's opening quote, its value's first byte and the index after it. */
export interface JsonMember {
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * Where the value of member `name` of the object starting at `objectStart` begins (in compact
 * JSON, JSON.stringify's output: no whitespace); undefined when the object has no such member.
 * Only the members before it are read. Throws a SyntaxError on bytes that are not such JSON.
 */
export function memberValueStart(json: Buffer, objectStart: number, name: string): number | undefined {
  const wanted = Buffer.from(name, 'utf8');
  let found: number | undefined;
  eachMember(json, objectStart, (keyStart, keyEnd, valueStart) => {
    if (!sameKey(json, keyStart, keyEnd, wanted)) return false;
    found = valueStart;
    return true;
  });
  return found;
}

/** The member `name` of the object starting at `objectStart` (as memberValueStart), and the index after the object. */
export function memberAndEnd(json: Buffer, objectStart: number, name: string): { member: JsonMember | undefined; objectEnd: number } {
  const wanted = Buffer.from(name, 'utf8');
  let member: JsonMember | undefined;
  const objectEnd = eachMember(json, objectStart, (keyStart, keyEnd, valueStart) => {
    const valueEnd = skipValue(json, valueStart);
    if (sameKey(json, keyStart, keyEnd, wanted)) member = { keyStart, valueStart, valueEnd };
    return valueEnd;
  });
  return { member, objectEnd };
}

/**
 * Calls `visit` with each member's key (its quotes' indexes) and value start; `visit` returns
 * the index after the value to go on, or true to stop. Returns the index after the object (-1
 * when stopped).
 */
function eachMember(json: Buffer, objectStart: number, visit: (keyStart: number, keyEnd: number, valueStart: number) => number | boolean): number {
  if (json[objectStart] !== OPEN_BRACE) throw new SyntaxError(`no JSON object at ${objectStart}`);
  let at = objectStart + 1;
  if (json[at] === CLOSE_BRACE) return at + 1;
  for (;;) {
    if (json[at] !== QUOTE) throw new SyntaxError(`no JSON key at ${at}`);
    const keyStart = at;
    const keyEnd = stringEnd(json, at);
    at = keyEnd + 1;
    if (json[at++] !== COLON) throw new SyntaxError(`no colon at ${at - 1}`);
    const next = visit(keyStart, keyEnd, at);
    if (next === true) return -1;
    at = next === false ? skipValue(json, at) : next;
    const c = json[at++];
    if (c === CLOSE_BRACE) return at;
    if (c !== COMMA) throw new SyntaxError(`unexpected byte at ${at - 1}`);
  }
}

/**
 * Keys are compared as written: a key spelled with escapes does not match (JSON.stringify writes
 * a field name's characters as they are).
 */
function sameKey(json: Buffer, keyStart: number, keyEnd: number, wanted: Uint8Array): boolean {
  if (keyEnd - keyStart - 1 !== wanted.length) return false;
  for (let i = 0; i < wanted.length; i++) if (json[keyStart + 1 + i] !== wanted[i]) return false;
  return true;
}

/** The index of the closing quote of the string opening at `start`. */
function stringEnd(json: Buffer, start: number): number {
  // Most strings are short: a loop beats a native call on those.
  const stop = Math.min(start + 64, json.length);
  let at = start + 1;
  while (at < stop) {
    const c = json[at];
    if (c === QUOTE) return at;
    at += c === BACKSLASH ? 2 : 1;
  }
  // A long one: quotes found natively, each checked for an odd run of backslashes before it.
  for (;;) {
    const quote = json.indexOf(QUOTE, at);
    if (quote < 0) throw new SyntaxError('unterminated JSON string');
    let slashes = 0;
    for (let i = quote - 1; json[i] === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/** The index after the JSON value starting at `start`. */
export function skipValue(json: Buffer, start: number): number {
  const c = json[start];
  if (c === QUOTE) return stringEnd(json, start) + 1;
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    // A number or a literal: up to the next delimiter.
    let at = start;
    for (;;) {
      const d = json[at];
      if (d === undefined || d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
      at++;
    }
    if (at === start) throw new SyntaxError(`no JSON value at ${start}`);
    return at;
  }
  // One tight loop, strings and escapes included.
  let depth = 0;
  let at = start;
  for (;;) {
    const d = json[at++];
    if (d === QUOTE) at = stringEnd(json, at - 1) + 1;
    else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      if (--depth === 0) return at;
    } else if (d === undefined) throw new SyntaxError('unterminated JSON value');
  }
}
