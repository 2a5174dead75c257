// apiextensions.k8s.io/v1 defaults: k8s.io/apiextensions-apiserver pkg/apis/apiextensions/v1/
// defaults.go (1.36): CRD names, conversion strategy, the stored version, webhook service port.
import { isEmptyList, isEmptyString, isNil, objectAt, objectsAt, structField, type DefaultsTable, type JsonMap } from './types.js';

const apiextensions = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

function customResourceDefinition(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  const names = structField(spec, 'names');
  const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
  if (isEmptyString(names['singular'])) names['singular'] = kind.toLowerCase();
  if (isEmptyString(names['listKind']) && kind !== '') names['listKind'] = `${kind}List`;
  if (isNil(spec['conversion'])) spec['conversion'] = { strategy: 'None' };
  const status = objectAt(obj, 'status');
  if (!status || isEmptyList(status['storedVersions'])) {
    const storage = objectsAt(spec, 'versions').find((v) => v['storage'] === true);
    if (storage) structField(obj, 'status')['storedVersions'] = [storage['name']];
  }
}

export const apiextensionsV1Defaults: DefaultsTable = {
  [`${apiextensions}CustomResourceDefinition`]: { apply: customResourceDefinition },
  [`${apiextensions}ServiceReference`]: {
    apply: (ref) => {
      if (isNil(ref['port'])) ref['port'] = 443;
    },
  },
};
