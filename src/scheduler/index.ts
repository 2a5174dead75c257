// kube-scheduler (see scheduler.ts): binds unscheduled pods whose schedulerName is
// default-scheduler to nodes. Runs in the controller manager as a controller of component
// kube-scheduler, switched off with --controllers '*,-scheduler'.
import type { ControllerDefinition } from '../controllers/runtime/controller.js';

export const schedulerDefinition: ControllerDefinition = {
  name: 'scheduler',
  aliases: ['kube-scheduler'],
  component: 'kube-scheduler',
  start: () => ({ stop() {} }),
};
