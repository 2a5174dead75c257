// Kubernetes' own validation rules on top of the schema: object metadata and per-kind rules,
// producing FieldErrors worded as kube-apiserver words them.
export { nameValidators, type NameValidator } from './name-validators.js';
export { validateObjectMeta, validateObjectMetaUpdate, type ObjectMetaOptions } from './object-meta.js';
export { validateLabels, validateLabelSelector } from './labels.js';
export { kindValidations, type KindValidation } from './kind-validations.js';
