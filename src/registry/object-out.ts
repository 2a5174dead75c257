// An object on its way out: its JSON bytes, its JSON text or its parsed form, whichever it was
// born as, with the others computed only if someone asks (most GETs and LISTs never parse).
import type { KubeObject } from '../machinery/object.js';
import { goJsonEscape } from '../machinery/go-json-text.js';

const newline = Buffer.from('\n');

export class ObjectOut {
  private bytes: Buffer | undefined;
  private text: string | undefined;
  private parsed: KubeObject | undefined;
  /** `parsed` is this ObjectOut's alone: the first copy() may hand it over instead of parsing again. */
  private owned = false;

  private constructor(bytes: Buffer | undefined, text: string | undefined, parsed: KubeObject | undefined) {
    this.bytes = bytes;
    this.text = text;
    this.parsed = parsed;
  }

  static fromRaw(bytes: Buffer): ObjectOut {
    return new ObjectOut(bytes, undefined, undefined);
  }

  static fromJson(text: string): ObjectOut {
    return new ObjectOut(undefined, text, undefined);
  }

  static fromObject(obj: KubeObject): ObjectOut {
    return new ObjectOut(undefined, undefined, obj);
  }

  /**
   * What a write stored: its JSON text, and the object it was encoded from, which nothing else
   * holds any more — an in-process writer gets that object back without a parse.
   */
  static fromWritten(text: string, written: KubeObject): ObjectOut {
    const out = new ObjectOut(undefined, text, written);
    out.owned = true;
    return out;
  }

  /** UTF-8 JSON bytes, ready to send. */
  get raw(): Buffer {
    return (this.bytes ??= Buffer.from(this.json, 'utf8'));
  }

  get json(): string {
    return (this.text ??= this.bytes ? this.bytes.toString('utf8') : goJsonEscape(JSON.stringify(this.parsed)));
  }

  /** The JSON and a newline (as Go's json.Encoder writes it), from the form at hand: no extra encoding or copy. */
  get line(): Buffer | string {
    if (this.bytes) return Buffer.concat([this.bytes, newline]);
    return `${this.json}\n`;
  }

  /** The parsed object. Callers must not mutate it; use copy() for that. */
  get object(): KubeObject {
    this.owned = false;
    return (this.parsed ??= JSON.parse(this.json) as KubeObject);
  }

  copy(): KubeObject {
    if (this.owned) {
      this.owned = false;
      return this.parsed!;
    }
    return JSON.parse(this.json) as KubeObject;
  }
}
