// admissionregistration.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/admissionregistration/v1/
// defaults.go (1.36). v1 webhooks must state sideEffects and admissionReviewVersions themselves;
// only v1beta1 defaulted those. Rule is embedded in (Named)RuleWithOperations, so its scope default
// applies to both definitions.
import { isNil, type DefaultsTable, type JsonMap } from './types.js';

const admission = 'io.k8s.api.admissionregistration.v1.';

function setIfNil(obj: JsonMap, key: string, value: unknown): void {
  if (isNil(obj[key])) obj[key] = value;
}

function matching(obj: JsonMap): void {
  setIfNil(obj, 'matchPolicy', 'Equivalent');
  setIfNil(obj, 'namespaceSelector', {});
  setIfNil(obj, 'objectSelector', {});
}

function webhook(obj: JsonMap): void {
  setIfNil(obj, 'failurePolicy', 'Fail');
  matching(obj);
  setIfNil(obj, 'timeoutSeconds', 10);
}

function failClosed(spec: JsonMap): void {
  setIfNil(spec, 'failurePolicy', 'Fail');
}

function ruleScope(rule: JsonMap): void {
  setIfNil(rule, 'scope', '*');
}

export const admissionregistrationV1Defaults: DefaultsTable = {
  [`${admission}ValidatingWebhook`]: { apply: webhook },
  [`${admission}MutatingWebhook`]: {
    apply: (obj) => {
      webhook(obj);
      setIfNil(obj, 'reinvocationPolicy', 'Never');
    },
  },
  [`${admission}RuleWithOperations`]: { apply: ruleScope },
  [`${admission}NamedRuleWithOperations`]: { apply: ruleScope },
  [`${admission}ServiceReference`]: { apply: (ref) => setIfNil(ref, 'port', 443) },
  [`${admission}ValidatingAdmissionPolicy`]: { valueStructs: ['spec'] },
  [`${admission}ValidatingAdmissionPolicySpec`]: { apply: failClosed },
  [`${admission}MutatingAdmissionPolicy`]: { valueStructs: ['spec'] },
  [`${admission}MutatingAdmissionPolicySpec`]: { apply: failClosed },
  [`${admission}MatchResources`]: { apply: matching },
};
