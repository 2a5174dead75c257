// What an authorizer is asked: who, and what they want to do — kube-apiserver's
// authorizer.Attributes, built from a request's RequestInfo, from an access review's spec, or by
// the escalation checks.
import type { UserInfo } from '../service-account-tokens.js';

export type { UserInfo };

export interface ResourceAttributes {
  verb: string;
  apiGroup: string;
  /** The resource alone ("pods"); the subresource is separate, as RequestInfo has them. */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type AuthorizationAttributes = { user: UserInfo } & ({ resourceRequest: true; resource: ResourceAttributes } | { resourceRequest: false; nonResource: NonResourceAttributes });

export interface Decision {
  allowed: boolean;
  /** Why, in RBAC's words ("RBAC: allowed by …"); "" when nothing matched. */
  reason: string;
}

/** The group whose members pass every check (kube-apiserver's privileged group authorizer). */
export const systemMasters = 'system:masters';

/**
 * The name a list or watch narrowed by `fieldSelector=metadata.name=x` is authorized for (x), as
 * kube-apiserver's RequestInfo reads it; undefined for any other selector.
 */
export function nameFromFieldSelector(selector: string | null | undefined): string | undefined {
  if (!selector) return undefined;
  return /^\s*metadata\.name\s*==?\s*([^,\s]+)\s*$/.exec(selector)?.[1];
}
