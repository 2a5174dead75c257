// The code behind the write pipeline (schema checks, defaulting, validation, patching), gathered
// in one module so the pipeline can load it after the server starts listening.
// From its own module, not the folder's index: that re-exports the YAML parser (and the yaml
// package), which only YAML request bodies need and which loads with them.
export { createSchemaChecker } from '../schema/validation/schema-checker.js';
export { createDefaulter } from './defaults/index.js';
export { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from '../machinery/patch/index.js';
export { createPatchSchemaResolver } from '../schema/patch-schema.js';
export { createFieldManager, managerFromUserAgent, ApplyError } from './managed-fields/index.js';
export { kindValidations, nameValidators, validateObjectMeta, validateObjectMetaUpdate } from './validation/index.js';
export { createGoForms, findProtoDir } from '../schema/go-form/index.js';
