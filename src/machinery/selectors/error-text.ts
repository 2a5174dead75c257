// Renders validation failures the way apimachinery's field.Error and errors.Aggregate print them,
// because kube-apiserver sends those strings to clients as the Status message of a bad selector.

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

// Characters Go's strconv.Quote escapes: controls, separators other than the plain space, and
// the backslash and quote.
const NEEDS_ESCAPE = /[\p{C}\p{Z}"\\]/u;
const NEEDS_ESCAPE_GLOBAL = /[\p{C}\p{Z}"\\]/gu;

/** Go's `%q` of a string (strconv.Quote), for the printable subset kubectl users see. */
export function goQuote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  const body = text.replace(NEEDS_ESCAPE_GLOBAL, (ch) => {
    if (ch === ' ') return ch;
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) return simple;
    const code = ch.codePointAt(0)!;
    if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
    if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
    return `\\U${code.toString(16).padStart(8, '0')}`;
  });
  return `"${body}"`;
}

/** Go's `%#v` of a []string; apimachinery passes nil slices for absent values. */
function goStringSlice(values: readonly string[]): string {
  if (values.length === 0) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** field.Invalid(path, value, detail).Error(). */
export function invalidValueText(path: string, value: string | readonly string[], detail: string): string {
  const shown = typeof value === 'string' ? goQuote(value) : goStringSlice(value);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** errors.Aggregate.Error(): one message as is, several (deduplicated) as "[a, b]". */
export function aggregateText(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}
