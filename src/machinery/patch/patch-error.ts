// Why a patch could not be applied, classified the way kube-apiserver answers it
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go and responsewriters/status.go).

/**
 * - BadRequest (400): the patch document is malformed (not a JSON patch array, a merge patch that is not
 *   an object, a malformed `$retainKeys` / `$setElementOrder` / `$deleteFromPrimitiveList` directive).
 * - Invalid (422): the patch is well formed but cannot be applied (a JSON-patch path that does not exist,
 *   a failing `test` op, lists of lists in strategic merge patch).
 * - Conflict (409): never raised by the algorithms here; kept for callers that fold precondition failures
 *   (uid / resourceVersion) into the same type.
 * - RequestEntityTooLarge (413): more than 10000 JSON-patch operations.
 * - Unknown (500, empty reason): kube-apiserver turns every other strategic-merge failure (an unknown
 *   `$patch` value, a list item without its merge key, `$patch: merge`, …) into a plain Go error that
 *   its error renderer answers as 500 with an empty reason and the error text as message.
 */
export type PatchErrorKind = 'BadRequest' | 'Invalid' | 'Conflict' | 'RequestEntityTooLarge' | 'Unknown';

export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'Conflict' | 'RequestEntityTooLarge' | '';

const httpCodes: Record<PatchErrorKind, number> = {
  BadRequest: 400,
  Invalid: 422,
  Conflict: 409,
  RequestEntityTooLarge: 413,
  Unknown: 500,
};

/** What kube-apiserver says (errors.NewGenericServerResponse(422, …)) while hiding the patch library's own words. */
export const genericUnprocessableMessage = 'the server rejected our request due to an error in our request';

export class PatchError extends Error {
  /** What the patch algorithm found; equals `message` unless the apiserver answers a generic message. */
  readonly detail: string;

  /** `message` is the Status message kube-apiserver answers for this failure. */
  constructor(message: string, readonly kind: PatchErrorKind, detail?: string) {
    super(message);
    this.name = 'PatchError';
    this.detail = detail ?? message;
  }

  /** The HTTP status code of the Status to answer. */
  get code(): number {
    return httpCodes[this.kind];
  }

  /** The Status reason to answer: the kind, except '' (metav1.StatusReasonUnknown) for Unknown. */
  get reason(): PatchErrorReason {
    return this.kind === 'Unknown' ? '' : this.kind;
  }
}

export function patchBadRequest(message: string): PatchError {
  return new PatchError(message, 'BadRequest');
}

/** A 422 whose Status message is the apiserver's generic one; `detail` keeps what actually went wrong. */
export function patchUnprocessable(detail: string): PatchError {
  return new PatchError(genericUnprocessableMessage, 'Invalid', detail);
}

export function patchUnknownFailure(message: string): PatchError {
  return new PatchError(message, 'Unknown');
}
