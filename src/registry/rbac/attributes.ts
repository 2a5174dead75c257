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
