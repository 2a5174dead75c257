// The configurations of admission. Webhook configurations are obeyed (webhooks/admission/), but
// for their matchConditions: CEL is not evaluated, which a Warning says on every write that has
// some. Admission policies are stored and never enforced: their writes say so in a Warning
// rather than let a user believe the cluster applies them.
import type { FieldError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Strategy } from '../strategy.js';
import { validateWebhookClientConfig, type ClientConfigInput } from '../validation/webhook-client-config.js';

interface WebhookEntry {
  name?: string;
  clientConfig?: ClientConfigInput;
  matchConditions?: unknown[];
}

const webhooksOf = (obj: KubeObject) => ((obj as { webhooks?: WebhookEntry[] }).webhooks ?? []);

function matchConditionWarnings(obj: KubeObject): string[] {
  return webhooksOf(obj)
    .filter((w) => (w.matchConditions ?? []).length > 0)
    .map((w) => `kubemu does not evaluate matchConditions (CEL): webhook "${w.name ?? ''}" is called for every request its rules match`);
}

function validateClientConfigs(obj: KubeObject): FieldError[] {
  return webhooksOf(obj).flatMap((w, i) => validateWebhookClientConfig(`webhooks[${i}].clientConfig`, w.clientConfig));
}

export const webhookConfigurationStrategy: Strategy = {
  tracksGeneration: true,
  validate: validateClientConfigs,
  validateUpdate: (obj) => validateClientConfigs(obj),
  warningsOnCreate: matchConditionWarnings,
  warningsOnUpdate: (obj) => matchConditionWarnings(obj),
};

function notEnforced(kind: string): (obj: KubeObject) => string[] {
  return () => [`kubemu does not enforce ${kind}s: this object is stored, but no request is checked against it`];
}

export const validatingAdmissionPolicyStrategy: Strategy = {
  tracksGeneration: true,
  warningsOnCreate: notEnforced('ValidatingAdmissionPolicy'),
  warningsOnUpdate: notEnforced('ValidatingAdmissionPolicy'),
};

export const validatingAdmissionPolicyBindingStrategy: Strategy = {
  tracksGeneration: true,
  warningsOnCreate: notEnforced('ValidatingAdmissionPolicyBinding'),
  warningsOnUpdate: notEnforced('ValidatingAdmissionPolicyBinding'),
};
