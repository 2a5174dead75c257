// JSON text as Go's encoding/json writes it where JavaScript's differs: Go escapes `<`, `>` and
// `&` (its HTML-safe default) and the line and paragraph separators U+2028 and U+2029. Those
// characters only ever stand inside strings in JSON text, so escaping the whole text is exact.
const goEscaped = /[<>&\u2028\u2029]/g;
const escapes: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function goJsonEscape(json: string): string {
  return json.replace(goEscaped, (c) => escapes[c]!);
}
