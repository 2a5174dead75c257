// Jobs: unless the user manages the selector, the Job selects its pods by its own uid, written
// into the selector and the pod template's labels on create (kube-apiserver's job strategy).
import type { Job } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Strategy } from '../strategy.js';

const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
const jobNameLabel = 'batch.kubernetes.io/job-name';
const legacyControllerUidLabel = 'controller-uid';
const legacyJobNameLabel = 'job-name';

export const jobStrategy: Strategy = {
  tracksGeneration: true,
  // batch/v1 keeps orphaning a Job's pods by default, for compatibility, and says so.
  defaultGarbageCollectionPolicy: 'OrphanDependents',
  warningOnDefaultDelete:
    'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning',
  fieldSelectors: { 'status.successful': (j: Job) => String(j.status?.succeeded ?? 0) },
  prepareForCreate(obj: KubeObject) {
    const job = obj as Job;
    job.status = {};
    const spec = job.spec;
    if (!spec || spec.manualSelector) return;
    const uid = job.metadata?.uid ?? '';
    const name = job.metadata?.name ?? '';
    spec.selector = { matchLabels: { [controllerUidLabel]: uid } };
    const template = (spec.template ??= {});
    const meta = (template.metadata ??= {});
    meta.labels = {
      ...meta.labels,
      [controllerUidLabel]: uid,
      [jobNameLabel]: name,
      [legacyControllerUidLabel]: uid,
      [legacyJobNameLabel]: name,
    };
  },
  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    // The generated selector is not the user's to drop.
    const job = obj as Job;
    const prev = old as Job;
    if (job.spec && prev.spec && !job.spec.manualSelector && !job.spec.selector) job.spec.selector = prev.spec.selector;
  },
};
