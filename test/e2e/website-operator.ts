// A small operator written as users write theirs with @kubernetes/client-node: informers on its
// custom resource (Website) and on the Deployments it owns; each Website gets a Deployment
// (server-side applied, owned by the Website so garbage collection removes it), and the
// Website's status follows the Deployment's ready replicas. It talks to kubemu only over HTTPS
// through the kubeconfig, exactly as it would to a real cluster.
import {
  AppsV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type Informer,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';

export const websiteGroup = 'demo.kubemu.dev';
export const websiteVersion = 'v1';
export const managerName = 'website-operator';

export interface Website extends KubernetesObject {
  spec: { image: string; replicas?: number };
  status?: { readyReplicas?: number; phase?: string; deployment?: string; selector?: string; observedGeneration?: number };
}

export class WebsiteOperator {
  private readonly custom: CustomObjectsApi;
  private readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly informers: Informer<KubernetesObject>[] = [];
  private readonly websites = new Map<string, Website>();
  private readonly queue = new Set<string>();
  private draining: Promise<void> | undefined;
  private stopped = false;
  /** Reconcile errors, for the test to show when something goes wrong. */
  readonly errors: string[] = [];
  reconciles = 0;

  constructor(private readonly kc: KubeConfig) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  async start(): Promise<void> {
    const websites = makeInformer<KubernetesObject>(
      this.kc,
      `/apis/${websiteGroup}/${websiteVersion}/websites`,
      () => this.custom.listCustomObjectForAllNamespaces({ group: websiteGroup, version: websiteVersion, plural: 'websites' }),
    );
    const track = (obj: KubernetesObject) => {
      const key = `${obj.metadata!.namespace}/${obj.metadata!.name}`;
      this.websites.set(key, obj as Website);
      this.enqueue(key);
    };
    websites.on('add', track);
    websites.on('update', track);
    websites.on('delete', (obj) => this.websites.delete(`${obj.metadata!.namespace}/${obj.metadata!.name}`));

    const deployments = makeInformer<KubernetesObject>(
      this.kc,
      '/apis/apps/v1/deployments',
      () => this.apps.listDeploymentForAllNamespaces({ labelSelector: `app.kubernetes.io/managed-by=${managerName}` }),
      `app.kubernetes.io/managed-by=${managerName}`,
    );
    const owner = (obj: KubernetesObject) => {
      const ref = obj.metadata?.ownerReferences?.find((r) => r.kind === 'Website' && r.controller);
      if (ref) this.enqueue(`${obj.metadata!.namespace}/${ref.name}`);
    };
    deployments.on('add', owner);
    deployments.on('update', owner);
    for (const informer of [websites, deployments]) {
      informer.on('error', (err) => {
        if (this.stopped) return;
        this.errors.push(`informer: ${String(err)}`);
        // As client-node's examples do: an informer that lost its watch starts over.
        setTimeout(() => void (this.stopped ? undefined : informer.start().catch(() => undefined)), 500);
      });
      this.informers.push(informer);
    }
    await Promise.all(this.informers.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.draining;
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.size) {
      const [key] = this.queue;
      this.queue.delete(key!);
      try {
        await this.reconcile(key!);
      } catch (err) {
        this.errors.push(`${key}: ${(err as { body?: string }).body ?? String(err)}`);
      }
    }
  }

  private async reconcile(key: string): Promise<void> {
    const website = this.websites.get(key);
    if (!website || website.metadata?.deletionTimestamp) return;
    this.reconciles++;
    const { namespace, name, uid } = website.metadata!;
    const labels = { 'app.kubernetes.io/name': name!, 'app.kubernetes.io/managed-by': managerName };
    const desired = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: `${name}-web`,
        namespace,
        labels,
        ownerReferences: [{ apiVersion: `${websiteGroup}/${websiteVersion}`, kind: 'Website', name: name!, uid: uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: website.spec.replicas ?? 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': name! } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: website.spec.image, ports: [{ containerPort: 80 }] }] } },
      },
    };
    const applied = (await this.objects.patch(desired, undefined, undefined, managerName, true, PatchStrategy.ServerSideApply)) as V1Deployment;
    const ready = applied.status?.readyReplicas ?? 0;
    const want = applied.spec?.replicas ?? 0;
    const status = {
      readyReplicas: ready,
      phase: ready >= want ? 'Ready' : 'Progressing',
      deployment: applied.metadata!.name,
      selector: `app.kubernetes.io/name=${name}`,
      observedGeneration: website.metadata!.generation,
    };
    const current = website.status ?? {};
    if (Object.entries(status).every(([k, v]) => (current as Record<string, unknown>)[k] === v)) return;
    await this.custom.patchNamespacedCustomObjectStatus(
      { group: websiteGroup, version: websiteVersion, namespace: namespace!, plural: 'websites', name: name!, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}
