// Downward API references (env valueFrom and downwardAPI volume items): which pod fields and
// container resources may be exposed to a container.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child } from './field-path.js';
import { isQualifiedName } from './formats.js';
import { recordOrEmpty, str } from './json-value.js';

export const envFieldPathExpressions: readonly string[] = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

export const volumeFieldPathExpressions: readonly string[] = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];

/** Pod fields the v1 field-label conversion knows at all (pods.ConvertDownwardAPIFieldLabel). */
const convertiblePodFields = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

const subscriptRe = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/;

export function pushObjectFieldSelector(errs: FieldError[], selector: unknown, expressions: readonly string[], path: string): void {
  const fs = recordOrEmpty(selector);
  const apiVersion = str(fs.apiVersion);
  const fieldPath = str(fs.fieldPath);
  if (apiVersion === '') {
    errs.push(field.required(child(path, 'apiVersion'), ''));
    return;
  }
  if (fieldPath === '') {
    errs.push(field.required(child(path, 'fieldPath'), ''));
    return;
  }
  const sub = subscriptRe.exec(fieldPath);
  let conversionError: string | undefined;
  if (apiVersion !== 'v1') conversionError = `unsupported pod version: ${apiVersion}`;
  else if (!sub && !convertiblePodFields.has(fieldPath)) conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) {
    errs.push(field.invalid(child(path, 'fieldPath'), fieldPath, `error converting fieldPath: ${conversionError}`));
    return;
  }
  if (sub) {
    const name = sub[1] === 'metadata.annotations' ? sub[2].toLowerCase() : sub[2];
    for (const msg of isQualifiedName(name)) errs.push(field.invalid(path, name, msg));
  } else if (!expressions.includes(fieldPath)) {
    errs.push(field.notSupported(child(path, 'fieldPath'), fieldPath, [...expressions]));
  }
}

const resourceFieldExpressions = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

const cpuDivisors = new Set(['1m', '1']);
const byteDivisors = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);

export function pushResourceFieldSelector(errs: FieldError[], selector: unknown, path: string, inVolume: boolean): void {
  const fs = recordOrEmpty(selector);
  const resource = str(fs.resource);
  if (inVolume && str(fs.containerName) === '') errs.push(field.required(child(path, 'containerName'), ''));
  else if (resource === '') errs.push(field.required(child(path, 'resource'), ''));
  else if (!resourceFieldExpressions.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
    errs.push(field.notSupported(child(path, 'resource'), resource, resourceFieldExpressions));
  }
  const divisor = fs.divisor;
  if (divisor === undefined || divisor === null || divisor === '0' || divisor === 0) return;
  const d = String(divisor);
  const divisorPath = child(path, 'divisor');
  if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !cpuDivisors.has(d)) {
    errs.push(field.invalid(divisorPath, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if ((resource === 'limits.memory' || resource === 'requests.memory') && !byteDivisors.has(d)) {
    errs.push(
      field.invalid(divisorPath, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"),
    );
  } else if ((resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') && !byteDivisors.has(d)) {
    errs.push(
      field.invalid(
        divisorPath,
        resource,
        "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
      ),
    );
  }
  if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !byteDivisors.has(d)) {
    errs.push(
      field.invalid(divisorPath, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"),
    );
  }
}
