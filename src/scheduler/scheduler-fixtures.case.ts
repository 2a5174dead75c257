// Imported only by tests (a .case file, so the layering check leaves its testing import alone).
// Nodes, pods and a cluster for the scheduler's tests: Node objects as a kubelet registers them
// (Ready, allocatable, hostname label), pods with requests, and the FailedScheduling messages.
import type { Event, Node, Pod } from '../machinery/api-types.js';
import { builtinControllers } from '../controllers/index.js';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.js';
import { createSchedulerDefinition, seededRandom } from './index.js';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: NonNullable<Node['spec']>['taints'];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function testNode(name: string, opts: NodeOptions = {}): Node {
  const allocatable = { cpu: opts.cpu ?? '8', memory: opts.memory ?? '32Gi', pods: opts.pods ?? '110', ...opts.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...opts.labels } },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}

export const controlPlaneTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

export function testPod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, requests?: Record<string, string>, labels?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx', ...(requests ? { resources: { requests } } : {}) }], ...spec },
  };
}

/** A cluster running only the scheduler (plus the named controllers), ties broken by a seeded source. */
export function schedulerCluster(controllers: string[] = [], seed = 7): Promise<TestCluster> {
  return startTestCluster({
    controllers: ['scheduler', ...controllers],
    definitions: [...builtinControllers, createSchedulerDefinition({ random: seededRandom(seed) })],
  });
}

export async function addNodes(c: TestCluster, ...nodes: Node[]): Promise<void> {
  for (const n of nodes) await c.client.resource<Node>('', 'v1', 'nodes').create(undefined, n);
}

export async function createPod(c: TestCluster, pod: Pod, namespace = 'default'): Promise<Pod> {
  return c.client.resource<Pod>('', 'v1', 'pods').create(namespace, pod);
}

export async function getPod(c: TestCluster, name: string, namespace = 'default'): Promise<Pod> {
  return c.client.resource<Pod>('', 'v1', 'pods').get(namespace, name);
}

export async function podEvents(c: TestCluster, name: string, namespace = 'default'): Promise<Event[]> {
  const all = (await c.client.resource<Event>('', 'v1', 'events').list(namespace)).items;
  return all.filter((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name === name);
}

/** The message of the pod's (latest) FailedScheduling event. */
export async function failedScheduling(c: TestCluster, name: string, namespace = 'default'): Promise<string | undefined> {
  const events = (await podEvents(c, name, namespace)).filter((e) => e.reason === 'FailedScheduling');
  return events.at(-1)?.message;
}
