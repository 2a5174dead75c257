import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
} from './formats.js';
import { nameValidators } from './name-validators.js';

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const keyNameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Check = (value: string) => string[];

const cases: [string, Check, string, string[]][] = [
  ['label ok', isDNS1123Label, 'my-name', []],
  ['label digits first', isDNS1123Label, '123-abc', []],
  ['label upper case', isDNS1123Label, 'My-Name', [labelMsg]],
  ['label trailing dash', isDNS1123Label, 'abc-', [labelMsg]],
  ['label dots', isDNS1123Label, 'a.b', ['must not contain dots']],
  ['label too long', isDNS1123Label, 'a'.repeat(64), ['must be no more than 63 bytes']],
  ['subdomain ok', isDNS1123Subdomain, 'example.com', []],
  ['subdomain underscore', isDNS1123Subdomain, 'Bad_Name', [subdomainMsg]],
  ['subdomain empty', isDNS1123Subdomain, '', [subdomainMsg]],
  ['subdomain too long', isDNS1123Subdomain, `${'a'.repeat(250)}.bcd`, ['must be no more than 253 bytes']],
  ['1035 ok', isDNS1035Label, 'web-1', []],
  ['1035 digit first', isDNS1035Label, '1web', [dns1035Msg]],
  ['qualified ok', isQualifiedName, 'example.com/My_Name', []],
  ['qualified bare ok', isQualifiedName, 'app', []],
  ['qualified bad name', isQualifiedName, 'bad name', [keyNameMsg]],
  ['qualified empty prefix', isQualifiedName, '/name', ['prefix part must be non-empty']],
  ['qualified bad prefix', isQualifiedName, 'Example.com/name', [`prefix part ${subdomainMsg}`]],
  ['qualified empty name', isQualifiedName, 'example.com/', ['name part must be non-empty', keyNameMsg]],
  ['qualified long name', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 bytes']],
  ['label value empty ok', isLabelValue, '', []],
  ['label value bad', isLabelValue, '-x', [labelValueMsg]],
  ['label value long', isLabelValue, 'a'.repeat(64), ['must be no more than 63 bytes']],
  ['config key ok', isConfigMapKey, 'app.properties', []],
  [
    'config key slash',
    isConfigMapKey,
    'a/b',
    ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
  ],
  ['config key dot-dot', isConfigMapKey, '..data', ["must not start with '..'"]],
  ['config key dot', isConfigMapKey, '.', ["must not be '.'"]],
  ['env name relaxed ok', isRelaxedEnvVarName, '1-weird.NAME', []],
  ['env name with =', isRelaxedEnvVarName, 'A=B', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
  ['env name empty', isRelaxedEnvVarName, '', ['environment variable name must be non-empty']],
  ['port name ok', isValidPortName, 'http-alt', []],
  ['port name digits', isValidPortName, '8080', ['must contain at least one letter (a-z)']],
  [
    'port name bad',
    isValidPortName,
    '-Very--Long-Port-Name',
    [
      'must be no more than 15 bytes',
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ],
  ],
  ['percent ok', isValidPercent, '25%', []],
  [
    'percent bad',
    isValidPercent,
    '25',
    ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
  ],
  ['path segment ok', isValidPathSegmentName, 'system:admin', []],
  ['path segment dot-dot', isValidPathSegmentName, '..', ["may not be '..'"]],
  ['path segment slash and percent', isValidPathSegmentName, 'a/b%', ["may not contain '/'", "may not contain '%'"]],
  ['wildcard ok', isWildcardDNS1123Subdomain, '*.example.com', []],
];

for (const [name, check, value, want] of cases) {
  test(`format: ${name}`, () => assert.deepEqual(check(value), want));
}

test('port numbers are 1-65535', () => {
  assert.deepEqual(isValidPortNum(1), []);
  assert.deepEqual(isValidPortNum(65535), []);
  assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(isValidPortNum(65536), ['must be between 1 and 65535, inclusive']);
});

test('byte lengths count UTF-8 bytes', () => {
  // 32 two-byte characters are 64 bytes.
  assert.deepEqual(isLabelValue('é'.repeat(32)).slice(0, 1), ['must be no more than 63 bytes']);
});

const nameCases: [string, keyof typeof nameValidators, string, boolean, number][] = [
  // [case, validator, name, prefix, number of problems]
  ['generateName may end in a dash', 'dnsSubdomain', 'web-', true, 0],
  ['a name may not', 'dnsSubdomain', 'web-', false, 1],
  ['label generateName', 'dnsLabel', 'job-', true, 0],
  ['label generateName with dots', 'dnsLabel', 'a.b-', true, 1],
  ['service generateName', 'dns1035Label', 'svc-', true, 0],
  ['service name starting with a digit', 'dns1035Label', '1svc', false, 1],
  ['RBAC names are path segments', 'pathSegment', 'system:controller:foo', false, 0],
  ['RBAC names may not contain a slash', 'pathSegment', 'a/b', false, 1],
  ['generic generateName may end in a dot', 'pathSegmentOrPrefix', '.', true, 0],
  ['generic name may not be a dot', 'pathSegmentOrPrefix', '.', false, 1],
];

for (const [name, validator, value, prefix, count] of nameCases) {
  test(`name validator: ${name}`, () => assert.equal(nameValidators[validator](value, prefix).length, count));
}
