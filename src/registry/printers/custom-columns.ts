// The Table of a custom resource (apiextensions-apiserver's tableconvertor): NAME, then the
// version's additionalPrinterColumns, each cell the first value its JSONPath finds (<none>
// when nothing); a version without columns shows AGE.
import { evaluateJsonPath, parseJsonPath } from '../../machinery/json-path.js';
import type { PrinterColumn } from '../../schema/custom-resources.js';
import { formatAge } from './age.js';
import { definePrinter, nameColumn, objectName } from './columns.js';
import type { ColumnType, TablePrinter } from './types.js';

const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

function cell(type: string, value: unknown, now: Date): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      // A date cell is a human age (`5m`), as ConvertToHumanReadableDateType makes it.
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : formatAge(value, now);
    default:
      return null;
  }
}

export function customResourcePrinter(columns: readonly PrinterColumn[]): TablePrinter {
  const used = columns.length ? columns : [ageColumn];
  const paths = used.map((c) => parseJsonPath(c.jsonPath));
  return definePrinter(
    [
      nameColumn,
      ...used.map((c) => ({
        name: c.name,
        type: c.type as ColumnType,
        format: c.format ?? '',
        description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      })),
    ],
    (obj, now) => [objectName(obj), ...used.map((c, i) => cell(c.type, evaluateJsonPath(obj, paths[i]!), now))],
  );
}
