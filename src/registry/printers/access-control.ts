// Printers for who may do what: role bindings, cluster role bindings and certificate signing
// requests. Roles and cluster roles have no printer of their own (they use the default table).
import { humanDuration } from './age.js';
import { ageColumn, column, definePrinter, nameColumn, objectAge, objectName, wideColumn } from './columns.js';
import type { TableColumnDefinition, TablePrinter } from './types.js';

/** Users, groups and "namespace/name" service accounts, each joined with ", ". */
function subjectCells(subjects: any[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of subjects ?? []) {
    switch (subject?.kind) {
      case 'User':
        users.push(subject.name ?? '');
        break;
      case 'Group':
        groups.push(subject.name ?? '');
        break;
      case 'ServiceAccount':
        serviceAccounts.push(`${subject.namespace ?? ''}/${subject.name ?? ''}`);
        break;
    }
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

function bindingColumns(kind: string): TableColumnDefinition[] {
  return [
    nameColumn,
    column('Role', 'string', 'The role this binding grants, as Kind/name.'),
    ageColumn,
    wideColumn('Users', 'string', `Users in the ${kind}`),
    wideColumn('Groups', 'string', `Groups in the ${kind}`),
    wideColumn('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`),
  ];
}

function bindingCells(obj: any, now: Date): unknown[] {
  const roleRef = `${obj.roleRef?.kind ?? ''}/${obj.roleRef?.name ?? ''}`;
  return [objectName(obj), roleRef, objectAge(obj, now), ...subjectCells(obj.subjects)];
}

export const roleBindingPrinter: TablePrinter = definePrinter(bindingColumns('roleBinding'), bindingCells);
export const clusterRoleBindingPrinter: TablePrinter = definePrinter(bindingColumns('clusterRoleBinding'), bindingCells);

/** "Pending", "Approved", "Denied", with ",Failed" and ",Issued" appended when they apply. */
function csrCondition(obj: any): string {
  let approved = false;
  let denied = false;
  let failed = false;
  for (const condition of obj.status?.conditions ?? []) {
    if (condition?.type === 'Approved') approved = true;
    else if (condition?.type === 'Denied') denied = true;
    else if (condition?.type === 'Failed') failed = true;
  }
  let status = denied ? 'Denied' : approved ? 'Approved' : 'Pending';
  if (failed) status += ',Failed';
  if (obj.status?.certificate) status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', 'The signer the request is addressed to.'),
    column('Requestor', 'string', 'The user that created the request.'),
    column('RequestedDuration', 'string', 'The requested validity duration of the issued certificate.'),
    column('Condition', 'string', 'Whether the request is approved, denied, failed or issued.'),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const expiration = spec.expirationSeconds;
    return [
      objectName(obj),
      objectAge(obj, now),
      spec.signerName || '<none>',
      spec.username ?? '',
      expiration === undefined || expiration === null ? '<none>' : humanDuration(expiration * 1000),
      csrCondition(obj),
    ];
  },
);
