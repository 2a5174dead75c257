// MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the webhooks of every
// Mutating/ValidatingWebhookConfiguration that match a request are sent an admission.k8s.io/v1
// AdmissionReview, in the apiserver's order (configurations by name, webhooks as listed), and
// their answers applied: a denial ends the request with the webhook's status, a JSONPatch changes
// the object, warnings go back to the client. A call that fails counts as a denial under
// failurePolicy Fail and is passed over under Ignore.
import { ApiError, badRequest, type Status } from '../../apierrors/index.js';
import { lazyModule } from '../../machinery/lazy-module.js';
import { isPlainObject, type KubeObject } from '../../machinery/object.js';
import { jsonEqual } from '../../machinery/json-equal.js';
import { parseWebhookJson, postWebhook, WebhookCallError, type ServiceResolver, type WebhookClientConfig } from '../webhook-client.js';
import {
  objectSelectorMatches,
  ruleMatches,
  selectorMatches,
  type AdmissionOperation,
  type GroupVersionResource,
  type LabelSelectorObject,
  type RuleWithOperations,
} from './webhook-rules.js';

// JSON patch (and fast-json-patch) loads with the first mutating webhook's patch, not at start-up.
const jsonPatch = lazyModule(() => import('../../machinery/patch/json-patch.js'));

export interface AdmissionWebhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: 'Fail' | 'Ignore';
  matchPolicy?: 'Exact' | 'Equivalent';
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: 'Never' | 'IfNeeded';
  matchConditions?: unknown[];
}

export interface WebhookConfiguration {
  metadata?: { name?: string };
  webhooks?: AdmissionWebhook[];
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** authentication.k8s.io/v1 UserInfo as a review carries it: only its own fields, whatever else the caller's user holds. */
export function reviewUserInfo(user: UserInfo | undefined): UserInfo | undefined {
  return user && { username: user.username, uid: user.uid, groups: user.groups, extra: user.extra };
}

/** A request as admission sees it; objects in the request's version. */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  resource: GroupVersionResource;
  kind: { group: string; version: string; kind: string };
  subresource: string;
  namespaced: boolean;
  namespace: string;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  /** CreateOptions, UpdateOptions or DeleteOptions, as sent to the webhook. */
  options?: Record<string, unknown>;
  userInfo?: UserInfo;
  /** Warnings for the response's Warning headers; webhooks' warnings are added here. */
  warnings: string[];
  /**
   * The same objects served under other versions (or groups): a webhook with matchPolicy
   * Equivalent whose rules name one of them is sent the object converted to it.
   */
  equivalents?: EquivalentResource[];
}

export interface EquivalentResource {
  resource: GroupVersionResource;
  kind: { group: string; version: string; kind: string };
  /** An object of the request's version in this version, and back. */
  fromRequest(obj: KubeObject): Promise<KubeObject>;
  toRequest(obj: KubeObject): Promise<KubeObject>;
}

/** A webhook that matched, and the equivalent resource it matched through (none: the request's own). */
interface Match {
  hook: AdmissionWebhook;
  via?: EquivalentResource;
}

export interface AdmissionWebhookDeps {
  mutatingConfigurations: () => WebhookConfiguration[];
  validatingConfigurations: () => WebhookConfiguration[];
  /** The labels of a namespace (undefined when it does not exist). */
  namespaceLabels: (namespace: string) => Record<string, string> | undefined;
  resolveService: ServiceResolver;
  newUid: () => string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** The HTTPS call (tests answer in-process). */
  post?: typeof postWebhook;
}

const defaultTimeoutSeconds = 10;
const sideEffectFreeOnDryRun = new Set(['None', 'NoneOnDryRun']);

export class AdmissionWebhooks {
  constructor(private readonly deps: AdmissionWebhookDeps) {}

  /** True when some configuration exists at all: the store skips converting objects for nothing. */
  active(kind: 'mutating' | 'validating'): boolean {
    const configs = kind === 'mutating' ? this.deps.mutatingConfigurations() : this.deps.validatingConfigurations();
    return configs.some((c) => (c.webhooks ?? []).length > 0);
  }

  /**
   * Runs the matching mutating webhooks; returns the object as they left it (the same object when
   * none changed it). A webhook with reinvocationPolicy IfNeeded runs once more when a later one
   * changed the object after it.
   */
  async mutate(attrs: AdmissionAttributes): Promise<KubeObject | undefined> {
    const matches = this.matching(this.deps.mutatingConfigurations(), attrs);
    let object = attrs.object;
    const ranAt = new Map<AdmissionWebhook, KubeObject | undefined>();
    for (const match of matches) {
      object = await this.callMutating(match, { ...attrs, object });
      ranAt.set(match.hook, object);
    }
    // Reinvocation: once, for those whose view of the object is out of date.
    for (const match of matches) {
      if (match.hook.reinvocationPolicy !== 'IfNeeded') continue;
      if (jsonEqual(ranAt.get(match.hook) ?? null, object ?? null)) continue;
      object = await this.callMutating(match, { ...attrs, object });
    }
    return object;
  }

  /**
   * Runs the matching validating webhooks all at once, as kube-apiserver's validating dispatcher
   * does, and throws the refusal (or failed call) that came back first.
   */
  async validate(attrs: AdmissionAttributes): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      this.matching(this.deps.validatingConfigurations(), attrs).map(async (match) => {
        try {
          const response = await this.call(match.hook, await viaEquivalent(match, attrs), attrs);
          if (response) this.admitOrDeny(match.hook, response, attrs);
        } catch (err) {
          failures.push(err);
        }
      }),
    );
    if (failures.length) throw failures[0];
  }

  private matching(configs: WebhookConfiguration[], attrs: AdmissionAttributes): Match[] {
    const sorted = [...configs].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const out: Match[] = [];
    for (const config of sorted) {
      for (const hook of config.webhooks ?? []) {
        const match = this.matches(hook, attrs);
        if (match) out.push(match);
      }
    }
    return out;
  }

  private matches(hook: AdmissionWebhook, attrs: AdmissionAttributes): Match | undefined {
    if (!this.selected(hook, attrs)) return undefined;
    const target = { operation: attrs.operation, resource: attrs.resource, subresource: attrs.subresource, namespaced: attrs.namespaced };
    if ((hook.rules ?? []).some((rule) => ruleMatches(rule, target))) return { hook };
    if (hook.matchPolicy === 'Exact') return undefined;
    // matchPolicy Equivalent: the same objects under another version or group the rules name.
    const via = (attrs.equivalents ?? []).find((eq) => (hook.rules ?? []).some((rule) => ruleMatches(rule, { ...target, resource: eq.resource })));
    return via ? { hook, via } : undefined;
  }

  private selected(hook: AdmissionWebhook, attrs: AdmissionAttributes): boolean {
    if (!objectSelectorMatches(hook.objectSelector, attrs.object, attrs.oldObject)) return false;
    // A Namespace is judged by its own labels; other cluster-scoped objects by none.
    if (attrs.resource.group === '' && attrs.resource.resource === 'namespaces') {
      return selectorMatches(hook.namespaceSelector, (attrs.object ?? attrs.oldObject)?.metadata?.labels);
    }
    if (!attrs.namespaced || !attrs.namespace) return true;
    return selectorMatches(hook.namespaceSelector, this.deps.namespaceLabels(attrs.namespace) ?? {});
  }

  private async callMutating(match: Match, requestAttrs: AdmissionAttributes): Promise<KubeObject | undefined> {
    const hook = match.hook;
    const attrs = await viaEquivalent(match, requestAttrs);
    const response = await this.call(hook, attrs, requestAttrs);
    if (!response) return requestAttrs.object;
    this.admitOrDeny(hook, response, requestAttrs);
    if (response.patch === undefined || attrs.object === undefined) return requestAttrs.object;
    if (response.patchType !== 'JSONPatch') {
      throw this.callFailed(hook, `received invalid webhook response: patchType ${JSON.stringify(response.patchType ?? '')} is not supported`);
    }
    let patch: unknown;
    try {
      patch = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
    } catch (err) {
      throw internal(`admission webhook "${hook.name}" returned an invalid patch: ${(err as Error).message}`);
    }
    const { applyJsonPatch } = await jsonPatch.load();
    let patched: KubeObject;
    try {
      const result = applyJsonPatch(attrs.object as never, patch);
      if (!isPlainObject(result)) throw new Error('the patched object is not a JSON object');
      patched = result as KubeObject;
    } catch (err) {
      throw internal(`JSON Patch: ${(err as Error).message}`);
    }
    return match.via ? match.via.toRequest(patched) : patched;
  }

  /** The webhook's answer, or undefined when its call failed and failurePolicy is Ignore. */
  /** `attrs` as the webhook is to see them (an equivalent's version), `requested` as the client asked. */
  private async call(hook: AdmissionWebhook, attrs: AdmissionAttributes, requested: AdmissionAttributes): Promise<AdmissionResponse | undefined> {
    if (attrs.dryRun && !sideEffectFreeOnDryRun.has(hook.sideEffects ?? '')) {
      throw badRequest(`admission webhook "${hook.name}" does not support dry run`);
    }
    // The first version of the webhook's list the apiserver speaks.
    const version = (hook.admissionReviewVersions ?? ['v1']).find((v) => v === 'v1' || v === 'v1beta1');
    const apiVersion = version && `admission.k8s.io/${version}`;
    try {
      if (!apiVersion) throw new WebhookCallError(`webhook does not accept known AdmissionReview versions`);
      const uid = this.deps.newUid();
      const review = { kind: 'AdmissionReview', apiVersion, request: this.request(uid, attrs, requested) };
      const timeoutSeconds = hook.timeoutSeconds ?? defaultTimeoutSeconds;
      const answer = await (this.deps.post ?? postWebhook)(hook.clientConfig, review, { timeoutSeconds, resolveService: this.deps.resolveService });
      if (answer.statusCode < 200 || answer.statusCode >= 300) {
        throw new WebhookCallError(`failed to call webhook: ${responseStatusText(answer.statusCode, answer.body)}`);
      }
      let parsed: unknown;
      try {
        parsed = parseWebhookJson(answer.body);
      } catch (err) {
        throw new WebhookCallError(`received invalid webhook response: ${(err as Error).message}`);
      }
      const response = isPlainObject(parsed) ? (parsed.response as AdmissionResponse | undefined) : undefined;
      if (!response || !isPlainObject(response)) throw new WebhookCallError('received invalid webhook response: webhook response was absent');
      if (response.uid !== uid) {
        throw new WebhookCallError(`received invalid webhook response: expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
      }
      return response;
    } catch (err) {
      if (!(err instanceof WebhookCallError)) throw err;
      if (hook.failurePolicy === 'Ignore') {
        this.deps.log?.('failed calling webhook, failing open', { webhook: hook.name, error: err.message });
        return undefined;
      }
      throw this.callFailed(hook, err.message.startsWith('failed to call webhook') || err.message.startsWith('received invalid') ? err.message : `failed to call webhook: ${err.message}`);
    }
  }

  private request(uid: string, attrs: AdmissionAttributes, requested: AdmissionAttributes): Record<string, unknown> {
    const request: Record<string, unknown> = {
      uid,
      kind: attrs.kind,
      resource: attrs.resource,
      ...(attrs.subresource ? { subResource: attrs.subresource } : {}),
      requestKind: requested.kind,
      requestResource: requested.resource,
      ...(attrs.subresource ? { requestSubResource: attrs.subresource } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.namespaced && attrs.namespace ? { namespace: attrs.namespace } : {}),
      operation: attrs.operation,
      userInfo: attrs.userInfo ?? {},
      object: attrs.object ?? null,
      oldObject: attrs.oldObject ?? null,
      dryRun: attrs.dryRun,
    };
    if (attrs.options) request.options = attrs.options;
    return request;
  }

  private admitOrDeny(hook: AdmissionWebhook, response: AdmissionResponse, attrs: AdmissionAttributes): void {
    for (const warning of response.warnings ?? []) if (typeof warning === 'string' && warning) attrs.warnings.push(warning);
    if (response.allowed === true) return;
    throw denial(hook.name, response.status);
  }

  private callFailed(hook: AdmissionWebhook, detail: string): ApiError {
    return internal(`failed calling webhook "${hook.name}": ${detail}`);
  }
}

/** The attributes in the version a webhook matched through. */
async function viaEquivalent(match: Match, attrs: AdmissionAttributes): Promise<AdmissionAttributes> {
  const via = match.via;
  if (!via) return attrs;
  return {
    ...attrs,
    resource: via.resource,
    kind: via.kind,
    object: attrs.object && (await via.fromRequest(attrs.object)),
    oldObject: attrs.oldObject && (await via.fromRequest(attrs.oldObject)),
  };
}

interface AdmissionResponse {
  uid?: string;
  allowed?: boolean;
  status?: Partial<Status>;
  patch?: string;
  patchType?: string;
  warnings?: unknown[];
  auditAnnotations?: Record<string, string>;
}

function internal(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** webhookerrors.ToStatusErr: the webhook's status, at least 400, its message prefixed with who denied it. */
function denial(webhookName: string, result: Partial<Status> | undefined): ApiError {
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const code = typeof result?.code === 'number' && result.code >= 400 ? result.code : 400;
  let message: string;
  if (result?.message) message = `${deniedBy}: ${result.message}`;
  else if (result?.reason) message = `${deniedBy}: ${result.reason}`;
  else message = `${deniedBy} without explanation`;
  const err = new ApiError(code, (result?.reason ?? '') as ApiError['reason'], message, result?.details);
  return err;
}

/** What client-go says of an answer that is not a 2xx. */
function responseStatusText(code: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    if (parsed?.kind === 'Status' && parsed.message) return parsed.message;
  } catch {
    // not JSON: described by its status code
  }
  return body.trim() ? `an error on the server (${JSON.stringify(body.trim())}) has prevented the request from succeeding` : `the server responded with the status code ${code} but did not return more information`;
}
