// discovery.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/discovery/v1/defaults.go (1.36).
import { isNil, type DefaultsTable } from './types.js';

export const discoveryV1Defaults: DefaultsTable = {
  'io.k8s.api.discovery.v1.EndpointPort': {
    apply: (port) => {
      if (isNil(port['name'])) port['name'] = '';
      if (isNil(port['protocol'])) port['protocol'] = 'TCP';
    },
  },
};
