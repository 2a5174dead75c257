export { SelectorParseError } from './selector-parse-error.js';
export { labelKeyErrors, labelValueErrors } from './label-syntax.js';
export type { LabelOperator, LabelRequirement } from './label-requirement.js';
export {
  everythingLabelSelector,
  isLabelSelectorEmpty,
  labelSelectorExactValue,
  labelSelectorFromObject,
  labelSelectorFromSet,
  labelSelectorToString,
  matchesLabels,
  nothingLabelSelector,
  parseLabelSelector,
  type LabelSelector,
} from './label-selector.js';
export {
  escapeFieldValue,
  everythingFieldSelector,
  exactFieldValue,
  fieldSelectorRequirements,
  fieldSelectorToString,
  isFieldSelectorEmpty,
  matchesFields,
  parseFieldSelector,
  transformFieldSelector,
  type FieldRequirement,
  type FieldSelector,
} from './field-selector.js';
