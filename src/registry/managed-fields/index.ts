// Field management: metadata.managedFields on every write and server-side apply.
export { createFieldManager } from './field-manager.js';
export type { ApplyArgs, FieldManager, FieldManagerOptions, Obj, UpdateArgs } from './field-manager.js';
export type { ManagedFieldsEntry } from './managed-fields-codec.js';
export { ApplyConflictError, ApplyError } from './errors.js';
export type { ApplyConflict } from './errors.js';
export { fieldManagerMaxLength, managerFromUserAgent, validateFieldManager } from './manager-name.js';
export { lastAppliedAnnotation } from './last-applied.js';
