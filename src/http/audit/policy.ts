// audit.k8s.io/v1 Policy: an ordered list of rules; the first rule that matches a request decides
// its level (None, Metadata, Request, RequestResponse) and which stages are left out. Matching
// follows kube-apiserver's policy checker (k8s.io/apiserver/pkg/audit/policy/checker.go): a rule
// naming resources or namespaces matches only resource requests, one naming nonResourceURLs only
// non-resource requests; "*", "*/sub" and "res/*" patterns; a trailing "*" in a URL is a prefix.

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const levels: readonly AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const stages: readonly AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export function levelAtLeast(level: AuditLevel, than: AuditLevel): boolean {
  return levels.indexOf(level) >= levels.indexOf(than);
}

interface GroupResources {
  group: string;
  resources: string[];
  resourceNames: string[];
}

interface PolicyRule {
  level: AuditLevel;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: GroupResources[];
  namespaces: string[];
  nonResourceURLs: string[];
  omitStages: AuditStage[];
  /** Absent: the policy's own setting decides. */
  omitManagedFields?: boolean;
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages: AuditStage[];
  omitManagedFields: boolean;
}

/** What a rule looks at. */
export interface AuditAttributes {
  user: { username: string; groups: string[] };
  verb: string;
  /** Absent for non-resource requests. */
  resource?: { group: string; resource: string; subresource?: string; namespace?: string; name?: string };
  path: string;
}

export interface AuditDecision {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
  /** Leave metadata.managedFields out of the request and response objects. */
  omitManagedFields: boolean;
}

/** Without --audit-policy-file: Metadata for every request. */
export const metadataForEverything: AuditPolicy = {
  rules: [{ level: 'Metadata', users: [], userGroups: [], verbs: [], resources: [], namespaces: [], nonResourceURLs: [], omitStages: [] }],
  omitStages: [],
  omitManagedFields: false,
};

const policyFields = new Set(['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields']);
const ruleFields = new Set(['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields']);
const groupResourcesFields = new Set(['group', 'resources', 'resourceNames']);

/** A field the Policy type does not have is a mistake worth stopping for (a misspelt `namespace` would widen a rule). */
function refuseUnknown(obj: Record<string, unknown>, known: ReadonlySet<string>, at: string, fail: (msg: string) => never): void {
  for (const key of Object.keys(obj)) if (!known.has(key)) fail(`${at}unknown field "${key}"`);
}

function optionalBool(v: unknown, at: string, fail: (msg: string) => never): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') return fail(`${at} must be true or false`);
  return v;
}

export class AuditPolicyError extends Error {}

/** Reads a parsed Policy document, refusing what kube-apiserver's validation refuses. */
export function parseAuditPolicy(doc: unknown): AuditPolicy {
  const fail = (msg: string): never => {
    throw new AuditPolicyError(msg);
  };
  if (!isRecord(doc)) return fail('is not an audit.k8s.io/v1 Policy');
  if (doc.kind !== 'Policy') fail(`kind must be Policy, got ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== 'audit.k8s.io/v1') fail(`apiVersion must be audit.k8s.io/v1, got ${JSON.stringify(doc.apiVersion)}`);
  refuseUnknown(doc, policyFields, '', fail);
  const rules = doc.rules ?? [];
  if (!Array.isArray(rules)) return fail('rules must be a list');
  if (rules.length === 0) fail('rules: Required value: at least one rule is needed (an empty policy logs nothing)');
  return {
    omitStages: stageList(doc.omitStages, 'omitStages', fail),
    omitManagedFields: optionalBool(doc.omitManagedFields, 'omitManagedFields', fail) ?? false,
    rules: rules.map((r: unknown, i: number) => {
      const at = `rules[${i}]`;
      if (!isRecord(r)) return fail(`${at} must be an object`);
      refuseUnknown(r, ruleFields, `${at}: `, fail);
      if (typeof r.level !== 'string' || !levels.includes(r.level as AuditLevel)) {
        fail(`${at}.level: Unsupported value: ${JSON.stringify(r.level)}: supported values: "${levels.join('", "')}"`);
      }
      const rule: PolicyRule = {
        level: r.level as AuditLevel,
        users: stringList(r.users, `${at}.users`, fail),
        userGroups: stringList(r.userGroups, `${at}.userGroups`, fail),
        verbs: stringList(r.verbs, `${at}.verbs`, fail),
        namespaces: stringList(r.namespaces, `${at}.namespaces`, fail),
        nonResourceURLs: stringList(r.nonResourceURLs, `${at}.nonResourceURLs`, fail),
        omitStages: stageList(r.omitStages, `${at}.omitStages`, fail),
        omitManagedFields: optionalBool(r.omitManagedFields, `${at}.omitManagedFields`, fail),
        resources: (Array.isArray(r.resources) ? r.resources : r.resources === undefined ? [] : fail(`${at}.resources must be a list`)).map((g: unknown, j: number) => {
          if (!isRecord(g)) return fail(`${at}.resources[${j}] must be an object`);
          refuseUnknown(g, groupResourcesFields, `${at}.resources[${j}]: `, fail);
          return {
            group: typeof g.group === 'string' ? g.group : '',
            resources: stringList(g.resources, `${at}.resources[${j}].resources`, fail),
            resourceNames: stringList(g.resourceNames, `${at}.resourceNames`, fail),
          };
        }),
      };
      if (rule.nonResourceURLs.length && (rule.resources.length || rule.namespaces.length)) {
        fail(`${at}.nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs`);
      }
      return rule;
    }),
  };
}

export function evaluatePolicy(policy: AuditPolicy, attrs: AuditAttributes): AuditDecision {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, attrs)) {
      return { level: rule.level, omitStages: new Set([...policy.omitStages, ...rule.omitStages]), omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields };
    }
  }
  return { level: 'None', omitStages: new Set(policy.omitStages), omitManagedFields: policy.omitManagedFields };
}

function ruleMatches(rule: PolicyRule, attrs: AuditAttributes): boolean {
  if (rule.users.length && !rule.users.includes(attrs.user.username)) return false;
  if (rule.userGroups.length && !attrs.user.groups.some((g) => rule.userGroups.includes(g))) return false;
  if (rule.verbs.length && !rule.verbs.includes(attrs.verb)) return false;
  if (attrs.resource) {
    if (rule.nonResourceURLs.length) return false;
    return matchesNamespace(rule, attrs.resource.namespace ?? '') && matchesResource(rule, attrs.resource);
  }
  if (rule.resources.length || rule.namespaces.length) return false;
  if (!rule.nonResourceURLs.length) return true;
  return rule.nonResourceURLs.some((u) => u === attrs.path || (u.endsWith('*') && attrs.path.startsWith(u.slice(0, -1))));
}

function matchesNamespace(rule: PolicyRule, namespace: string): boolean {
  return rule.namespaces.length === 0 || rule.namespaces.includes(namespace);
}

function matchesResource(rule: PolicyRule, r: NonNullable<AuditAttributes['resource']>): boolean {
  if (rule.resources.length === 0) return true;
  const combined = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  for (const gr of rule.resources) {
    if (gr.group !== r.group) continue;
    if (gr.resources.length === 0) return true;
    if (gr.resourceNames.length && !gr.resourceNames.includes(r.name ?? '')) continue;
    for (const res of gr.resources) {
      if (res === '*' || res === combined) return true;
      if (r.subresource && res.startsWith('*/') && res.slice(2) === r.subresource) return true;
      if (r.subresource && res.endsWith('/*') && res.slice(0, -2) === r.resource) return true;
    }
  }
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, at: string, fail: (msg: string) => never): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return fail(`${at} must be a list of strings`);
  return v as string[];
}

function stageList(v: unknown, at: string, fail: (msg: string) => never): AuditStage[] {
  const list = stringList(v, at, fail);
  for (const s of list) if (!stages.includes(s as AuditStage)) fail(`${at}: Unsupported value: ${JSON.stringify(s)}: supported values: "${stages.join('", "')}"`);
  return list as AuditStage[];
}
