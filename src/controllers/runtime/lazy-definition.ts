// A controller definition whose code is loaded when it starts: its name, aliases and identity
// are known at once (to check --controllers and to make its credentials), and its module, with
// the informers and reconcilers behind it, is imported only then — after the API server serves.
import type { ControllerDefinition } from './controller.js';

export type ControllerIdentity = Omit<ControllerDefinition, 'start'>;

export function lazyControllerDefinition(identity: ControllerIdentity, load: () => Promise<ControllerDefinition>): ControllerDefinition {
  return { ...identity, start: async (ctx) => (await load()).start(ctx) };
}
