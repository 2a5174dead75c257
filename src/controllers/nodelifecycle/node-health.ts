// What the node lifecycle controller remembers of each node's health (tryUpdateNodeHealth): when
// it last heard from the kubelet, through a new Ready heartbeat in the node status or a renewed
// Lease, measured on the controller's own clock (never the kubelet's timestamps, which may be
// skewed). A node silent for longer than its grace period gets its conditions set to Unknown.
import type { Node } from '../../machinery/api-types.js';
import { conditionTime } from '../../machinery/pod-conditions.js';

export type NodeCondition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

export interface NodeHealth {
  /** When the controller last heard from the kubelet (ms, controller clock). */
  probeTimestamp: number;
  /** When the controller last saw the Ready condition change. */
  readyTransitionTimestamp: number;
  /** The Ready condition as last seen (what pods newly bound to the node are judged by). */
  ready?: NodeCondition;
  /** The Lease's renewTime as last seen (microseconds). */
  leaseRenewMicros?: number;
}

export interface HealthVerdict {
  /** The Ready condition the node had before this look (a stand-in when it has none). */
  observed: NodeCondition;
  /** The Ready condition it has now (after the controller marked it Unknown, if it did). */
  current: NodeCondition | undefined;
  /** The node with its conditions set to Unknown, to write through the status subresource. */
  update?: Node;
  /** The health to remember once that write succeeded. */
  healthAfterUpdate?: NodeHealth;
  /** When the node goes silent for too long if nothing more is heard (ms); undefined once it has. */
  deadline?: number;
}

export interface GracePeriods {
  /** nodeMonitorGracePeriod: for nodes that have posted status. */
  monitorMs: number;
  /** nodeStartupGracePeriod: for nodes that never posted a Ready condition. */
  startupMs: number;
}

// The conditions a silent kubelet can no longer vouch for (NetworkUnavailable belongs to the
// network plugin, and stays).
const kubeletConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function nodeCondition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** metav1.MicroTime as microseconds since the epoch (renewTime carries six fractional digits). */
export function microTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/**
 * One look at a node: updates the remembered health from its status and Lease, and decides
 * whether the node has been silent for too long.
 */
export function assessNodeHealth(
  previous: NodeHealth | undefined,
  node: Node,
  leaseRenewTime: string | undefined,
  now: number,
  grace: GracePeriods,
): { health: NodeHealth; verdict: HealthVerdict } {
  const created = Date.parse(node.metadata?.creationTimestamp ?? '') || now;
  const currentReady = nodeCondition(node, 'Ready');
  let observed: NodeCondition;
  let gracePeriod: number;
  let health = previous;
  if (!currentReady) {
    // Never posted: judged from its creation, with the longer start-up grace period.
    const at = conditionTime(created);
    observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: at, lastTransitionTime: at };
    gracePeriod = grace.startupMs;
    health = health ? { ...health, ready: undefined } : { probeTimestamp: created, readyTransitionTimestamp: created };
  } else {
    observed = { ...currentReady };
    gracePeriod = grace.monitorMs;
  }

  const saved = health?.ready;
  if (!health) {
    health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: currentReady };
  } else if ((!saved && currentReady) || (saved && !currentReady)) {
    health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: currentReady, leaseRenewMicros: health.leaseRenewMicros };
  } else if (saved && currentReady && saved.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
    const transitioned = saved.lastTransitionTime !== currentReady.lastTransitionTime;
    health = { probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : health.readyTransitionTimestamp, ready: currentReady, leaseRenewMicros: health.leaseRenewMicros };
  }
  // A renewed Lease is as good as a heartbeat: a kubelet posts status rarely, renews often.
  const renewed = microTime(leaseRenewTime);
  if (renewed !== undefined && (health.leaseRenewMicros === undefined || health.leaseRenewMicros < renewed)) {
    health = { ...health, leaseRenewMicros: renewed, probeTimestamp: now };
  }

  const expiresAt = health.probeTimestamp + gracePeriod;
  if (now <= expiresAt) return { health, verdict: { observed, current: currentReady, deadline: expiresAt } };

  // Silent for too long: whatever the kubelet last said no longer holds.
  const next = structuredClone(node);
  const status = (next.status ??= {});
  const conditions = (status.conditions ??= []);
  const nowText = conditionTime(now);
  for (const type of kubeletConditions) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type,
        status: 'Unknown',
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: nowText,
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
      });
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = nowText;
    }
  }
  const current = conditions.find((c) => c.type === 'Ready');
  if (sameCondition(current, observed)) return { health, verdict: { observed, current } };
  return {
    health,
    verdict: {
      observed,
      current,
      update: next,
      healthAfterUpdate: { probeTimestamp: health.probeTimestamp, readyTransitionTimestamp: now, ready: current, leaseRenewMicros: health.leaseRenewMicros },
    },
  };
}

function sameCondition(a: NodeCondition | undefined, b: NodeCondition): boolean {
  if (!a) return false;
  return (
    a.status === b.status &&
    (a.reason ?? '') === (b.reason ?? '') &&
    (a.message ?? '') === (b.message ?? '') &&
    (a.lastHeartbeatTime ?? '') === (b.lastHeartbeatTime ?? '') &&
    (a.lastTransitionTime ?? '') === (b.lastTransitionTime ?? '')
  );
}
