// scheduling.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/scheduling/v1/defaults.go (1.36).
import { isNil, type DefaultsTable } from './types.js';

export const schedulingV1Defaults: DefaultsTable = {
  'io.k8s.api.scheduling.v1.PriorityClass': {
    apply: (pc) => {
      if (isNil(pc['preemptionPolicy'])) pc['preemptionPolicy'] = 'PreemptLowerPriority';
    },
  },
};
