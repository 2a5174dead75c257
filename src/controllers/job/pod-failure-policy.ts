// spec.podFailurePolicy: the first rule matching a failed pod (a terminated container's non-zero
// exit code, or a pod condition) decides whether the job fails at once (FailJob), the index fails
// (FailIndex), the failure is not counted against the backoff limits (Ignore) or is (Count).
// No matching rule means Count.
import type { Job, Pod } from '../../machinery/api-types.js';

type Policy = NonNullable<NonNullable<Job['spec']>['podFailurePolicy']>;
type ExitCodesRequirement = NonNullable<Policy['rules'][number]['onExitCodes']>;
type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

export type PodFailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailureMatch {
  /** Set when a FailJob rule matched: the message of the job's failure condition. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit (and backoffLimitPerIndex). */
  countFailed: boolean;
  action?: PodFailureAction;
}

export function matchPodFailurePolicy(policy: Policy | undefined, pod: Pod): PodFailureMatch {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const container = matchOnExitCodes(pod, rule.onExitCodes);
      if (!container) continue;
      failJobMessage = `Container ${container.name} for pod ${ns}/${name} failed with exit code ${container.state?.terminated?.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const condition = (pod.status?.conditions ?? []).find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (!condition) continue;
      failJobMessage = `Pod ${ns}/${name} has condition ${condition.type} matching ${rule.action} rule at index ${index}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { failJobMessage, countFailed: true, action: 'FailJob' };
    }
    // An action this version does not know: look at the next rule, as upstream's switch falls out.
  }
  return { countFailed: true };
}

function matchOnExitCodes(pod: Pod, requirement: ExitCodesRequirement): ContainerStatus | undefined {
  return matchingContainer(pod.status?.containerStatuses, requirement) ?? matchingContainer(pod.status?.initContainerStatuses, requirement);
}

// Containers that exited 0 never match, whatever the operator.
function matchingContainer(statuses: readonly ContainerStatus[] | undefined, requirement: ExitCodesRequirement): ContainerStatus | undefined {
  return (statuses ?? []).find((s) => {
    const terminated = s.state?.terminated;
    if (!terminated || terminated.exitCode === 0) return false;
    if (requirement.containerName !== undefined && requirement.containerName !== s.name) return false;
    const listed = requirement.values.includes(terminated.exitCode);
    if (requirement.operator === 'In') return listed;
    if (requirement.operator === 'NotIn') return !listed;
    return false;
  });
}
