// Converts one kind between the version a client uses and the version it is stored in.
import type { KubeObject } from '../../machinery/object.js';

export interface Conversion {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}
