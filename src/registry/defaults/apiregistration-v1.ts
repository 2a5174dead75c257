// apiregistration.k8s.io/v1 defaults: k8s.io/kube-aggregator pkg/apis/apiregistration/v1/
// defaults.go (1.36): an APIService's service port.
import { isNil, type DefaultsTable } from './types.js';

export const apiregistrationV1Defaults: DefaultsTable = {
  'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference': {
    apply: (ref) => {
      if (isNil(ref['port'])) ref['port'] = 443;
    },
  },
};
