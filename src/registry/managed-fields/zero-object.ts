// The "empty" object a create is compared against. The real server compares a new object with
// the Go zero value of its kind, which is not `{}`: struct-valued fields print as `{}`, some
// slices and pointers as null, some scalars as their zero. That decides, for example, that the
// creator of a Deployment owns `f:spec` only through its children (spec existed, empty) but
// owns `f:strategy: {f:rollingUpdate: {.: {}}}` (rollingUpdate did not exist). The zero values
// are those the write pipeline fills in (schema/go-form), so a field Go prints whatever the
// writer sent is never the writer's.
import type { GoForms } from '../../schema/go-form/index.js';
import { deepFreeze, type JsonMap } from './json-value.js';

export interface ZeroObjects {
  /** The zero value of a definition, frozen and shared: read it, never change it. */
  of(definitionName: string): JsonMap;
}

export function createZeroObjects(forms: GoForms): ZeroObjects {
  const cache = new Map<string, JsonMap>();
  return {
    of(name) {
      let zero = cache.get(name);
      if (zero === undefined) cache.set(name, (zero = deepFreeze(forms.zero(name))));
      return zero;
    },
  };
}

