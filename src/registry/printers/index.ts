// Server-side Table printers (meta.k8s.io/v1 Table) for every built-in resource.
export { tablePrinters } from './table-printers.js';
export { defaultTablePrinter } from './default-printer.js';
export { formatAge } from './age.js';
export { scalePrinter } from './autoscaling.js';
export type { ColumnType, TableColumnDefinition, TablePrinter, TableRowCondition } from './types.js';
export { customResourcePrinter } from './custom-columns.js';
