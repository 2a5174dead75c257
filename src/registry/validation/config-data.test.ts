import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config-data.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const keyMsg =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

const configMapCases: [string, unknown, string[]][] = [
  ['valid', { data: { 'app.properties': 'a=b', EMPTY: '' }, binaryData: { blob: b64('xyz') } }, []],
  ['bad key', { data: { 'a/b': 'x' } }, [`data[a/b]: Invalid value: "a/b": ${keyMsg}`]],
  ['key in both maps', { data: { k: 'x' }, binaryData: { k: b64('y') } }, ['data[k]: Invalid value: "k": duplicate of key present in binaryData']],
  ['over 1 MiB', { data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) } }, ['Too long: may not be more than 1048576 bytes']],
];

for (const [name, cm, want] of configMapCases) {
  test(`configmap: ${name}`, () => assert.deepEqual(render(validateConfigMap(cm)), want));
}

test('configmap update: immutable data stays', () => {
  const old = { immutable: true, data: { a: '1' } };
  assert.deepEqual(render(validateConfigMapUpdate({ immutable: true, data: { a: '1' } }, old)), []);
  assert.deepEqual(render(validateConfigMapUpdate({ data: { a: '2' } }, old)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(render(validateConfigMapUpdate({ data: { a: '2' } }, { data: { a: '1' } })), []);
});

const secretCases: [string, unknown, string[]][] = [
  ['opaque', { type: 'Opaque', data: { password: b64('s3cret') } }, []],
  ['bad key', { type: 'Opaque', data: { 'a b': '' } }, [`data[a b]: Invalid value: "a b": ${keyMsg}`]],
  ['tls keys required', { type: 'kubernetes.io/tls', data: {} }, ['data[tls.crt]: Required value', 'data[tls.key]: Required value']],
  ['tls via stringData', { type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }, []],
  ['dockerconfigjson required', { type: 'kubernetes.io/dockerconfigjson', data: {} }, ['data[.dockerconfigjson]: Required value']],
  [
    'dockerconfigjson must be a JSON object',
    { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } },
    ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ],
  [
    'dockerconfigjson must be JSON',
    { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('hello') } },
    ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'h\' looking for beginning of value'],
  ],
  [
    'basic-auth needs a username or password',
    { type: 'kubernetes.io/basic-auth', data: {} },
    ['data[username]: Required value', 'data[password]: Required value'],
  ],
  ['ssh-auth', { type: 'kubernetes.io/ssh-auth', data: {} }, ['data[ssh-privatekey]: Required value']],
  [
    'service account token needs the account name',
    { type: 'kubernetes.io/service-account-token', metadata: { annotations: {} }, data: {} },
    ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
  ],
];

for (const [name, secret, want] of secretCases) {
  test(`secret: ${name}`, () => assert.deepEqual(render(validateSecret(secret)), want));
}

test('secret update: type is immutable', () => {
  assert.deepEqual(render(validateSecretUpdate({ type: 'Opaque', data: {} }, { type: 'kubernetes.io/basic-auth', data: { username: '' } })), [
    'type: Invalid value: "Opaque": field is immutable',
  ]);
});
