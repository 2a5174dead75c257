// The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's status
// current — status.hard a copy of spec.hard, status.used the usage of the namespace's objects under
// the quota's scopes, recalculated from the shared informers. A quota is recalculated when it is
// created or its spec changes, when an object it counts comes, goes or changes its usage, and
// every five minutes besides (--resource-quota-sync-period). Admission charges status.used itself
// as objects are created; this controller corrects it from what is really there. Each resource a
// quota names is watched only once some quota names it.
import type { ResourceQuota } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { resourceNames, scopeRequirements, type QuotaEvaluator } from '../../machinery/quota/evaluator.js';
import { evaluatorsForQuota } from '../../machinery/quota/registry.js';
import { listsEqual, mask, resourceList, resourceListJson, type ResourceList } from '../../machinery/quota/resource-list.js';
import { calculateUsage } from '../../machinery/quota/usage.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey, type Informer } from '../runtime/informer.js';

export const resourceQuotaController: ControllerDefinition = {
  name: 'resourcequota',
  start: startResourceQuotaController,
};

/** kube-controller-manager's --resource-quota-sync-period. */
export const fullResyncMs = 5 * 60_000;

/** Kinds whose usage is more than a count need whole objects; counting needs metadata only. */
const fullObjectResources = new Set(['/pods', '/services', '/persistentvolumeclaims']);

function startResourceQuotaController(ctx: ControllerContext) {
  const quotas = ctx.informers.forResource<ResourceQuota>('', 'v1', 'resourcequotas');
  const quotaClient = ctx.client.resource<ResourceQuota>('', 'v1', 'resourcequotas');
  const watched = new Map<string, Informer<KubeObject> | undefined>();
  const loop = ctx.reconcileLoop(sync);

  quotas.addHandler({
    onAdd: (q) => loop.enqueue(objectKey(q)),
    // Status changes are this controller's and admission's own: only a new intent needs a recalculation.
    onUpdate: (old, q) => {
      if (JSON.stringify(old.spec ?? {}) !== JSON.stringify(q.spec ?? {})) loop.enqueue(objectKey(q));
    },
  });

  /** The informer of the objects an evaluator measures; undefined when this server has no such resource. */
  function objectsInformer(evaluator: QuotaEvaluator): Informer<KubeObject> | undefined {
    const id = `${evaluator.group}/${evaluator.resource}`;
    if (watched.has(id)) return watched.get(id);
    const served = ctx.client.resources().filter((r) => r.group === evaluator.group && r.resource === evaluator.resource && r.namespaced);
    const version = (served.find((r) => r.storedInThisVersion) ?? served[0])?.version;
    let informer: Informer<KubeObject> | undefined;
    if (version) {
      informer = fullObjectResources.has(id)
        ? ctx.informers.forResource(evaluator.group, version, evaluator.resource)
        : ctx.informers.metadataFor(evaluator.group, version, evaluator.resource);
      informer.addHandler(replenishment(evaluator));
    }
    watched.set(id, informer);
    return informer;
  }

  // Which quotas of the object's namespace an object of this kind counts against.
  function enqueueAffected(evaluator: QuotaEvaluator, namespace: string | undefined, changed?: (q: ResourceQuota) => boolean): void {
    if (!namespace) return;
    for (const q of quotas.list(namespace)) {
      if (evaluator.matchingResources(resourceNames(q.spec?.hard)).length === 0) continue;
      if (changed && !changed(q)) continue;
      loop.enqueue(objectKey(q));
    }
  }

  function replenishment(evaluator: QuotaEvaluator) {
    return {
      onAdd: (obj: KubeObject) => enqueueAffected(evaluator, obj.metadata?.namespace),
      onDelete: (obj: KubeObject) => enqueueAffected(evaluator, obj.metadata?.namespace),
      // An update matters when it changes what the object uses, or which quotas' scopes it is under.
      onUpdate: (old: KubeObject, obj: KubeObject) => {
        const now = ctx.clock.now();
        const usageChanged = !listsEqual(evaluator.usage(old, now), evaluator.usage(obj, now));
        enqueueAffected(evaluator, obj.metadata?.namespace, (q) => usageChanged || scopeRequirements(q).some((s) => evaluator.matchesScope(s, old) !== evaluator.matchesScope(s, obj)));
      },
    };
  }

  async function sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const quota = quotas.getByName(namespace, name);
    if (!quota) return;
    const hard = resourceList(quota.spec?.hard);
    const evaluators = evaluatorsForQuota([...hard.keys()]);
    const sources = new Map<QuotaEvaluator, Informer<KubeObject>>();
    for (const evaluator of evaluators) {
      const informer = objectsInformer(evaluator);
      if (!informer) continue;
      await informer.whenSynced();
      sources.set(evaluator, informer);
    }
    const latest = quotas.getByName(namespace, name);
    if (!latest) return;
    const usage = calculateUsage(
      latest,
      [...sources.keys()],
      (evaluator) => sources.get(evaluator)!.list(namespace),
      ctx.clock.now(),
    );
    await writeStatus(latest, usage);
    return { requeueAfterMs: fullResyncMs };
  }

  // What was used before stays for what nothing here measures; everything is limited to what is hard now.
  async function writeStatus(quota: ResourceQuota, usage: ResourceList): Promise<void> {
    const hard = resourceList(quota.spec?.hard);
    const previous = resourceList(quota.status?.used);
    const used = mask(new Map([...previous, ...usage]), hard.keys());
    const dirty =
      quota.status?.hard === undefined ||
      quota.status?.used === undefined ||
      !listsEqual(hard, resourceList(quota.status.hard)) ||
      !listsEqual(used, previous);
    if (!dirty) return;
    const status = { hard: resourceListJson(hard), used: resourceListJson(used) };
    await quotaClient.updateStatus(quota.metadata?.namespace, { ...quota, status });
  }

  return { stop: () => loop.stop() };
}
