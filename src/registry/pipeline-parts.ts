// The code behind the write pipeline (schema checks, defaulting, validation, patching), gathered
// in one module so the pipeline can load it after the server starts listening.
export { createSchemaChecker } from '../schema/validation/index.js';
export { createDefaulter } from './defaults/index.js';
export { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from '../machinery/patch/index.js';
export { createPatchSchemaResolver } from '../schema/patch-schema.js';
export { createFieldManager, managerFromUserAgent, ApplyError } from './managed-fields/index.js';
export { kindValidations, nameValidators, validateObjectMeta, validateObjectMetaUpdate } from './validation/index.js';
export { createGoForms, findProtoDir } from '../schema/go-form/index.js';
