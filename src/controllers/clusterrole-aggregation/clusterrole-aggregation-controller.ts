// kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an
// aggregationRule gets as its rules the union of the rules of every other ClusterRole its
// selectors match (in name order, each rule once), rewritten whenever any ClusterRole changes.
// That is how admin, edit and view gain the rules of roles labelled aggregate-to-*.
import { isConflict, isNotFound } from '../../client/local-client.js';
import type { KubeObject } from '../../machinery/object.js';
import { labelSelectorFromObject, matchesLabels } from '../../machinery/selectors/label-selector.js';
import type { PolicyRule } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';

interface ClusterRole extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } | null;
}

export const clusterRoleAggregationController: ControllerDefinition = {
  name: 'clusterrole-aggregation',
  aliases: ['clusterrole-aggregation-controller'],
  serviceAccount: 'clusterrole-aggregation-controller',
  start: (ctx) => startAggregation(ctx),
};

function startAggregation(ctx: ControllerContext) {
  const roles = ctx.informers.forResource<ClusterRole>('rbac.authorization.k8s.io', 'v1', 'clusterroles');
  const client = ctx.client.resource<ClusterRole>('rbac.authorization.k8s.io', 'v1', 'clusterroles');

  const loop = ctx.reconcileLoop(async (name) => {
    const role = roles.getByName(undefined, name);
    const selectors = role?.aggregationRule?.clusterRoleSelectors;
    if (!role || !selectors) return;
    const matchers = selectors.map((s) => {
      try {
        return labelSelectorFromObject(s as never);
      } catch {
        return undefined;
      }
    });
    const rules: PolicyRule[] = [];
    const seen = new Set<string>();
    const sources = roles
      .list()
      .filter((r) => r.metadata?.name !== name && matchers.some((m) => m && matchesLabels(m, r.metadata?.labels as Record<string, string> | undefined)))
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    for (const source of sources) {
      for (const rule of source.rules ?? []) {
        const key = JSON.stringify(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(rule);
      }
    }
    if (JSON.stringify(role.rules ?? []) === JSON.stringify(rules)) return;
    try {
      await client.update(undefined, { ...role, rules });
    } catch (err) {
      // Changed or gone meanwhile: the informer brings the key back.
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  });

  // Any role may be matched by any aggregating role: every change looks at all of them.
  const enqueueAggregating = () => {
    for (const r of roles.list()) if (r.aggregationRule?.clusterRoleSelectors) loop.enqueue(r.metadata?.name ?? '');
  };
  roles.addHandler({ onAdd: enqueueAggregating, onUpdate: enqueueAggregating, onDelete: enqueueAggregating });
  return loop;
}
