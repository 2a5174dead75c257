// The pods printer: READY, the aggregate STATUS reason kubectl users know (Init:0/1,
// ContainerCreating, CrashLoopBackOff, Completed, Terminating, ...), RESTARTS with the age of the
// last restart, and the wide columns.
import { humanDuration, timestampMillis } from './age.js';
import { ageColumn, column, definePrinter, nameColumn, objectAge, objectName, wideColumn } from './columns.js';
import type { TablePrinter, TableRowCondition } from './types.js';

const podColumns = [
  nameColumn,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  wideColumn('IP', 'string', 'IP address allocated to the pod (status.podIPs[0]).'),
  wideColumn('Node', 'string', 'The node the pod is bound to (spec.nodeName).'),
  wideColumn('Nominated Node', 'string', 'The node the scheduler nominated for this pod after preemption (status.nominatedNodeName).'),
  wideColumn('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates (spec.readinessGates).'),
];

/** The kubelet's reason for pods on a node that stopped reporting (node.NodeUnreachablePodReason). */
const NODE_LOST_REASON = 'NodeLost';

function isRestartable(container: any): boolean {
  return container?.restartPolicy === 'Always';
}

function hasTrueCondition(conditions: any[] | undefined, type: string): boolean {
  for (const condition of conditions ?? []) {
    if (condition?.type === type) return condition.status === 'True';
  }
  return false;
}

/** Most recent `lastState.terminated.finishedAt` seen so far; undefined is Go's zero time. */
function laterRestart(current: number | undefined, status: any): number | undefined {
  const finished = timestampMillis(status?.lastState?.terminated?.finishedAt);
  if (finished === undefined) return current;
  return current === undefined || current < finished ? finished : current;
}

function readinessGatesCell(pod: any): string {
  const gates: any[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: any[] = pod.status?.conditions ?? [];
  let trueCount = 0;
  for (const gate of gates) {
    const condition = conditions.find((c) => c?.type === gate?.conditionType);
    if (condition?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

function podCells(pod: any, now: Date): unknown[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initContainers: any[] = spec.initContainers ?? [];
  const conditions: any[] = status.conditions ?? [];
  // A stored pod always has a phase: the pod strategy sets Pending on create.
  const phase: string = status.phase ?? 'Pending';

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  let reason: string = status.reason || phase;
  for (const condition of conditions) {
    if (condition?.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  // Only pods with init containers pay for the name lookup.
  const initByName = initContainers.length === 0 ? undefined : new Map<string, any>();
  for (const container of initContainers) {
    initByName!.set(container?.name, container);
    // Sidecars (restartable init containers) count as regular containers for READY.
    if (isRestartable(container)) totalContainers++;
  }

  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] ?? {};
    const restartCount = container.restartCount ?? 0;
    restarts += restartCount;
    lastRestart = laterRestart(lastRestart, container);
    const sidecar = isRestartable(initByName?.get(container.name));
    if (sidecar) {
      restartableInitRestarts += restartCount;
      lastRestartableInitRestart = laterRestart(lastRestartableInitRestart, container);
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && container.started === true) {
      if (container.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasTrueCondition(conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    let errorReason = '';
    const statuses: any[] = status.containerStatuses ?? [];
    // Walk backwards so the first container's state is the one that ends up in STATUS.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] ?? {};
      restarts += container.restartCount ?? 0;
      lastRestart = laterRestart(lastRestart, container);
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (terminated) {
        if (terminated.reason) reason = terminated.reason;
        else if (terminated.signal) reason = `Signal:${terminated.signal}`;
        else reason = `ExitCode:${terminated.exitCode ?? 0}`;
        if ((terminated.exitCode ?? 0) !== 0) errorReason = reason;
      } else if (container.ready === true && container.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container exited cleanly while another still runs is not "Completed".
    if (reason === 'Completed') {
      if (hasRunning && hasTrueCondition(conditions, 'Ready')) reason = 'Running';
      else if (errorReason !== '') reason = errorReason;
      else if (hasRunning) reason = 'NotReady';
    }
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_LOST_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart !== undefined
    ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
    : String(restarts);

  // Older writers set only podIP; the internal conversion fills podIPs from it.
  const podIP: string = status.podIPs?.[0]?.ip || status.podIP || '<none>';
  return [
    objectName(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    objectAge(pod, now),
    podIP,
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGatesCell(pod),
  ];
}

/** Finished pods carry a Completed row condition, as the real printer sets. */
function podConditions(pod: any): TableRowCondition[] {
  switch (pod?.status?.phase) {
    case 'Succeeded':
      return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    case 'Failed':
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    default:
      return [];
  }
}

export const podPrinter: TablePrinter = definePrinter(podColumns, podCells, podConditions);
