// Objects as Go writes them: struct field order, zero values Go always prints (see go-form.ts).
import { locateProtoDir } from '../spec-files.js';

export { createGoForms, type GoForms, type GoFormOptions } from './go-form.js';

/** The .proto folder that gives field order, or undefined where there is none (fields then keep their written order). */
export function findProtoDir(): string | undefined {
  try {
    return locateProtoDir();
  } catch {
    return undefined;
  }
}
