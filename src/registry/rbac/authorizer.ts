// The authorizer chain kube-apiserver runs for --authorization-mode: the privileged-group
// authorizer first (system:masters may do anything), then each mode in order — RBAC over the
// indexed roles and bindings, or AlwaysAllow. The first that allows decides; when none does the
// request is forbidden, with RBAC's reason (a missing role its bindings name) if it has one.
import { ApiError, forbidden } from '../../apierrors/index.js';
import type { AuthorizationAttributes, Decision, UserInfo } from './attributes.js';
import { systemMasters } from './attributes.js';
import { nonResourceRuleAllows, resourceRuleAllows, type PolicyRule } from './policy-rules.js';
import { describeSource, type RbacIndex } from './rbac-index.js';

export type AuthorizationMode = 'RBAC' | 'AlwaysAllow' | 'AlwaysDeny';

/** Modes kube-apiserver knows that kubemu does not run (they are left out, with a warning). */
export const unsupportedModes = ['Node', 'ABAC', 'Webhook'];

export interface RulesReview {
  resourceRules: { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

export class Authorizer {
  constructor(
    readonly modes: readonly AuthorizationMode[],
    private readonly rbac: RbacIndex,
  ) {}

  /** True when some request may be refused (not AlwaysAllow alone). */
  get enforcing(): boolean {
    return this.modes[0] !== 'AlwaysAllow';
  }

  authorize(attrs: AuthorizationAttributes): Decision {
    if (attrs.user.groups.includes(systemMasters)) return { allowed: true, reason: '' };
    const reasons: string[] = [];
    for (const mode of this.modes) {
      if (mode === 'AlwaysAllow') return { allowed: true, reason: '' };
      if (mode === 'AlwaysDeny') return { allowed: false, reason: 'Everything is forbidden.' };
      const decision = this.rbacDecision(attrs);
      if (decision.allowed) return decision;
      if (decision.reason) reasons.push(decision.reason);
    }
    return { allowed: false, reason: reasons.join('\n') };
  }

  private rbacDecision(attrs: AuthorizationAttributes): Decision {
    let allowedBy: string | undefined;
    const errors: string[] = [];
    const namespace = attrs.resourceRequest ? attrs.resource.namespace : undefined;
    this.rbac.visitRules(attrs.user, namespace, (source, rule, error) => {
      if (error) {
        errors.push(error);
        return true;
      }
      const ok = attrs.resourceRequest ? resourceRuleAllows(rule!, attrs.resource) : nonResourceRuleAllows(rule!, attrs.nonResource);
      if (!ok) return true;
      allowedBy = `RBAC: allowed by ${describeSource(source!)}`;
      return false;
    });
    if (allowedBy) return { allowed: true, reason: allowedBy };
    return { allowed: false, reason: errors.length ? `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` : '' };
  }

  /** What `user` may do in `namespace` (SelfSubjectRulesReview; `kubectl auth can-i --list`). */
  rulesFor(user: UserInfo, namespace: string): RulesReview {
    const review: RulesReview = { resourceRules: [], nonResourceRules: [], incomplete: false };
    if (user.groups.includes(systemMasters) || this.modes[0] === 'AlwaysAllow') {
      review.resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      review.nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
    }
    if (!this.modes.includes('RBAC')) return review;
    const errors: string[] = [];
    this.rbac.visitRules(user, namespace, (_source, rule, error) => {
      if (error) errors.push(error);
      else addRule(review, rule!.rule);
      return true;
    });
    if (errors.length) {
      review.incomplete = true;
      review.evaluationError = `[${errors.join(', ')}]`;
    }
    return review;
  }

  /** Every rule `user` holds in `namespace` (cluster-wide ones included): what escalation checks compare with. */
  heldRules(user: UserInfo, namespace: string | undefined): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.rbac.visitRules(user, namespace, (_s, rule, error) => {
      if (error) errors.push(error);
      else rules.push(rule!.rule);
      return true;
    });
    return { rules, errors };
  }
}

function addRule(review: RulesReview, rule: PolicyRule): void {
  if (rule.nonResourceURLs?.length) {
    review.nonResourceRules.push({ verbs: [...(rule.verbs ?? [])], nonResourceURLs: [...rule.nonResourceURLs] });
    return;
  }
  const out: RulesReview['resourceRules'][number] = { verbs: [...(rule.verbs ?? [])], apiGroups: [...(rule.apiGroups ?? [])], resources: [...(rule.resources ?? [])] };
  if (rule.resourceNames?.length) out.resourceNames = [...rule.resourceNames];
  review.resourceRules.push(out);
}

/** kube-apiserver's Forbidden answer for a refused request (responsewriters.ForbiddenStatusError). */
export function forbiddenError(attrs: AuthorizationAttributes, reason: string): ApiError {
  const who = attrs.user.username ? `User "${attrs.user.username}"` : 'User';
  const why = reason ? `: ${reason}` : '';
  if (!attrs.resourceRequest) {
    const msg = `${who} cannot ${attrs.nonResource.verb} path "${attrs.nonResource.path}"${why}`;
    return new ApiError(403, 'Forbidden', `forbidden: ${msg}`, {});
  }
  const r = attrs.resource;
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const where = r.namespace ? `in the namespace "${r.namespace}"` : 'at the cluster scope';
  const msg = `${who} cannot ${r.verb} resource "${resource}" in API group "${r.apiGroup}" ${where}${why}`;
  return forbidden({ group: r.apiGroup, resource: r.resource }, r.name ?? '', msg);
}

/**
 * --authorization-mode's comma list: the modes kubemu runs, in order, and the ones it leaves out
 * (Node, ABAC, Webhook: the caller warns about them). Throws on a name kube-apiserver does not know.
 */
export function parseAuthorizationModes(list: string): { modes: AuthorizationMode[]; skipped: string[] } {
  const modes: AuthorizationMode[] = [];
  const skipped: string[] = [];
  for (const raw of list.split(',')) {
    const mode = raw.trim();
    if (mode === 'RBAC' || mode === 'AlwaysAllow' || mode === 'AlwaysDeny') {
      if (!modes.includes(mode)) modes.push(mode);
    } else if (unsupportedModes.includes(mode)) skipped.push(mode);
    else throw new Error(`--authorization-mode: unknown authorization mode "${mode}" (RBAC, AlwaysAllow, AlwaysDeny; Node, ABAC and Webhook are not supported)`);
  }
  if (!modes.length) throw new Error(`--authorization-mode "${list}" names no mode kubemu supports (RBAC, AlwaysAllow, AlwaysDeny)`);
  return { modes, skipped };
}
