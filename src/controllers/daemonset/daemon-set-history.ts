// A DaemonSet's ControllerRevisions (pkg/controller/daemon/update.go): the revision whose data
// equals the current template is the current one (created as "<ds>-<template hash>" when missing,
// renumbered to the newest when an older template comes back), duplicates are folded into the
// newest, and old revisions beyond revisionHistoryLimit that no pod carries are deleted. Revisions
// are labelled controller-revision-hash=<hash>, the label new pods get.
import type { ResourceClient } from '../../client/local-client.js';
import { isAlreadyExists, isNotFound } from '../../client/local-client.js';
import type { ControllerRevision, DaemonSet, Pod } from '../../machinery/api-types.js';
import { matchesLabels, type LabelSelector } from '../../machinery/selectors/index.js';
import type { Informer } from '../runtime/informer.js';
// pkg/controller's ComputeHash, shared with the Deployment controller's pod-template-hash.
import { computeTemplateHash } from '../workload/template-hash.js';
import { goJson, maxRevision, templateRevisionData } from '../workload/controller-history.js';
import { claimObjects, newControllerRef } from '../workload/controller-ref.js';

export const daemonSetKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** apps.DefaultDaemonSetUniqueLabelKey, on revisions and pods alike. */
export const daemonSetHashLabel = 'controller-revision-hash';

export interface DaemonSetHistoryDeps {
  revisions: ResourceClient<ControllerRevision>;
  revisionInformer: Informer<ControllerRevision>;
  daemonSets: ResourceClient<DaemonSet>;
  pods: ResourceClient<Pod>;
}

/** Does the revision record this DaemonSet's template (byte for byte, as upstream compares)? */
export function matchesTemplate(ds: DaemonSet, revision: ControllerRevision): boolean {
  return goJson(templateRevisionData(ds.spec?.template)) === goJson(revision.data);
}

export class DaemonSetHistory {
  constructor(private readonly deps: DaemonSetHistoryDeps) {}

  /** The revisions the DaemonSet controls, after adopting matching orphans and releasing non-matching ones. */
  async controlled(ds: DaemonSet, selector: LabelSelector, recheck: () => Promise<DaemonSet | undefined>): Promise<ControllerRevision[]> {
    return claimObjects(this.deps.revisionInformer.list(ds.metadata?.namespace ?? ''), {
      owner: ds,
      ownerApiVersion: daemonSetKind.apiVersion,
      ownerKind: daemonSetKind.kind,
      client: this.deps.revisions,
      matches: (r) => matchesLabels(selector, r.metadata?.labels),
      recheckOwner: recheck,
    });
  }

  /** The current revision (found or created) and the old ones. */
  async construct(
    ds: DaemonSet,
    selector: LabelSelector,
    recheck: () => Promise<DaemonSet | undefined>,
    daemonPods: () => Promise<Pod[]>,
  ): Promise<{ current: ControllerRevision; old: ControllerRevision[] }> {
    const namespace = ds.metadata?.namespace;
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let history of await this.controlled(ds, selector, recheck)) {
      // Revisions from before the label existed get their name as the hash.
      if (history.metadata?.labels?.[daemonSetHashLabel] === undefined) {
        history = await this.deps.revisions.update(namespace, {
          ...history,
          metadata: { ...history.metadata, labels: { ...history.metadata?.labels, [daemonSetHashLabel]: history.metadata?.name ?? '' } },
        });
      }
      (matchesTemplate(ds, history) ? current : old).push(history);
    }
    const next = maxRevision(old) + 1;
    if (current.length === 0) return { current: await this.snapshot(ds, next), old };
    let cur = await this.dedup(ds, current, daemonPods);
    if (cur.revision < next) {
      cur = await this.deps.revisions.update(namespace, { ...cur, revision: next });
    }
    return { current: cur, old };
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that no pod's hash label names. */
  async cleanup(ds: DaemonSet, old: ControllerRevision[], pods: Pod[]): Promise<void> {
    let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
    if (toKill <= 0) return;
    const live = new Set(pods.map((p) => p.metadata?.labels?.[daemonSetHashLabel]).filter((h): h is string => !!h));
    for (const history of [...old].sort((a, b) => a.revision - b.revision)) {
      if (toKill <= 0) break;
      if (live.has(history.metadata?.labels?.[daemonSetHashLabel] ?? '')) continue;
      try {
        await this.deps.revisions.delete(ds.metadata?.namespace, history.metadata?.name ?? '');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      toKill--;
    }
  }

  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const namespace = ds.metadata?.namespace;
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    const name = `${ds.metadata?.name ?? ''}-${hash}`;
    const history: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace,
        labels: { ...ds.spec?.template?.metadata?.labels, [daemonSetHashLabel]: hash },
        ownerReferences: [newControllerRef(ds, daemonSetKind.apiVersion, daemonSetKind.kind)],
      },
      data: templateRevisionData(ds.spec?.template) as ControllerRevision['data'],
      revision,
    };
    if (ds.metadata?.annotations) history.metadata!.annotations = { ...ds.metadata.annotations };
    try {
      return await this.deps.revisions.create(namespace, history);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.deps.revisions.get(namespace, name);
      if (matchesTemplate(ds, existing)) return existing;
      // Another template hashed to this name: bump the collision count (unless ours was stale) and retry.
      const fresh = await this.deps.daemonSets.get(namespace, ds.metadata?.name ?? '');
      if (fresh.status?.collisionCount !== ds.status?.collisionCount) {
        throw new Error(
          `found a stale collision count (${ds.status?.collisionCount}, expected ${fresh.status?.collisionCount}) of DaemonSet "${ds.metadata?.name}" while processing; will retry until it is updated`,
        );
      }
      await this.deps.daemonSets.mutate(namespace, ds.metadata?.name ?? '', (current) => ({
        ...current,
        status: { ...current.status!, collisionCount: (current.status?.collisionCount ?? 0) + 1 },
      }), 'status');
      throw err;
    }
  }

  /** Keeps the newest of several revisions equal to the template, relabelling pods that carry the others. */
  private async dedup(ds: DaemonSet, histories: ControllerRevision[], daemonPods: () => Promise<Pod[]>): Promise<ControllerRevision> {
    if (histories.length === 1) return histories[0]!;
    let keep = histories[0]!;
    for (const h of histories) if (h.revision >= keep.revision) keep = h;
    const keepHash = keep.metadata?.labels?.[daemonSetHashLabel] ?? '';
    for (const pod of await daemonPods()) {
      if (pod.metadata?.labels?.[daemonSetHashLabel] === keepHash) continue;
      await this.deps.pods.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { metadata: { labels: { [daemonSetHashLabel]: keepHash } } });
    }
    for (const h of histories) {
      if (h.metadata?.name === keep.metadata?.name) continue;
      await this.deps.revisions.delete(ds.metadata?.namespace, h.metadata?.name ?? '');
    }
    return keep;
  }
}
