import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mutatingAdmissionPolicyBindingPrinter, mutatingAdmissionPolicyPrinter, mutatingWebhookConfigurationPrinter,
  validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, validatingWebhookConfigurationPrinter,
} from './admission.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string) => ({ name, creationTimestamp: '2024-05-01T09:00:00Z' });

test('webhook configurations count their webhooks', () => {
  const webhooks = [{ name: 'a.example.com' }, { name: 'b.example.com' }];
  assert.deepEqual(mutatingWebhookConfigurationPrinter.cells({ metadata: meta('inject'), webhooks }, now), ['inject', 2, '3h']);
  assert.deepEqual(validatingWebhookConfigurationPrinter.cells({ metadata: meta('none') }, now), ['none', 0, '3h']);
});

test('admission policies count rules and show their param kind', () => {
  const policy = {
    metadata: meta('max-replicas'),
    spec: {
      paramKind: { apiVersion: 'rules.example.com/v1', kind: 'ReplicaLimit' },
      validations: [{ expression: 'object.spec.replicas <= params.maxReplicas' }],
    },
  };
  assert.deepEqual(validatingAdmissionPolicyPrinter.cells(policy, now), ['max-replicas', 1, 'rules.example.com/v1/ReplicaLimit', '3h']);
  assert.deepEqual(
    mutatingAdmissionPolicyPrinter.cells({ metadata: meta('add-label'), spec: { mutations: [{}, {}] } }, now),
    ['add-label', 2, '<unset>', '3h'],
  );
});

test('policy bindings render their param reference', () => {
  const cases: Array<[any, string]> = [
    [undefined, '<unset>'],
    [{ name: 'limits', namespace: 'team-a' }, 'team-a/limits'],
    [{ name: 'limits' }, '*/limits'],
    [{ selector: { matchLabels: { env: 'prod' } } }, '&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{},}'],
  ];
  for (const [paramRef, expected] of cases) {
    const binding = { metadata: meta('b'), spec: { policyName: 'max-replicas', paramRef, validationActions: ['Deny'] } };
    assert.deepEqual(validatingAdmissionPolicyBindingPrinter.cells(binding, now), ['b', 'max-replicas', expected, '3h']);
    assert.deepEqual(mutatingAdmissionPolicyBindingPrinter.cells(binding, now), ['b', 'max-replicas', expected, '3h']);
  }
});
