// Printers for the workload controllers and their templates: pod templates, replication
// controllers, deployments, replica sets, stateful sets, daemon sets, controller revisions, jobs,
// cron jobs and pod disruption budgets.
import { formatAge, humanDuration, timestampMillis } from './age.js';
import {
  ageColumn, boolPointerText, column, containersColumn, countOf, definePrinter, imagesColumn, nameColumn,
  objectAge, objectName, wideColumn,
} from './columns.js';
import { formatLabels, formatLabelSelector, labelSelectorString } from './label-selectors.js';
import type { TablePrinter } from './types.js';

/** Container names and images of a pod template, each comma-joined (layoutContainerCells). */
function containerCells(podSpec: any): [string, string] {
  let names = '';
  let images = '';
  const containers: any[] = podSpec?.containers ?? [];
  for (let i = 0; i < containers.length; i++) {
    if (i > 0) {
      names += ',';
      images += ',';
    }
    names += containers[i]?.name ?? '';
    images += containers[i]?.image ?? '';
  }
  return [names, images];
}

// Every spec.replicas below defaults to 1 in the v1 APIs, so a stored object always carries it.
function replicasOf(obj: any): number {
  return obj.spec?.replicas ?? 1;
}

function selectorColumn(description: string) {
  return wideColumn('Selector', 'string', description);
}

export const podTemplatePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  (obj, _now) => {
    const [names, images] = containerCells(obj.template?.spec);
    return [objectName(obj), names, images, formatLabels(obj.template?.metadata?.labels)];
  },
);

// ReplicationControllers and ReplicaSets print alike; only their selectors differ in form.
function replicaCountPrinter(selectorDescription: string, selector: (obj: any) => string): TablePrinter {
  return definePrinter(
    [
      nameColumn,
      column('Desired', 'integer', 'Number of desired pods (spec.replicas).'),
      column('Current', 'integer', 'Most recently observed number of replicas (status.replicas).'),
      column('Ready', 'integer', 'Number of ready replicas (status.readyReplicas).'),
      ageColumn,
      containersColumn,
      imagesColumn,
      selectorColumn(selectorDescription),
    ],
    (obj, now) => {
      const [names, images] = containerCells(obj.spec?.template?.spec);
      return [
        objectName(obj), replicasOf(obj), obj.status?.replicas ?? 0, obj.status?.readyReplicas ?? 0, objectAge(obj, now),
        names, images, selector(obj),
      ];
    },
  );
}

export const replicationControllerPrinter: TablePrinter = replicaCountPrinter(
  'Label query over pods that should match the replicas count (spec.selector).',
  (obj) => formatLabels(obj.spec?.selector),
);

export const deploymentPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector for pods (spec.selector).'),
  ],
  (obj, now) => {
    const status = obj.status ?? {};
    const [names, images] = containerCells(obj.spec?.template?.spec);
    return [
      objectName(obj),
      `${status.readyReplicas ?? 0}/${replicasOf(obj)}`,
      status.updatedReplicas ?? 0,
      status.availableReplicas ?? 0,
      objectAge(obj, now),
      names,
      images,
      labelSelectorString(obj.spec?.selector) ?? '<invalid>',
    ];
  },
);

export const replicaSetPrinter: TablePrinter = replicaCountPrinter(
  'Label query over pods that should match the replica count (spec.selector).',
  (obj) => formatLabelSelector(obj.spec?.selector),
);

export const statefulSetPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  (obj, now) => {
    const [names, images] = containerCells(obj.spec?.template?.spec);
    return [objectName(obj), `${obj.status?.readyReplicas ?? 0}/${replicasOf(obj)}`, objectAge(obj, now), names, images];
  },
);

export const daemonSetPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Desired', 'integer', 'Number of nodes that should be running the daemon pod (status.desiredNumberScheduled).'),
    column('Current', 'integer', 'Number of nodes running at least one daemon pod that should (status.currentNumberScheduled).'),
    column('Ready', 'integer', 'Number of nodes whose daemon pod is ready (status.numberReady).'),
    column('Up-to-date', 'integer', 'Number of nodes running the updated daemon pod (status.updatedNumberScheduled).'),
    column('Available', 'integer', 'Number of nodes whose daemon pod is available (status.numberAvailable).'),
    column('Node Selector', 'string', 'Selector which must match a node\'s labels for the pod to be scheduled on it.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label query over pods that are managed by the daemon set (spec.selector).'),
  ],
  (obj, now) => {
    const status = obj.status ?? {};
    const [names, images] = containerCells(obj.spec?.template?.spec);
    return [
      objectName(obj),
      status.desiredNumberScheduled ?? 0,
      status.currentNumberScheduled ?? 0,
      status.numberReady ?? 0,
      status.updatedNumberScheduled ?? 0,
      status.numberAvailable ?? 0,
      formatLabels(obj.spec?.template?.spec?.nodeSelector),
      objectAge(obj, now),
      names,
      images,
      formatLabelSelector(obj.spec?.selector),
    ];
  },
);

/** "daemonset.apps/web", or just the name when the owner has no kind or group. */
function controllerCell(obj: any): string {
  const owner = (obj.metadata?.ownerReferences ?? []).find((ref: any) => ref?.controller === true);
  if (owner === undefined) return '<none>';
  const apiVersion: string = owner.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind: string = owner.kind ?? '';
  if (group === '' && kind === '') return owner.name ?? '';
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${owner.name ?? ''}`;
}

export const controllerRevisionPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), controllerCell(obj), obj.revision ?? 0, objectAge(obj, now)],
);

function jobCompletions(obj: any): string {
  const succeeded = obj.status?.succeeded ?? 0;
  const completions = obj.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = obj.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(obj: any, now: Date): string {
  const start = timestampMillis(obj.status?.startTime);
  if (start === undefined) return '';
  const completion = timestampMillis(obj.status?.completionTime);
  return humanDuration((completion ?? now.getTime()) - start);
}

/** The first condition of a type decides, as the real printer's hasJobCondition does. */
function jobConditionTrue(conditions: any[], type: string): boolean {
  const condition = conditions.find((c) => c?.type === type);
  return condition?.status === 'True';
}

function jobStatus(obj: any): string {
  const conditions: any[] = obj.status?.conditions ?? [];
  if (jobConditionTrue(conditions, 'Complete')) return 'Complete';
  if (jobConditionTrue(conditions, 'Failed')) return 'Failed';
  if (obj.metadata?.deletionTimestamp) return 'Terminating';
  if (jobConditionTrue(conditions, 'Suspended')) return 'Suspended';
  if (jobConditionTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  if (jobConditionTrue(conditions, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

export const jobPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('A label query over pods that should match the pod count (spec.selector).'),
  ],
  (obj, now) => {
    const [names, images] = containerCells(obj.spec?.template?.spec);
    return [
      objectName(obj), jobStatus(obj), jobCompletions(obj), jobDuration(obj, now), objectAge(obj, now),
      names, images, formatLabelSelector(obj.spec?.selector),
    ];
  },
);

export const cronJobPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Schedule', 'string', 'The schedule in Cron format.'),
    column('Timezone', 'string', 'The time zone name for the given schedule.'),
    column('Suspend', 'boolean', 'Whether subsequent executions are suspended.'),
    column('Active', 'integer', 'Number of currently running jobs.'),
    column('Last Schedule', 'string', 'When the job was last successfully scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('A label query over pods that should match the pod count (spec.jobTemplate.spec.selector).'),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const jobSpec = spec.jobTemplate?.spec;
    const [names, images] = containerCells(jobSpec?.template?.spec);
    const lastSchedule = obj.status?.lastScheduleTime;
    return [
      objectName(obj),
      spec.schedule ?? '',
      spec.timeZone ?? '<none>',
      // v1 defaults suspend to false, so a stored cron job never prints "<unset>".
      boolPointerText(spec.suspend ?? false),
      countOf(obj.status?.active),
      lastSchedule ? formatAge(lastSchedule, now) : '<none>',
      objectAge(obj, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
);

/** IntOrString as Go prints it: 2 → "2", "50%" → "50%"; "N/A" when unset. */
function intOrStringCell(value: unknown): string {
  return value === undefined || value === null ? 'N/A' : String(value);
}

export const podDisruptionBudgetPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  (obj, now) => [
    objectName(obj),
    intOrStringCell(obj.spec?.minAvailable),
    intOrStringCell(obj.spec?.maxUnavailable),
    obj.status?.disruptionsAllowed ?? 0,
    objectAge(obj, now),
  ],
);
