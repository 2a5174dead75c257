// The PodStatus a kubelet reports for a pod it runs: phase (kubelet's getPhase rules), the
// conditions in the order a real kubelet writes them, container statuses with ids, images, states
// and restart counts, and the pod's IPs.
import type { Pod } from '../machinery/api-types.js';
import { createHash } from 'node:crypto';
import { normalizeImage, readyAt, startedAtProbe, type ContainerRun, type PodRuntime, type Terminated } from './pod-runtime.js';

type PodStatus = NonNullable<Pod['status']>;
type PodCondition = NonNullable<PodStatus['conditions']>[number];
type ContainerStatus = NonNullable<PodStatus['containerStatuses']>[number];
type ContainerState = NonNullable<ContainerStatus['state']>;

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const kubeletConditions = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

export interface NodeAddresses {
  hostIP: string;
}

export function podStatus(pod: Pod, rt: PodRuntime, node: NodeAddresses, now: number): PodStatus {
  const previous = pod.status ?? {};
  const generation = pod.metadata?.generation;
  const phase = podPhase(pod, rt);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const apps = rt.appRuns();
  const inits = rt.initRuns();
  const unready = apps.filter((r) => !isReady(r, now)).map((r) => r.spec.name);
  const incompleteInit = inits.filter((r) => !(r.sidecar ? r.state === 'running' || r.restartCount > 0 : r.state === 'terminated' && r.terminated?.exitCode === 0)).map((r) => r.spec.name);
  const initialized = incompleteInit.length === 0 || terminal;

  const conditions: PodCondition[] = [];
  const keep = (c: PodCondition): PodCondition => {
    const old = previous.conditions?.find((x) => x.type === c.type);
    const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : rfc3339(now);
    const out: PodCondition = { type: c.type, ...(generation !== undefined ? { observedGeneration: generation } : {}), status: c.status, lastProbeTime: null as unknown as undefined, lastTransitionTime };
    if (c.reason) out.reason = c.reason;
    if (c.message) out.message = c.message;
    return out;
  };
  const sandbox = rt.sandboxReadyAt !== undefined && !terminal;
  conditions.push(keep({ type: 'PodReadyToStartContainers', status: sandbox ? 'True' : 'False' }));
  conditions.push(
    keep(
      initialized
        ? { type: 'Initialized', status: 'True' }
        : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incompleteInit.join(' ')}]` },
    ),
  );
  const readiness: PodCondition = terminal
    ? { type: 'Ready', status: 'False', reason: 'PodCompleted' }
    : unready.length === 0
      ? { type: 'Ready', status: 'True' }
      : { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  conditions.push(keep(readiness));
  conditions.push(keep({ ...readiness, type: 'ContainersReady' }));
  const scheduled = previous.conditions?.find((c) => c.type === 'PodScheduled');
  conditions.push(scheduled ?? keep({ type: 'PodScheduled', status: 'True' }));
  // Conditions others own (DisruptionTarget, readiness gates…) stay as they are.
  for (const c of previous.conditions ?? []) if (!kubeletConditions.has(c.type)) conditions.push(c);

  const status: PodStatus = {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    phase,
    conditions,
    hostIP: node.hostIP,
    hostIPs: [{ ip: node.hostIP }],
  };
  const podIP = pod.spec?.hostNetwork ? node.hostIP : rt.podIP;
  if (podIP && !terminal) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  } else if (podIP && previous.podIP) {
    status.podIP = previous.podIP;
    status.podIPs = previous.podIPs;
  }
  status.startTime = previous.startTime ?? rfc3339(rt.acceptedAt ?? now);
  if (inits.length) status.initContainerStatuses = inits.map((r) => containerStatus(r, now));
  status.containerStatuses = apps.map((r) => containerStatus(r, now));
  if (previous.qosClass) status.qosClass = previous.qosClass;
  return status;
}

function isReady(run: ContainerRun, now: number): boolean {
  if (run.state !== 'running') return false;
  const at = readyAt(run);
  return at !== undefined && now >= at;
}

function containerStatus(run: ContainerRun, now: number): ContainerStatus {
  const image = normalizeImage(run.spec.image ?? '');
  const status: ContainerStatus = {
    name: run.spec.name,
    state: state(run),
    lastState: run.lastTerminated ? { terminated: terminatedState(run.lastTerminated) } : {},
    ready: isReady(run, now),
    restartCount: run.restartCount,
    image,
    imageID: run.imagePulled || run.containerID ? imageID(image) : '',
  };
  const containerID = run.state === 'waiting' ? run.lastTerminated?.containerID : run.containerID;
  if (containerID) status.containerID = containerID;
  const startedProbe = startedAtProbe(run);
  status.started = run.state === 'running' && (startedProbe === undefined || now >= startedProbe);
  const mounts = run.spec.volumeMounts ?? [];
  if (mounts.length && run.state !== 'waiting') {
    status.volumeMounts = mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) }));
  }
  return status;
}

function state(run: ContainerRun): ContainerState {
  if (run.state === 'running') return { running: { startedAt: rfc3339(run.startedAt!) } };
  if (run.state === 'terminated' && run.terminated) return { terminated: terminatedState(run.terminated) };
  const waiting: { reason: string; message?: string } = { reason: run.waitingReason || 'ContainerCreating' };
  if (run.waitingMessage) waiting.message = run.waitingMessage;
  return { waiting };
}

function terminatedState(t: Terminated): NonNullable<ContainerState['terminated']> {
  const out: NonNullable<ContainerState['terminated']> = {
    exitCode: t.exitCode,
    reason: t.reason,
    startedAt: rfc3339(t.startedAt),
    finishedAt: rfc3339(t.finishedAt),
    containerID: t.containerID,
  };
  if (t.message) out.message = t.message;
  return out;
}

/** kubelet's getPhase: Pending until every container has started, Running while any runs, then Succeeded or Failed. */
export function podPhase(pod: Pod, rt: PodRuntime): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (rt.terminalPhase) return rt.terminalPhase;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return pod.status.phase;
  if (!rt.initialized()) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  for (const r of rt.appRuns()) {
    if (r.state === 'running') running++;
    else if (r.state === 'terminated') stopped++;
    else if (r.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) return 'Running'; // restarting: a terminal set is decided by the runtime (terminalPhase)
  return 'Pending';
}

/** The image digest containerd would report: stable per image reference. */
export function imageID(image: string): string {
  const repo = image.replace(/:[^/:@]+$/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}
