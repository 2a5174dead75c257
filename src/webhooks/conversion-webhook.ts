// A CustomResourceDefinition's conversion strategy Webhook (apiextensions-apiserver's
// webhookConverter): the objects not yet in the wanted version go to the webhook in one
// apiextensions.k8s.io ConversionReview (v1, or v1beta1 if the CRD lists it first); the answer
// must hold as many objects, each in the wanted version and of the same kind, and only their
// labels and annotations may change in metadata (the rest of metadata is the original's). Any failure is the apiserver's plain error,
// which its error writer answers as a 500 with no reason: `conversion webhook for
// stable.example.com/v1, Kind=CronTab failed: …`.
import { ApiError } from '../apierrors/index.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import { parseWebhookJson, postWebhook, WebhookCallError, type ServiceResolver, type WebhookClientConfig } from './webhook-client.js';

export interface ConversionWebhookSettings {
  clientConfig: WebhookClientConfig;
  conversionReviewVersions?: string[];
}

export interface ConversionWebhookDeps {
  resolveService: ServiceResolver;
  newUid: () => string;
}

/** The apiserver gives a conversion webhook 30 seconds. */
const conversionTimeoutSeconds = 30;

/** Objects (any versions of one kind) in `desiredAPIVersion`, in the same order. */
export async function convertByWebhook(
  settings: ConversionWebhookSettings,
  objects: readonly KubeObject[],
  desiredAPIVersion: string,
  deps: ConversionWebhookDeps,
): Promise<KubeObject[]> {
  const pending = objects.map((o, i) => ({ o, i })).filter(({ o }) => o.apiVersion !== desiredAPIVersion);
  if (pending.length === 0) return [...objects];
  const first = pending[0]!.o;
  const gvk = groupVersionKindText(String(first.apiVersion ?? ''), String(first.kind ?? ''));
  const fail = (detail: string) => new ApiError(500, '', `conversion webhook for ${gvk} ${detail}`);
  // The first version of the list the apiserver speaks.
  const reviewVersion = (settings.conversionReviewVersions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
  if (!reviewVersion) throw fail('failed: no supported conversion review versions');
  const uid = deps.newUid();
  const review = {
    kind: 'ConversionReview',
    apiVersion: `apiextensions.k8s.io/${reviewVersion}`,
    request: { uid, desiredAPIVersion, objects: pending.map(({ o }) => o) },
  };
  let answer;
  try {
    answer = await postWebhook(settings.clientConfig, review, { timeoutSeconds: conversionTimeoutSeconds, resolveService: deps.resolveService });
  } catch (err) {
    if (err instanceof WebhookCallError) throw fail(`failed: ${err.message}`);
    throw err;
  }
  if (answer.statusCode < 200 || answer.statusCode >= 300) {
    throw fail(`failed: the server responded with the status code ${answer.statusCode} but did not return more information`);
  }
  let parsed: unknown;
  try {
    parsed = parseWebhookJson(answer.body);
  } catch (err) {
    throw fail(`failed: ${(err as Error).message}`);
  }
  const response = isPlainObject(parsed) && isPlainObject(parsed.response) ? (parsed.response as ConversionResponse) : undefined;
  if (!response) throw fail('failed: no response provided');
  // v1beta1 answers were never checked for their uid; v1 ones are.
  if (reviewVersion === 'v1' && response.uid !== uid) throw fail(`failed: expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  if (response.result?.status !== 'Success') {
    throw fail(`failed: ${response.result?.message || `response.result.status was '${response.result?.status ?? ''}', not 'Success'`}`);
  }
  const converted = response.convertedObjects ?? [];
  if (converted.length !== pending.length) throw fail(`returned ${converted.length} objects, expected ${pending.length}`);
  const out = [...objects];
  pending.forEach(({ o: original, i }, index) => {
    const result = converted[index];
    if (!isPlainObject(result)) throw fail(`returned invalid converted object at index ${index}: not an object`);
    if (result.apiVersion !== desiredAPIVersion) {
      throw fail(`returned invalid converted object at index ${index}: invalid apiVersion: ${JSON.stringify(result.apiVersion ?? '')}, expected ${JSON.stringify(desiredAPIVersion)}`);
    }
    if (result.kind !== original.kind) {
      throw fail(`returned invalid converted object at index ${index}: invalid kind: ${JSON.stringify(result.kind ?? '')}, expected ${JSON.stringify(original.kind ?? '')}`);
    }
    out[i] = restoreObjectMeta(original, result as KubeObject);
  });
  return out;
}

interface ConversionResponse {
  uid?: string;
  convertedObjects?: unknown[];
  result?: { status?: string; message?: string };
}

/** A webhook may change labels and annotations; every other metadata field is the original's. */
function restoreObjectMeta(original: KubeObject, converted: KubeObject): KubeObject {
  const meta = { ...(original.metadata ?? {}) } as Record<string, unknown>;
  const changed = (converted.metadata ?? {}) as Record<string, unknown>;
  for (const field of ['labels', 'annotations']) {
    if (changed[field] === undefined) delete meta[field];
    else meta[field] = changed[field];
  }
  return { ...converted, metadata: meta as KubeObject['metadata'] };
}

/** schema.GroupVersionKind's String(): `stable.example.com/v1, Kind=CronTab`. */
function groupVersionKindText(apiVersion: string, kind: string): string {
  return `${apiVersion}, Kind=${kind}`;
}
