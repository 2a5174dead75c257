// The three PATCH algorithms of kube-apiserver, as pure functions over decoded JSON.
export { applyJsonPatch, maxJsonPatchOperations } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { PatchError, genericUnprocessableMessage, type PatchErrorKind, type PatchErrorReason } from './patch-error.js';
export { parsePatchStrategy, type PatchFieldSchema, type PatchSchemaNode, type PatchStrategy } from './patch-schema-node.js';
