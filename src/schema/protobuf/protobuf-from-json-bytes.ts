// An object's stored JSON bytes → protobuf bytes of its message, without parsing the JSON into
// objects: the bytes of strings (most of an object) are copied as they are, field names are looked
// up in the message's plan, and an embedded object (RawExtension, FieldsV1) is its JSON slice.
// It writes exactly what protobuf-from-json.ts writes for JSON.parse of the same bytes, on one
// assumption: the bytes are JSON.stringify's output, as the storage backends write them (compact,
// no duplicate keys, keys in the order JSON.parse would give them). Anything that path would write
// differently, or would refuse (a string where a number is wanted, an unparsable time, a map
// key JSON.parse would reorder, a lone surrogate …), makes this one give up: it throws
// NotOnFastPath, and the caller encodes that object the old way.
import type { ChunkWriter } from './chunk-writer.js';
import { parseGoDuration, parseRfc3339, type UnixTime } from './go-time.js';
import type { FieldPlan, MessagePlan, ScalarType, ValuePlan } from './message-plan.js';
import type { SpecialKind } from './special-messages.js';

/** Thrown (a symbol: no stack to capture) when an object must go through JSON.parse instead. */
export const NotOnFastPath: unique symbol = Symbol('NotOnFastPath');

const VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const LOWER_N = 0x6e, LOWER_T = 0x74, LOWER_F = 0x66, MINUS = 0x2d, ZERO = 0x30, NINE = 0x39;

/** A field's JSON name as bytes, and where a two-pass read keeps its value's position. */
interface KeyEntry {
  readonly name: Uint8Array;
  readonly field: FieldPlan;
  readonly slot: number;
  /** The FastPlan of the field's message (its elements', its map values'), once looked up. */
  child: FastPlan | undefined;
  /** For a plain string field (most fields) with a one-byte tag: that tag, else -1. */
  readonly stringTag: number;
}

/** How a message with inlined fields is written: its fields in order, inlined ones with theirs. */
type Step = { readonly entry: KeyEntry } | { readonly field: FieldPlan; readonly inline: readonly Step[]; readonly innerFast: FastPlan };

/** What the transcoder keeps per message plan, built on first use. */
interface FastPlan {
  readonly plan: MessagePlan;
  /** Field names (of inlined messages too) by keyHash. */
  readonly keys: Map<number, KeyEntry | KeyEntry[]>;
  /**
   * Set when the message inlines others: their keys are among its own, so it is read in two
   * passes (where each value is, then the fields in order).
   */
  readonly steps: readonly Step[] | undefined;
  readonly slots: number;
  /** Two fields read the same key, or an inlined field is not a message (never seen): such messages take the other path. */
  readonly ambiguous: boolean;
  /** Length bytes the last value of this message took: the guess for the next one. */
  lengthBytes: number;
}

const fastPlans = new WeakMap<MessagePlan, FastPlan>();

/** A hash of a key's bytes that stays a small integer (a fast Map key); candidates are then compared. */
function keyHash(src: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + src[i]!) & 0x3fffffff;
  return h;
}

function fastPlanOf(plan: MessagePlan): FastPlan {
  let fast = fastPlans.get(plan);
  if (fast) return fast;
  const keys = new Map<number, KeyEntry | KeyEntry[]>();
  let slots = 0;
  let ambiguous = false;
  const hasInline = plan.fields.some((f) => f.inline);
  const addKey = (field: FieldPlan): KeyEntry => {
    const name = Buffer.from(field.jsonName, 'utf8');
    const plainString = !field.map && !field.repeated && field.value.type === 'scalar' && field.value.scalar === 'string';
    const stringTag = plainString && tag(field.id, LENGTH_DELIMITED) < 0x80 ? tag(field.id, LENGTH_DELIMITED) : -1;
    const entry: KeyEntry = { name, field, slot: hasInline ? slots++ : field.index, child: undefined, stringTag };
    const h = keyHash(name, 0, name.length);
    const there = keys.get(h);
    if (there === undefined) keys.set(h, entry);
    else {
      const list = Array.isArray(there) ? there : [there];
      if (list.some((e) => e.field.jsonName === field.jsonName)) ambiguous = true;
      list.push(entry);
      keys.set(h, list);
    }
    return entry;
  };
  const stepsOf = (p: MessagePlan, depth: number): Step[] =>
    p.fields.map((field): Step => {
      if (!field.inline) return { entry: addKey(field) };
      if (field.value.type !== 'message' || depth > 8) {
        // What the other path refuses (or a loop of inlined messages): never written from here.
        ambiguous = true;
        return { entry: addKey(field) };
      }
      return { field, inline: stepsOf(field.value.message, depth + 1), innerFast: fastPlanOf(field.value.message) };
    });
  let steps: Step[] | undefined;
  if (hasInline) steps = stepsOf(plan, 0);
  else for (const field of plan.fields) addKey(field);
  fast = { plan, keys, steps, slots, ambiguous, lengthBytes: 1 };
  fastPlans.set(plan, fast);
  return fast;
}

/** The entry of the key in `src` from `start` to `end` (of keyHash `h`), if it names a field. */
function lookupKey(fast: FastPlan, h: number, src: Uint8Array, start: number, end: number): KeyEntry | undefined {
  const found = fast.keys.get(h);
  if (found === undefined) return undefined;
  if (!Array.isArray(found)) return sameBytes(found.name, src, start, end) ? found : undefined;
  for (const entry of found) if (sameBytes(entry.name, src, start, end)) return entry;
  return undefined;
}

/** Strings up to this long take one length byte (below 128) and are copied byte by byte. */
const shortString = 64;

/** The next quote from `at` (-1: none): most strings are short, and a loop beats a native call on those. */
function quoteFrom(src: Buffer, at: number): number {
  const stop = Math.min(at + 48, src.length);
  for (let i = at; i < stop; i++) if (src[i] === QUOTE) return i;
  return stop === src.length ? -1 : src.indexOf(QUOTE, stop);
}

function sameBytes(name: Uint8Array, src: Uint8Array, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) if (name[i] !== src[start + i]) return false;
  return true;
}

function tag(id: number, wireType: number): number {
  return ((id << 3) | wireType) >>> 0;
}

/**
 * Writes one object (all of `src`) as the fields of `plan`'s message, without a length prefix.
 * Throws NotOnFastPath (having written part of it: the caller rewinds).
 */
export function writeMessageFromJson(plan: MessagePlan, src: Buffer, out: ChunkWriter): void {
  if (writeMessageFromJsonAt(plan, src, 0, out) !== src.length) throw NotOnFastPath;
}

/**
 * Writes the object that starts at `start` in `src` (a member of a larger object: an object's
 * metadata) as the fields of `plan`'s message; returns the index after it. Throws NotOnFastPath
 * as writeMessageFromJson.
 */
export function writeMessageFromJsonAt(plan: MessagePlan, src: Buffer, start: number, out: ChunkWriter): number {
  if (src[start] !== OPEN_BRACE) throw NotOnFastPath;
  const t = new Transcoder(src, out, start);
  t.message(fastPlanOf(plan));
  return t.pos;
}

class Transcoder {
  pos = 0;
  /**
   * Where the next backslash is (Infinity: none), never behind pos: a string that ends before it
   * has no escapes, and its bytes are the value's UTF-8 as they are.
   */
  private nextBackslash: number;

  /** Set while the second pass of a two-pass object goes over bytes holding escapes. */
  private escapesInObject = false;

  constructor(
    private readonly src: Buffer,
    private readonly out: ChunkWriter,
    start: number,
  ) {
    this.pos = start;
    this.nextBackslash = this.backslashFrom(start);
  }

  private backslashFrom(at: number): number {
    const found = this.src.indexOf(BACKSLASH, at);
    return found < 0 ? Infinity : found;
  }

  // ---------- messages ----------

  /** The object at pos as the fields of `fast`'s message, in its plan's (Go's) order. */
  message(fast: FastPlan): void {
    if (fast.ambiguous) throw NotOnFastPath;
    if (fast.steps) return this.messageInTwoPasses(fast, fast.steps);
    const src = this.src;
    const objectStart = this.pos;
    const outStart = this.out.pos;
    const backslashAtStart = this.nextBackslash;
    this.pos++;
    if (src[this.pos] === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    let last = -1;
    for (;;) {
      const entry = this.key(fast);
      if (entry === undefined) this.skipValue();
      else {
        const index = entry.field.index;
        if (index <= last) {
          // Keys out of the plan's order: start the object again, in two passes.
          this.pos = objectStart;
          this.out.pos = outStart;
          this.nextBackslash = backslashAtStart;
          return this.messageInTwoPasses(fast, undefined);
        }
        last = index;
        const c = src[this.pos];
        if (c === LOWER_N) this.literal(4);
        else if (entry.stringTag >= 0 && c === QUOTE) {
          this.out.byte(entry.stringTag);
          this.stringBytes();
        } else this.field(entry);
      }
      const c = src[this.pos++];
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) return;
      throw NotOnFastPath;
    }
  }

  /**
   * First where each key's value is, then the fields in the plan's order (`steps`, where
   * inlined messages read the same keys; else the plan's own fields).
   */
  private messageInTwoPasses(fast: FastPlan, steps: readonly Step[] | undefined): void {
    if (fast.ambiguous) throw NotOnFastPath;
    const src = this.src;
    const values: number[] = new Array<number>(steps ? fast.slots : 0);
    const found: KeyEntry[] = [];
    const backslashAtStart = this.nextBackslash;
    this.pos++;
    if (src[this.pos] === CLOSE_BRACE) this.pos++;
    else {
      for (;;) {
        const entry = this.key(fast);
        if (entry !== undefined) {
          if (values[entry.slot] === undefined && !steps) found.push(entry);
          values[entry.slot] = this.pos;
        }
        this.skipValue();
        const c = src[this.pos++];
        if (c === COMMA) continue;
        if (c === CLOSE_BRACE) break;
        throw NotOnFastPath;
      }
    }
    const end = this.pos;
    // The second pass goes back over the object: where it holds escapes, the next backslash
    // is looked for again from each value.
    const escapes = backslashAtStart < end;
    const outer = this.escapesInObject;
    this.escapesInObject = escapes;
    if (steps) this.steps(steps, values);
    else {
      found.sort((a, b) => a.field.index - b.field.index);
      for (const entry of found) this.fieldAt(entry, values[entry.slot]!);
    }
    this.escapesInObject = outer;
    this.pos = end;
    this.nextBackslash = escapes ? this.backslashFrom(end) : backslashAtStart;
  }

  private steps(steps: readonly Step[], values: number[]): void {
    for (const step of steps) {
      if ('inline' in step) {
        this.out.varint(tag(step.field.id, LENGTH_DELIMITED));
        const reserved = step.innerFast.lengthBytes;
        const at = this.out.beginLength(reserved);
        this.steps(step.inline, values);
        step.innerFast.lengthBytes = this.out.endLength(at, reserved);
        continue;
      }
      const at = values[step.entry.slot];
      if (at !== undefined) this.fieldAt(step.entry, at);
    }
  }

  private fieldAt(entry: KeyEntry, at: number): void {
    this.pos = at;
    if (this.escapesInObject) this.nextBackslash = this.backslashFrom(at);
    if (this.src[at] !== LOWER_N) this.field(entry);
  }

  /** Runs `item` at each element of the JSON array at pos (which must be one), and moves past the array. */
  private eachItem(item: () => void): void {
    const src = this.src;
    if (src[this.pos] !== OPEN_BRACKET) throw NotOnFastPath;
    this.pos++;
    if (src[this.pos] === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      item();
      const c = src[this.pos++];
      if (c === COMMA) continue;
      if (c === CLOSE_BRACKET) return;
      throw NotOnFastPath;
    }
  }

  /** A field's non-null value at pos. */
  private field(entry: KeyEntry): void {
    const field = entry.field;
    const src = this.src;
    if (field.map) {
      if (src[this.pos] !== OPEN_BRACE || field.key !== 'string') throw NotOnFastPath;
      this.pos++;
      if (src[this.pos] === CLOSE_BRACE) {
        this.pos++;
        return;
      }
      const entryTag = tag(field.id, LENGTH_DELIMITED);
      for (;;) {
        this.out.varint(entryTag);
        const at = this.out.beginLength(1);
        this.out.byte(tag(1, LENGTH_DELIMITED));
        this.mapKey();
        if (src[this.pos] === LOWER_N) this.literal(4);
        else this.value(2, field.value, entry);
        this.out.endLength(at, 1);
        const c = src[this.pos++];
        if (c === COMMA) continue;
        if (c === CLOSE_BRACE) return;
        throw NotOnFastPath;
      }
    }
    if (field.repeated) {
      this.eachItem(() => {
        if (src[this.pos] === LOWER_N) {
          this.literal(4);
          this.zero(field.id, field.value);
        } else this.value(field.id, field.value, entry);
      });
      return;
    }
    this.value(field.id, field.value, entry);
  }

  private value(id: number, value: ValuePlan, entry: KeyEntry): void {
    switch (value.type) {
      case 'scalar':
        return this.scalar(id, value.scalar);
      case 'message': {
        if (this.src[this.pos] !== OPEN_BRACE) throw NotOnFastPath;
        this.out.varint(tag(id, LENGTH_DELIMITED));
        const fast = (entry.child ??= fastPlanOf(value.message));
        const reserved = fast.lengthBytes;
        const at = this.out.beginLength(reserved);
        this.message(fast);
        fast.lengthBytes = this.out.endLength(at, reserved);
        return;
      }
      case 'special': {
        this.out.varint(tag(id, LENGTH_DELIMITED));
        const at = this.out.beginLength(1);
        this.special(value.special);
        this.out.endLength(at, 1);
        return;
      }
    }
  }

  /** What Go reads a null element of a list as: the zero value. */
  private zero(id: number, value: ValuePlan): void {
    const out = this.out;
    if (value.type !== 'scalar' || value.scalar === 'string' || value.scalar === 'bytes') {
      out.varint(tag(id, LENGTH_DELIMITED));
      out.byte(0);
      return;
    }
    switch (value.scalar) {
      case 'double':
        out.varint(tag(id, FIXED64));
        out.double(0);
        return;
      case 'float':
        out.varint(tag(id, FIXED32));
        out.float(0);
        return;
      default:
        out.varint(tag(id, VARINT));
        out.byte(0);
    }
  }

  private scalar(id: number, scalar: ScalarType): void {
    const src = this.src;
    const out = this.out;
    const c = src[this.pos];
    switch (scalar) {
      case 'string':
        if (c !== QUOTE) throw NotOnFastPath;
        out.varint(tag(id, LENGTH_DELIMITED));
        this.stringBytes();
        return;
      case 'bytes': {
        if (c !== QUOTE) throw NotOnFastPath;
        const bytes = Buffer.from(this.stringValue(), 'base64');
        out.varint(tag(id, LENGTH_DELIMITED));
        out.varint(bytes.length);
        out.copy(bytes, 0, bytes.length);
        return;
      }
      case 'bool':
        if (c === LOWER_T) {
          this.literal(4);
          out.varint(tag(id, VARINT));
          out.byte(1);
        } else if (c === LOWER_F) {
          this.literal(5);
          out.varint(tag(id, VARINT));
          out.byte(0);
        } else throw NotOnFastPath;
        return;
      case 'double':
      case 'float': {
        const n = this.number();
        if (scalar === 'double') {
          out.varint(tag(id, FIXED64));
          out.double(n);
        } else {
          out.varint(tag(id, FIXED32));
          out.float(n);
        }
        return;
      }
      default: {
        const n = this.integer(scalar);
        out.varint(tag(id, VARINT));
        if (n < 0) out.negativeVarint(n);
        else out.varint(n);
      }
    }
  }

  /** Parsed times: an object's timestamps are mostly one and the same. */
  private lastTimeText = '';
  private lastTime: UnixTime | undefined;

  private time(text: string): UnixTime | undefined {
    if (text !== this.lastTimeText) {
      this.lastTimeText = text;
      this.lastTime = parseRfc3339(text);
    }
    return this.lastTime;
  }

  private special(special: SpecialKind): void {
    const src = this.src;
    const out = this.out;
    switch (special) {
      case 'time':
      case 'microTime': {
        if (src[this.pos] !== QUOTE) throw NotOnFastPath;
        const time = this.time(this.stringValue());
        if (!time || !Number.isSafeInteger(time.seconds)) throw NotOnFastPath;
        out.byte(tag(1, VARINT));
        if (time.seconds < 0) out.negativeVarint(time.seconds);
        else out.varint(time.seconds);
        out.byte(tag(2, VARINT));
        out.varint(time.nanos);
        return;
      }
      case 'duration': {
        if (src[this.pos] !== QUOTE) throw NotOnFastPath;
        const nanos = parseGoDuration(this.stringValue());
        if (nanos === undefined || !Number.isSafeInteger(nanos)) throw NotOnFastPath;
        out.byte(tag(1, VARINT));
        if (nanos < 0) out.negativeVarint(nanos);
        else out.varint(nanos);
        return;
      }
      case 'intOrString':
        if (src[this.pos] === QUOTE) {
          out.byte(tag(1, VARINT));
          out.byte(1);
          out.byte(tag(3, LENGTH_DELIMITED));
          this.stringBytes();
        } else {
          const n = this.integer('int32');
          out.byte(tag(1, VARINT));
          out.byte(0);
          out.byte(tag(2, VARINT));
          if (n < 0) out.negativeVarint(n);
          else out.varint(n);
        }
        return;
      case 'quantity':
        if (src[this.pos] !== QUOTE) throw NotOnFastPath;
        out.byte(tag(1, LENGTH_DELIMITED));
        this.stringBytes();
        return;
      case 'rawExtension':
      case 'fieldsV1': {
        // JSON.stringify of the parsed value is the very bytes it was parsed from.
        const start = this.pos;
        this.skipValue();
        out.byte(tag(1, LENGTH_DELIMITED));
        out.varint(this.pos - start);
        out.copy(src, start, this.pos);
        return;
      }
      case 'stringList':
        this.eachItem(() => {
          if (src[this.pos] !== QUOTE) throw NotOnFastPath;
          out.byte(tag(1, LENGTH_DELIMITED));
          this.stringBytes();
        });
        return;
    }
  }

  // ---------- JSON tokens ----------

  /** The field an object key at pos names (undefined: none), leaving pos after its colon. */
  private key(fast: FastPlan): KeyEntry | undefined {
    const src = this.src;
    if (src[this.pos] !== QUOTE) throw NotOnFastPath;
    const start = this.pos + 1;
    // Finding the end and hashing in one loop.
    let h = 0;
    let end = start;
    for (;;) {
      const c = src[end];
      if (c === QUOTE) break;
      if (c === undefined) throw NotOnFastPath;
      h = (Math.imul(h, 31) + c) & 0x3fffffff;
      end++;
    }
    // An escaped key might still spell a field's name: left to JSON.parse.
    if (end > this.nextBackslash) throw NotOnFastPath;
    this.pos = end + 1;
    if (src[this.pos++] !== COLON) throw NotOnFastPath;
    return lookupKey(fast, h, src, start, end);
  }

  /** A map key: its UTF-8 bytes, length first; pos after its colon. */
  private mapKey(): void {
    const src = this.src;
    const c = src[this.pos + 1];
    // JSON.parse puts keys that are array indices ("0", "17") first, in numeric order.
    if (c !== undefined && c >= ZERO && c <= NINE) this.refuseIndexKey();
    this.stringBytes();
    if (src[this.pos++] !== COLON) throw NotOnFastPath;
  }

  private refuseIndexKey(): void {
    const src = this.src;
    let end = this.pos + 1;
    while (src[end]! >= ZERO && src[end]! <= NINE) end++;
    if (src[end] === QUOTE) throw NotOnFastPath;
  }

  /** The string at pos as a length-prefixed UTF-8 value; pos after its closing quote. */
  private stringBytes(): void {
    const src = this.src;
    const start = this.pos + 1;
    // Short strings (most) are copied while their end is looked for, into the place they go
    // after a one-byte length; the output position moves only once the string is known to fit.
    const out = this.out;
    out.ensure(shortString + 1);
    const buf = out.buf;
    const lengthAt = out.pos;
    const stop = Math.min(start + shortString, src.length, this.nextBackslash);
    let o = lengthAt + 1;
    for (let i = start; i < stop; i++) {
      const c = src[i]!;
      if (c === QUOTE) {
        buf[lengthAt] = i - start;
        out.pos = o;
        this.pos = i + 1;
        return;
      }
      buf[o++] = c;
    }
    const end = quoteFrom(src, start);
    if (end < 0) throw NotOnFastPath;
    if (end < this.nextBackslash) {
      this.out.varint(end - start);
      this.out.copy(src, start, end);
      this.pos = end + 1;
      return;
    }
    this.out.lengthPrefixedString(this.stringValue());
  }

  /** The string at pos, decoded; pos after its closing quote. */
  private stringValue(): string {
    const src = this.src;
    const start = this.pos;
    const end = this.stringEnd(start);
    this.pos = end + 1;
    if (end < this.nextBackslash) return src.toString('utf8', start + 1, end);
    const text = src.toString('utf8', start, end + 1);
    // A lone surrogate (written "\udXXX" by JSON.stringify) is UTF-8 encoded differently by
    // protobufjs for short and long strings: leave it to that path.
    if (text.includes('\\ud') || text.includes('\\uD')) throw NotOnFastPath;
    this.nextBackslash = this.backslashFrom(end + 1);
    return JSON.parse(text) as string;
  }

  /** The index of the closing quote of the string starting at `start`. */
  private stringEnd(start: number): number {
    const src = this.src;
    let at = start + 1;
    for (;;) {
      const end = quoteFrom(src, at);
      if (end < 0) throw NotOnFastPath;
      if (end < this.nextBackslash) return end;
      // Escapes before the quote: count the backslashes right before it.
      let slashes = 0;
      for (let i = end - 1; src[i] === BACKSLASH; i--) slashes++;
      if (slashes % 2 === 0) return end;
      at = end + 1;
    }
  }

  /** A JSON number as a number (pos after it). */
  private number(): number {
    const src = this.src;
    const start = this.pos;
    let end = start;
    for (;;) {
      const c = src[end];
      if (c === undefined || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) break;
      end++;
    }
    if (end === start) throw NotOnFastPath;
    const c = src[start]!;
    if (c !== MINUS && (c < ZERO || c > NINE)) throw NotOnFastPath;
    const n = Number(src.toString('latin1', start, end));
    if (Number.isNaN(n)) throw NotOnFastPath;
    this.pos = end;
    return n;
  }

  /** A JSON number that protobufjs would write unchanged as this integer type. */
  private integer(type: ScalarType): number {
    const n = this.plainInteger() ?? this.number();
    if (!Number.isSafeInteger(n)) throw NotOnFastPath;
    switch (type) {
      case 'int32':
        if (n < -2147483648 || n > 2147483647) throw NotOnFastPath;
        break;
      case 'uint32':
        if (n < 0 || n > 4294967295) throw NotOnFastPath;
        break;
      case 'uint64':
        if (n < 0) throw NotOnFastPath;
        break;
    }
    return n;
  }

  /** A number written as up to 15 digits (most are), without making a string of it; else undefined. */
  private plainInteger(): number | undefined {
    const src = this.src;
    let at = this.pos;
    const negative = src[at] === MINUS;
    if (negative) at++;
    const first = at;
    let n = 0;
    for (;;) {
      const c = src[at];
      if (c === undefined || c < ZERO || c > NINE) break;
      n = n * 10 + (c - ZERO);
      at++;
    }
    const d = src[at];
    if (at === first || at - first > 15 || (d !== COMMA && d !== CLOSE_BRACE && d !== CLOSE_BRACKET && d !== undefined)) return undefined;
    this.pos = at;
    return negative ? -n : n;
  }

  /** Skips true, false or null (their length given). */
  private literal(length: number): void {
    this.pos += length;
  }

  /** Skips any JSON value. */
  private skipValue(): void {
    const src = this.src;
    const c = src[this.pos];
    if (c !== QUOTE && c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      // A number or a literal: up to the next delimiter.
      let end = this.pos;
      for (;;) {
        const d = src[end];
        if (d === undefined || d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
        end++;
      }
      if (end === this.pos) throw NotOnFastPath;
      this.pos = end;
      return;
    }
    // One tight loop over the bytes, strings and escapes included: an embedded object
    // (managedFields' FieldsV1 above all) is mostly short strings, many of them escaped.
    let depth = 0;
    let at = this.pos;
    for (;;) {
      const d = src[at++];
      if (d === QUOTE) {
        for (;;) {
          const e = src[at++];
          if (e === QUOTE) break;
          if (e === BACKSLASH) at++;
          else if (e === undefined) throw NotOnFastPath;
        }
        if (depth === 0) break;
      } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) break;
      } else if (d === undefined) throw NotOnFastPath;
    }
    this.pos = at;
    if (at > this.nextBackslash) this.nextBackslash = this.backslashFrom(at);
  }
}
