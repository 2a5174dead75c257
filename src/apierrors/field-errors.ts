// Field-level validation errors, in the vocabulary and wording of Kubernetes' field.Error,
// so that `kubectl` prints exactly what users know from a real cluster.

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

export interface FieldError {
  type: FieldErrorType;
  /** Path in the object, in Kubernetes' notation: spec.containers[0].image, metadata.labels[app]. */
  field: string;
  badValue?: unknown;
  /** The bad value as Go prints it, when that is not what formatValue would write (Go's %#v of a map). */
  badValueText?: string;
  detail?: string;
  /** For NotSupported: the values that would have been accepted. */
  supported?: string[];
}

const typeWords: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

// These types never print the offending value, as in field.Error.ErrorBody.
const omitsValue = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The part after "field: ", e.g. `Invalid value: "Foo": a lowercase RFC 1123 label must …`. */
export function fieldErrorBody(err: FieldError): string {
  let body = typeWords[err.type];
  if (!omitsValue.has(err.type) && 'badValue' in err) body += `: ${err.badValueText ?? formatValue(err.badValue)}`;
  if (err.type === 'FieldValueNotSupported' && err.supported?.length) {
    body += `: supported values: ${err.supported.map((s) => JSON.stringify(s)).join(', ')}`;
  } else if (err.detail) {
    body += `: ${err.detail}`;
  }
  return body;
}

export function fieldErrorString(err: FieldError): string {
  return err.field ? `${err.field}: ${fieldErrorBody(err)}` : fieldErrorBody(err);
}

/** Constructors named as in Kubernetes' field package. */
export const field = {
  required: (path: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field: path, detail }),
  invalid: (path: string, value: unknown, detail?: string): FieldError => ({ type: 'FieldValueInvalid', field: path, badValue: value, detail }),
  notSupported: (path: string, value: unknown, supported: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field: path,
    badValue: value,
    supported,
  }),
  duplicate: (path: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: path, badValue: value }),
  forbidden: (path: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: path, detail }),
  tooLong: (path: string, value: unknown, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field: path,
    badValue: value,
    detail: `may not be more than ${max} bytes`,
  }),
  tooMany: (path: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field: path,
    badValue: actual,
    detail: `must have at most ${max} items`,
  }),
  notFound: (path: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: path, badValue: value }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field: path,
    badValue: value,
    detail,
  }),
};
