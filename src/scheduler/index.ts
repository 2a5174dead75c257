// kube-scheduler (see scheduler.ts): binds unscheduled pods whose schedulerName is
// default-scheduler to nodes. Runs in the controller manager as a controller of component
// kube-scheduler, switched off with --controllers '*,-scheduler'.
import type { ControllerDefinition } from '../controllers/runtime/controller.js';
import { startScheduler, type SchedulerOptions } from './scheduler.js';

export function createSchedulerDefinition(opts: SchedulerOptions = {}): ControllerDefinition {
  return {
    name: 'scheduler',
    aliases: ['kube-scheduler'],
    component: 'kube-scheduler',
    start: (ctx) => startScheduler(ctx, opts),
  };
}

export const schedulerDefinition: ControllerDefinition = createSchedulerDefinition();
export { seededRandom, type RandomSource } from './random-source.js';
export type { SchedulerOptions } from './scheduler.js';
