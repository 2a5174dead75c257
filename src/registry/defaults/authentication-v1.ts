// authentication.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/authentication/v1/defaults.go
// (1.36): a TokenRequest (serviceaccounts/token) asks for one hour unless it says otherwise.
import { isNil, type DefaultsTable } from './types.js';

export const authenticationV1Defaults: DefaultsTable = {
  'io.k8s.api.authentication.v1.TokenRequest': { valueStructs: ['spec'] },
  'io.k8s.api.authentication.v1.TokenRequestSpec': {
    apply: (spec) => {
      if (isNil(spec['expirationSeconds'])) spec['expirationSeconds'] = 3600;
    },
  },
};
