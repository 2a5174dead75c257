// Building blocks every printer shares: column definitions and the metadata cells (name, age).
import { formatAge } from './age.js';
import type { ColumnType, TableColumnDefinition, TablePrinter, TableRowCondition } from './types.js';

/** A column definition; `priority` 1 marks a column kubectl only shows with `-o wide`. */
export function column(name: string, type: ColumnType, description: string, priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}

/** Columns shown only by `kubectl get -o wide`. */
export function wideColumn(name: string, type: ColumnType, description: string): TableColumnDefinition {
  return column(name, type, description, 1);
}

export const nameColumn: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name of the object, unique within its namespace (metadata.name).',
  priority: 0,
};

export const ageColumn: TableColumnDefinition = column(
  'Age',
  'string',
  'Time since the server created the object (metadata.creationTimestamp).',
);

export const containersColumn = wideColumn('Containers', 'string', 'Names of each container in the template.');
export const imagesColumn = wideColumn('Images', 'string', 'Images referenced by each container in the template.');

/**
 * A printer from its columns and its cell function. The columns are frozen because one array is
 * shared by every table this printer renders.
 */
export function definePrinter(
  columns: TableColumnDefinition[],
  cells: (obj: any, now: Date) => unknown[],
  conditions?: (obj: any) => TableRowCondition[],
): TablePrinter {
  for (const definition of columns) Object.freeze(definition);
  Object.freeze(columns);
  return conditions === undefined ? { columns, cells } : { columns, cells, conditions };
}

export function objectName(obj: any): string {
  return obj?.metadata?.name ?? '';
}

export function objectAge(obj: any, now: Date): string {
  return formatAge(obj?.metadata?.creationTimestamp, now);
}

/** Go's fmt of a bool pointer in the printers: "True", "False", or "<unset>" when absent. */
export function boolPointerText(value: boolean | undefined | null): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}

/** Length of an optional array or map, as Go's len() of a nil slice or map (0). */
export function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

/** Go's sets.String(...).List(): unique, sorted. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Up to `max` items joined by ",", then " + N more..." — the shape several printers share. */
export function listWithMore(list: readonly string[], total: number, max: number, empty: string): string {
  const text = list.join(',');
  if (total > max) return `${text} + ${total - max} more...`;
  return text === '' ? empty : text;
}
