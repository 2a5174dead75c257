// Label maps and label selectors rendered as text, as apimachinery's labels.Set.String(),
// metav1.LabelSelectorAsSelector(...).String() and metav1.FormatLabelSelector print them.

type LabelMap = Record<string, string> | undefined | null;

interface SelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[] | null;
}

export interface LabelSelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: SelectorRequirement[] | null;
}

/** "a=1,b=2" with keys sorted; "<none>" for no labels. */
export function formatLabels(labels: LabelMap): string {
  if (labels === undefined || labels === null) return '<none>';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '<none>';
  keys.sort();
  let text = '';
  for (const key of keys) {
    if (text !== '') text += ',';
    text += `${key}=${labels[key]}`;
  }
  return text;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  if (slash < 0) return true;
  const prefix = key.slice(0, slash);
  return prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix);
}

function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

interface Requirement {
  key: string;
  text: string;
}

function requirementText(key: string, operator: string, values: readonly string[]): string | undefined {
  if (!isValidLabelKey(key)) return undefined;
  for (const value of values) if (!isValidLabelValue(value)) return undefined;
  const sorted = values.length > 1 ? [...values].sort() : values;
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return undefined;
      return `${key} ${operator === 'In' ? 'in' : 'notin'} (${sorted.join(',')})`;
    case 'Exists':
      return values.length === 0 ? key : undefined;
    case 'DoesNotExist':
      return values.length === 0 ? `!${key}` : undefined;
    default:
      return undefined;
  }
}

/**
 * The selector's canonical string form, requirements sorted by key: "app=web,tier in (a,b),!legacy".
 * An absent or empty selector gives "". Undefined when the selector is invalid (unknown operator,
 * wrong value count, malformed key or value), where the Go conversion returns an error.
 */
export function labelSelectorString(selector: LabelSelectorLike | undefined | null): string | undefined {
  if (selector === undefined || selector === null) return '';
  const requirements: Requirement[] = [];
  const matchLabels = selector.matchLabels ?? {};
  for (const key of Object.keys(matchLabels)) {
    const value = matchLabels[key] ?? '';
    if (!isValidLabelKey(key) || !isValidLabelValue(value)) return undefined;
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expression of selector.matchExpressions ?? []) {
    const key = expression.key ?? '';
    const text = requirementText(key, expression.operator ?? '', expression.values ?? []);
    if (text === undefined) return undefined;
    requirements.push({ key, text });
  }
  // Array.prototype.sort is stable, so equal keys keep their declaration order.
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return requirements.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: "<none>" for an absent or empty selector, "<error>" for an invalid one. */
export function formatLabelSelector(selector: LabelSelectorLike | undefined | null): string {
  const text = labelSelectorString(selector);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/**
 * Go's generated debug String() of a *metav1.LabelSelector
 * ("&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}"),
 * which the admission-policy binding printers put in their ParamRef column.
 */
export function goLabelSelectorDebugString(selector: LabelSelectorLike): string {
  let expressions = '[]LabelSelectorRequirement{';
  for (const e of selector.matchExpressions ?? []) {
    expressions += `LabelSelectorRequirement{Key:${e.key ?? ''},Operator:${e.operator ?? ''},Values:[${(e.values ?? []).join(' ')}],},`;
  }
  expressions += '}';
  const matchLabels = selector.matchLabels ?? {};
  let labels = 'map[string]string{';
  for (const key of Object.keys(matchLabels).sort()) labels += `${key}: ${matchLabels[key]},`;
  labels += '}';
  return `&LabelSelector{MatchLabels:${labels},MatchExpressions:${expressions},}`;
}
