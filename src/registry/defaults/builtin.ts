// The defaults of every GA built-in group-version, keyed by OpenAPI definition name.
import { admissionregistrationV1Defaults } from './admissionregistration-v1.js';
import { apiextensionsV1Defaults } from './apiextensions-v1.js';
import { apiregistrationV1Defaults } from './apiregistration-v1.js';
import { appsV1Defaults } from './apps-v1.js';
import { authenticationV1Defaults } from './authentication-v1.js';
import { autoscalingDefaults } from './autoscaling.js';
import { batchV1Defaults } from './batch-v1.js';
import { coreV1Defaults } from './core-v1.js';
import { discoveryV1Defaults } from './discovery-v1.js';
import { flowcontrolV1Defaults } from './flowcontrol-v1.js';
import { networkingV1Defaults } from './networking-v1.js';
import { rbacV1Defaults } from './rbac-v1.js';
import { resourceV1Defaults } from './resource-v1.js';
import { schedulingV1Defaults } from './scheduling-v1.js';
import { storageV1Defaults } from './storage-v1.js';
import type { DefaultsTable } from './types.js';

export const builtinDefaults: DefaultsTable = Object.freeze({
  ...coreV1Defaults,
  ...appsV1Defaults,
  ...batchV1Defaults,
  ...autoscalingDefaults,
  ...networkingV1Defaults,
  ...rbacV1Defaults,
  ...storageV1Defaults,
  ...discoveryV1Defaults,
  ...schedulingV1Defaults,
  ...admissionregistrationV1Defaults,
  ...flowcontrolV1Defaults,
  ...resourceV1Defaults,
  ...authenticationV1Defaults,
  ...apiextensionsV1Defaults,
  ...apiregistrationV1Defaults,
});
