// Printers for admission control configuration: webhook configurations and the CEL admission
// policies (validating and mutating) with their bindings.
import { ageColumn, column, countOf, definePrinter, nameColumn, objectAge, objectName } from './columns.js';
import { goLabelSelectorDebugString } from './label-selectors.js';
import type { TablePrinter } from './types.js';

const webhookColumns = [
  nameColumn,
  column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
  ageColumn,
];

function webhookCells(obj: any, now: Date): unknown[] {
  return [objectName(obj), countOf(obj.webhooks), objectAge(obj, now)];
}

export const mutatingWebhookConfigurationPrinter: TablePrinter = definePrinter(webhookColumns, webhookCells);
export const validatingWebhookConfigurationPrinter: TablePrinter = definePrinter(webhookColumns, webhookCells);

function paramKindCell(spec: any): string {
  const paramKind = spec?.paramKind;
  return paramKind ? `${paramKind.apiVersion ?? ''}/${paramKind.kind ?? ''}` : '<unset>';
}

export const validatingAdmissionPolicyPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), countOf(obj.spec?.validations), paramKindCell(obj.spec), objectAge(obj, now)],
);

export const mutatingAdmissionPolicyPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Mutations', 'integer', 'Mutation indicates the number of mutations rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), countOf(obj.spec?.mutations), paramKindCell(obj.spec), objectAge(obj, now)],
);

/** "ns/name", "*\/name" when the namespace is open, or the selector when params are selected. */
function paramRefCell(spec: any): string {
  const ref = spec?.paramRef;
  if (!ref) return '<unset>';
  if (ref.name) return ref.namespace ? `${ref.namespace}/${ref.name}` : `*/${ref.name}`;
  if (ref.selector) return goLabelSelectorDebugString(ref.selector);
  return '<unset>';
}

const bindingColumns = [
  nameColumn,
  column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
  column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
  ageColumn,
];

function bindingCells(obj: any, now: Date): unknown[] {
  return [objectName(obj), obj.spec?.policyName ?? '', paramRefCell(obj.spec), objectAge(obj, now)];
}

export const validatingAdmissionPolicyBindingPrinter: TablePrinter = definePrinter(bindingColumns, bindingCells);
export const mutatingAdmissionPolicyBindingPrinter: TablePrinter = definePrinter(bindingColumns, bindingCells);
