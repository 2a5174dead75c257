export { createDefaulter, type ApplyDefaults, type DefaulterDeps } from './defaulter.js';
export { builtinDefaults } from './builtin.js';
export { imageTag, defaultPullPolicy } from './image-reference.js';
export type { DefaultsTable, DefinitionDefaults, Defaulter, DefaultingContext } from './types.js';
