// The nodes printer: STATUS from the Ready condition plus cordoning, ROLES from node-role labels.
import { ageColumn, column, definePrinter, nameColumn, objectAge, objectName, sortedUnique, wideColumn } from './columns.js';
import type { TablePrinter } from './types.js';

const NODE_ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_NODE_ROLE_LABEL = 'kubernetes.io/role';

/** "Ready", "NotReady" or "Unknown", then ",SchedulingDisabled" when cordoned. */
function nodeStatus(node: any): string {
  let ready: any;
  // Later entries win, as when the real printer builds a map keyed by condition type.
  for (const condition of node.status?.conditions ?? []) {
    if (condition?.type === 'Ready') ready = condition;
  }
  let status = ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  if (node.spec?.unschedulable === true) status += ',SchedulingDisabled';
  return status;
}

/** Roles from `node-role.kubernetes.io/<role>` label keys and the legacy `kubernetes.io/role=<role>`. */
function nodeRoles(node: any): string {
  const labels: Record<string, string> = node.metadata?.labels ?? {};
  const roles: string[] = [];
  for (const key of Object.keys(labels)) {
    if (key.startsWith(NODE_ROLE_LABEL_PREFIX)) {
      const role = key.slice(NODE_ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.push(role);
    } else if (key === LEGACY_NODE_ROLE_LABEL && labels[key] !== '') {
      roles.push(labels[key]!);
    }
  }
  return roles.length === 0 ? '<none>' : sortedUnique(roles).join(',');
}

function nodeAddress(node: any, type: string): string {
  const address = (node.status?.addresses ?? []).find((a: any) => a?.type === type);
  return address === undefined ? '<none>' : address.address ?? '';
}

export const nodePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', 'Kubelet version reported by the node.'),
    wideColumn('Internal-IP', 'string', 'The first InternalIP address of the node.'),
    wideColumn('External-IP', 'string', 'The first ExternalIP address of the node.'),
    wideColumn('OS-Image', 'string', 'OS image reported by the node from /etc/os-release.'),
    wideColumn('Kernel-Version', 'string', 'Kernel version reported by the node from uname -r.'),
    wideColumn('Container-Runtime', 'string', 'Container runtime version reported by the node.'),
  ],
  (obj, now) => {
    const info = obj.status?.nodeInfo ?? {};
    return [
      objectName(obj),
      nodeStatus(obj),
      nodeRoles(obj),
      objectAge(obj, now),
      info.kubeletVersion ?? '',
      nodeAddress(obj, 'InternalIP'),
      nodeAddress(obj, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
);
