// The server-side Table contract (meta.k8s.io/v1 Table), per resource, as kubectl renders it.

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  /** "name" for the Name column, "date" for dates, "" otherwise (as kube-apiserver sends). */
  format: string;
  description: string;
  /** 0: always shown; 1 and above: only with `kubectl get -o wide`. */
  priority: number;
}

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

export interface TablePrinter {
  columns: TableColumnDefinition[];
  /** One cell per column, in order, formatted exactly as the real apiserver's printer does. */
  cells(obj: any, now: Date): unknown[];
  /** Row conditions (pods that finished are marked Completed). */
  conditions?(obj: any): TableRowCondition[];
}
