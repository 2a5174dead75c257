// Query parameters of resource requests, parsed and validated the way kube-apiserver does
// (Go's strconv.ParseBool for booleans, so watch=1, True and TRUE all work).
import { badRequest, invalid, type FieldError } from '../apierrors/index.js';
import { parseFieldSelector, parseLabelSelector, fieldSelectorRequirements, SelectorParseError } from '../machinery/selectors/index.js';
import type { DeleteOptions, FieldValidationMode, ListOptions } from '../registry/request-options.js';
import { validateFieldManager } from '../registry/managed-fields/manager-name.js';

export type Query = URLSearchParams;

const trueWords = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseBool(query: Query, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw === '' ) return true; // ?watch with no value
  if (trueWords.has(raw)) return true;
  if (falseWords.has(raw)) return false;
  throw badRequest(`invalid boolean value for ${name}: strconv.ParseBool: parsing "${raw}": invalid syntax`);
}

/**
 * Whether to indent the response (json.MarshalIndent) as kube-apiserver decides: by ?pretty= when
 * it has a value (one that does not parse counts as false), else for the user agents of browsers
 * and command-line HTTP tools, so `curl` gets readable JSON.
 */
export function isPrettyPrint(query: Query, userAgent: string | undefined): boolean {
  const raw = query.get('pretty');
  if (raw) return trueWords.has(raw);
  return userAgent !== undefined && /^(?:curl|Wget|Mozilla\/5\.0)/.test(userAgent);
}

export function parseInteger(query: Query, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing "${raw}": invalid syntax`);
  return Number(raw);
}

export function isWatchQuery(query: Query): boolean {
  try {
    return parseBool(query, 'watch') === true;
  } catch {
    return false;
  }
}

export function parseListOptions(query: Query, selectableFields: ReadonlySet<string>): ListOptions {
  const opts: ListOptions = {};
  const ls = query.get('labelSelector');
  const fs = query.get('fieldSelector');
  try {
    if (ls) opts.labelSelector = parseLabelSelector(ls);
    if (fs) opts.fieldSelector = parseFieldSelector(fs);
  } catch (err) {
    if (err instanceof SelectorParseError) throw badRequest(err.message);
    throw err;
  }
  if (opts.fieldSelector) {
    for (const req of fieldSelectorRequirements(opts.fieldSelector)) {
      if (!selectableFields.has(req.field)) throw badRequest(`field label not supported: ${req.field}`);
    }
  }
  const limit = parseInteger(query, 'limit');
  if (limit !== undefined && limit > 0) opts.limit = limit;
  const cont = query.get('continue');
  if (cont) opts.continueToken = cont;
  const rv = query.get('resourceVersion');
  if (rv !== null && rv !== '') opts.resourceVersion = rv;
  const match = query.get('resourceVersionMatch');
  if (match) {
    if (match !== 'NotOlderThan' && match !== 'Exact') {
      throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [
        { type: 'FieldValueNotSupported', field: 'resourceVersionMatch', badValue: match, supported: ['Exact', 'NotOlderThan', ''] },
      ]);
    }
    opts.resourceVersionMatch = match;
  }
  return opts;
}

export function parseFieldValidation(query: Query): FieldValidationMode {
  const raw = query.get('fieldValidation');
  if (raw === null || raw === '') return 'Warn';
  const mode = raw.charAt(0).toUpperCase() + raw.slice(1).toLowerCase();
  if (mode === 'Strict' || mode === 'Warn' || mode === 'Ignore') return mode;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${raw}"`);
}

export function parseDryRun(query: Query, bodyValues?: unknown): boolean {
  // DeleteOptions carry dryRun in the body as well (kubectl delete --dry-run=server sends it there).
  const fromBody = Array.isArray(bodyValues) ? bodyValues.map(String) : [];
  const values = [...query.getAll('dryRun'), ...fromBody];
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== 'All') {
      throw invalid({ group: 'meta.k8s.io', kind: 'CreateOptions' }, '', [
        { type: 'FieldValueNotSupported', field: 'dryRun', badValue: values, supported: ['All'] },
      ]);
    }
  }
  return true;
}

export function parseFieldManager(query: Query, optionsKind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' = 'PatchOptions'): string | undefined {
  const fm = query.get('fieldManager');
  if (fm === null || fm === '') return undefined;
  const errors = validateFieldManager(fm);
  if (errors.length) throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', errors);
  return fm;
}

/** Delete options from the query and (taking precedence) a DeleteOptions body. */
export function parseDeleteOptions(query: Query, body: Record<string, unknown> | undefined): DeleteOptions {
  const opts: DeleteOptions = {};
  const grace = parseInteger(query, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = query.get('propagationPolicy');
  if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  const orphan = parseBool(query, 'orphanDependents');
  if (orphan !== undefined) opts.orphanDependents = orphan;
  if (body) {
    if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
    if (typeof body.propagationPolicy === 'string') opts.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (typeof body.orphanDependents === 'boolean') opts.orphanDependents = body.orphanDependents;
    const pre = body.preconditions as { uid?: string; resourceVersion?: string } | undefined;
    if (pre && typeof pre === 'object') opts.preconditions = { uid: pre.uid, resourceVersion: pre.resourceVersion };
  }
  const errors: FieldError[] = [];
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'propagationPolicy',
      badValue: opts.propagationPolicy,
      supported: ['Foreground', 'Background', 'Orphan', 'nil'],
    });
  }
  if (opts.propagationPolicy && opts.orphanDependents !== undefined) {
    errors.push({ type: 'FieldValueInvalid', field: 'propagationPolicy', badValue: opts.propagationPolicy, detail: 'orphanDependents and deletionPropagation cannot be both set' });
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  if (errors.length) throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errors);
  return opts;
}
