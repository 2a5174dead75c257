// The namespace lifecycle controller: when a namespace is being deleted, delete everything in it,
// and once it is empty remove the "kubernetes" finalizer so the namespace itself goes (as
// kube-controller-manager's namespace controller does). Objects with finalizers of their own keep
// the namespace Terminating until something removes them, as on a real cluster.
import type { LocalClient, ResourceClient } from '../../client/local-client.js';
import type { Namespace } from '../../machinery/api-types.js';
import type { Clock, TimerHandle } from '../../machinery/clock.js';
import type { KubeObject } from '../../machinery/object.js';
import type { ControllerDefinition } from '../runtime/controller.js';

export interface NamespaceControllerDeps {
  client: LocalClient;
  clock: Clock;
  /** Re-check a namespace whose content is not gone yet after this long. */
  retryMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const finalizerName = 'kubernetes';

export const namespaceController: ControllerDefinition = {
  name: 'namespace',
  start: (ctx) => startNamespaceController({ client: ctx.client, clock: ctx.clock, log: (message, fields) => ctx.log.info(message, fields) }),
};

export function startNamespaceController(deps: NamespaceControllerDeps): { stop(): void } {
  const namespaces = deps.client.resource('', 'v1', 'namespaces');
  // Every namespaced resource that has its own storage (events.k8s.io/v1 shares core events').
  const seenStorage = new Set<string>();
  const contents: ResourceClient[] = [];
  for (const info of deps.client.catalogue.all()) {
    if (!info.namespaced || !info.verbs.includes('list') || !info.verbs.includes('delete')) continue;
    const storageKey = `${info.storage.group}/${info.storage.resource}`;
    if (seenStorage.has(storageKey)) continue;
    seenStorage.add(storageKey);
    contents.push(deps.client.forInfo(info));
  }

  const timers = new Map<string, TimerHandle>();
  const running = new Set<string>();
  let stopped = false;

  const schedule = (name: string, delayMs: number) => {
    if (stopped || timers.has(name)) return;
    timers.set(
      name,
      deps.clock.setTimer(delayMs, () => {
        timers.delete(name);
        void reconcile(name);
      }),
    );
  };

  // Level-based: look at the namespace as it is now, whatever event brought us here.
  async function reconcile(name: string): Promise<void> {
    if (stopped || running.has(name)) return;
    running.add(name);
    try {
      let ns: Namespace;
      try {
        ns = (await namespaces.get(undefined, name)) as Namespace;
      } catch {
        return; // gone
      }
      if (!ns.metadata?.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(finalizerName)) return;
      let remaining = 0;
      for (const resource of contents) {
        if ((await resource.count(name)) === 0) continue;
        await resource.deleteCollection(name, { propagationPolicy: 'Background' });
        remaining += await resource.count(name);
      }
      if (remaining > 0) {
        schedule(name, deps.retryMs ?? 1000);
        return;
      }
      await namespaces.mutate(
        undefined,
        name,
        (current: KubeObject) => {
          const spec = (current.spec ?? {}) as { finalizers?: string[] };
          return { ...current, spec: { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== finalizerName) } };
        },
        'finalize',
      );
      deps.log?.('namespace emptied and finalized', { namespace: name });
    } catch (err) {
      deps.log?.('namespace cleanup failed; retrying', { namespace: name, err: String(err) });
      schedule(name, deps.retryMs ?? 1000);
    } finally {
      running.delete(name);
    }
  }

  const watch = namespaces.watch(undefined, {}, {
    event: (type, object) => {
      const ns = object as Namespace;
      if (type !== 'DELETED' && ns.metadata?.deletionTimestamp && ns.metadata.name) schedule(ns.metadata.name, 0);
    },
    close: () => {},
  });

  return {
    stop() {
      stopped = true;
      watch.stop();
      for (const t of timers.values()) t.cancel();
      timers.clear();
    },
  };
}
