// Label key and label value syntax (apimachinery api/validate/content: IsLabelKey, IsLabelValue),
// returning the same explanations so selector errors read like kube-apiserver's.

const LABEL_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_NAME = new RegExp(`^${LABEL_NAME_FMT}$`);
const LABEL_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_NAME_MAX = 63;

const LABEL_VALUE_FMT = `(${LABEL_NAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX = 63;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX = 253;

function regexError(message: string, pattern: string, ...examples: string[]): string {
  // Matches apimachinery's wording, double spaces included.
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${pattern}')`;
}

function maxLenError(max: number): string {
  return `must be no more than ${max} bytes`;
}

// Go measures these limits in bytes; every valid character is ASCII, so only invalid
// (already rejected) input pays for the UTF-8 count.
function byteLength(text: string): number {
  return /^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text, 'utf8');
}

const EMPTY_ERROR = 'must be non-empty';

/** Why `key` is not a valid label key (qualified name); empty when it is valid. */
export function labelKeyErrors(key: string): string[] {
  const errors: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) {
      errors.push(`prefix part ${EMPTY_ERROR}`);
    } else {
      if (byteLength(prefix) > DNS1123_SUBDOMAIN_MAX) errors.push(`prefix part ${maxLenError(DNS1123_SUBDOMAIN_MAX)}`);
      if (!DNS1123_SUBDOMAIN.test(prefix)) {
        errors.push(`prefix part ${regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com')}`);
      }
    }
  } else {
    return [
      `a valid label key ${regexError(LABEL_NAME_MSG, LABEL_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errors.push(`name part ${EMPTY_ERROR}`);
  else if (byteLength(name) > LABEL_NAME_MAX) errors.push(`name part ${maxLenError(LABEL_NAME_MAX)}`);
  if (!LABEL_NAME.test(name)) errors.push(`name part ${regexError(LABEL_NAME_MSG, LABEL_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errors;
}

/** Why `value` is not a valid label value; empty when it is valid. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX) errors.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE.test(value)) errors.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errors;
}
