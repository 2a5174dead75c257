// Decoding-time checks of request bodies against the OpenAPI schema: what kube-apiserver's
// JSON/YAML decoder rejects, warns about and normalizes before validation runs.
export { createSchemaChecker, type CheckOptions, type DecodeCheckResult, type FieldValidationMode, type SchemaChecker } from './schema-checker.js';
export { findDuplicateJsonFields } from './duplicate-fields.js';
export { parseYamlStrict, YamlSyntaxError, type YamlParseResult } from './yaml-strict.js';
export { canonicalQuantity, type QuantityResult } from './quantity.js';
