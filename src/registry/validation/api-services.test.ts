// APIService validation, with kube-aggregator's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../apierrors/field-errors.js';
import { validateApiService } from './api-services.js';

const api = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec: { groupPriorityMinimum: 1000, versionPriority: 15, ...spec } });
const render = (obj: unknown) => validateApiService(obj).map(fieldErrorString);

const cases: [string, unknown, string[]][] = [
  ['core group, local', api('v1.', { group: '', version: 'v1' }), []],
  ['remote', api('v1alpha1.wardle.example.com', { group: 'wardle.example.com', version: 'v1alpha1', service: { namespace: 'w', name: 'api', port: 443 }, insecureSkipTLSVerify: true }), []],
  ['name must be version.group', api('wardle', { group: 'wardle.example.com', version: 'v1' }), ['metadata.name: Invalid value: "wardle": must be `spec.version+"."+spec.group`: "v1.wardle.example.com"']],
  ['empty group only for v1', api('v2.', { group: '', version: 'v2' }), ['spec.group: Required value: only v1 may have an empty group and it better be legacy kube']],
  [
    'priorities in range',
    { metadata: { name: 'v1.a.b' }, spec: { group: 'a.b', version: 'v1', groupPriorityMinimum: 0, versionPriority: 1001 } },
    ['spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000', 'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000'],
  ],
  [
    'local APIServices carry no TLS settings',
    api('v1.a.b', { group: 'a.b', version: 'v1', caBundle: Buffer.from('abc').toString('base64'), insecureSkipTLSVerify: true }),
    ['spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle', 'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify'],
  ],
  [
    'a remote one names its Service, and not both TLS settings',
    api('v1.a.b', { group: 'a.b', version: 'v1', service: { port: 70000 }, caBundle: 'YWJj', insecureSkipTLSVerify: true }),
    [
      'spec.service.namespace: Required value',
      'spec.service.name: Required value',
      'spec.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive',
      'spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present',
    ],
  ],
];

for (const [name, obj, want] of cases) {
  test(`APIService: ${name}`, () => assert.deepEqual(render(obj), want));
}
