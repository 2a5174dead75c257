// Figures for the field manager's hot path, for `bench/` to print (never asserted): microseconds
// per `update` of a Deployment in the situations a server meets on every write, and per no-op
// re-apply. Inputs are prepared up front so the figures are the field manager's own cost.
import { createFieldManager, type Obj, type UpdateArgs } from './field-manager.js';

const deployment = 'io.k8s.api.apps.v1.Deployment';

function sampleDeployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/owner': 'team-a' } },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {},
  };
}

function microsPerCall(run: () => void, calls: number): number {
  for (let i = 0; i < Math.min(calls, 2000); i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / calls);
  }
  return best;
}

/** Best-of-five microseconds per call, by scenario. */
export function benchmarkFieldManager(definitions: Record<string, unknown>, calls = 4000): Record<string, number> {
  const fm = createFieldManager(definitions);
  const ignored = [['status']];
  const created = sampleDeployment();
  fm.update({ definitionName: deployment, live: undefined, next: created, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', ignoredFields: ignored });
  const live = { ...created, metadata: { ...(created.metadata as Obj), uid: 'u', resourceVersion: '1' } };

  // Each call gets a fresh metadata object (update writes managedFields there); the rest is shared.
  const updating = (change: (copy: Obj) => void, extra: Partial<UpdateArgs>): (() => void) => {
    const base = structuredClone(live);
    change(base);
    return () =>
      fm.update({ definitionName: deployment, live, next: { ...base, metadata: { ...(base.metadata as Obj) } }, manager: 'kubectl-edit', apiVersion: 'apps/v1', time: '2024-01-01T00:01:00Z', ignoredFields: ignored, ...extra });
  };
  const container = (o: Obj): Obj => ((o.spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers[0]!;
  const config: Obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
  };
  const applied = fm.apply({ definitionName: deployment, live, config, manager: 'kubectl', apiVersion: 'apps/v1', force: true, time: '2024-01-01T00:02:00Z', ignoredFields: ignored });

  return {
    'update: change the image (managedFields sent back)': microsPerCall(updating((o) => (container(o).image = 'nginx:1.26'), {}), calls),
    'update: change the image (no managedFields sent)': microsPerCall(
      updating((o) => {
        delete (o.metadata as Obj).managedFields;
        container(o).image = 'nginx:1.26';
      }, {}),
      calls,
    ),
    'update: nothing changed': microsPerCall(updating(() => undefined, {}), calls),
    'update: /scale': microsPerCall(updating((o) => ((o.spec as Obj).replicas = 5), { subresource: 'scale' }), calls),
    'update: create': microsPerCall(
      () => fm.update({ definitionName: deployment, live: undefined, next: { ...sampleDeployment() }, manager: 'kubectl-create', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', ignoredFields: ignored }),
      Math.ceil(calls / 4),
    ),
    'apply: re-apply, nothing changed': microsPerCall(
      () => fm.apply({ definitionName: deployment, live: applied, config, manager: 'kubectl', apiVersion: 'apps/v1', force: false, time: '2024-01-01T00:03:00Z', ignoredFields: ignored }),
      Math.ceil(calls / 4),
    ),
  };
}
