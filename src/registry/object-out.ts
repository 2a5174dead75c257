// An object on its way out: its JSON text or its parsed form, whichever it was born as, with
// the other computed only if someone asks (most GETs and LISTs never parse).
import type { KubeObject } from '../machinery/object.js';

export class ObjectOut {
  private text: string | undefined;
  private parsed: KubeObject | undefined;

  private constructor(text: string | undefined, parsed: KubeObject | undefined) {
    this.text = text;
    this.parsed = parsed;
  }

  static fromJson(text: string): ObjectOut {
    return new ObjectOut(text, undefined);
  }

  static fromObject(obj: KubeObject): ObjectOut {
    return new ObjectOut(undefined, obj);
  }

  get json(): string {
    return (this.text ??= JSON.stringify(this.parsed));
  }

  /** The parsed object. Callers must not mutate it; use copy() for that. */
  get object(): KubeObject {
    return (this.parsed ??= JSON.parse(this.text!) as KubeObject);
  }

  copy(): KubeObject {
    return JSON.parse(this.json) as KubeObject;
  }
}
