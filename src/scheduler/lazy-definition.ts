// kube-scheduler's definition with its code loaded when it starts (after the API server serves).
// Its identity is index.ts's createSchedulerDefinition(); builtin-definitions.test.ts keeps them alike.
import type { ControllerDefinition } from '../controllers/runtime/controller.js';
import { lazyControllerDefinition } from '../controllers/runtime/lazy-definition.js';

export const lazySchedulerDefinition: ControllerDefinition = lazyControllerDefinition(
  { name: 'scheduler', aliases: ['kube-scheduler'], component: 'kube-scheduler' },
  async () => (await import('./index.js')).schedulerDefinition,
);
