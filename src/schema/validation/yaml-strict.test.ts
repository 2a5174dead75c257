import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlStrict, YamlSyntaxError } from './yaml-strict.js';

test('repeated keys are reported with the value line and the last value is kept', () => {
  const r = parseYamlStrict(`metadata:
  name: a
  labels:
    app: x
    app: y
  name: b
spec:
  containers:
  - name: c
    image: i
    image: j
metadata:
  name: z
`);
  assert.deepEqual(r.duplicateKeyErrors, [
    'line 5: key "app" already set in map',
    'line 6: key "name" already set in map',
    'line 11: key "image" already set in map',
    'line 13: key "metadata" already set in map',
  ]);
  assert.deepEqual(r.duplicateFields, ['metadata.labels.app', 'metadata.name', 'spec.containers[0].image', 'metadata']);
  assert.deepEqual(r.value, { metadata: { name: 'z' }, spec: { containers: [{ name: 'c', image: 'j' }] } });
});

test('scalars resolve as go-yaml v2 does: YAML 1.1 booleans and octals, timestamps stay strings', () => {
  const r = parseYamlStrict('a: yes\nb: off\nc: 0777\nd: 2024-01-01T00:00:00Z\ne: 1:20\nf: "yes"\ng: ~\nh: 1_000\ny: 1\n');
  // Even the key `y` is the boolean true, which becomes the JSON key "true".
  assert.deepEqual(r.value, { a: true, b: false, c: 511, d: '2024-01-01T00:00:00Z', e: '1:20', f: 'yes', g: null, h: 1000, true: 1 });
  assert.deepEqual(r.duplicateKeyErrors, []);
});

test('only the first document is read; an empty body is null', () => {
  assert.deepEqual(parseYamlStrict('a: 1\n---\nb: 2\n').value, { a: 1 });
  assert.deepEqual(parseYamlStrict(''), { value: null, duplicateFields: [], duplicateKeyErrors: [] });
});

test('the int 1 and the string "1" are different keys; merge keys are not duplicates', () => {
  assert.deepEqual(parseYamlStrict('1: a\n"1": b\n').duplicateKeyErrors, []);
  const merged = parseYamlStrict('base: &b {x: 1}\nderived:\n  <<: *b\n  <<: *b\n  z: 2\n');
  assert.deepEqual(merged.duplicateKeyErrors, []);
  assert.deepEqual(merged.value, { base: { x: 1 }, derived: { x: 1, z: 2 } });
});

test('syntax errors throw YamlSyntaxError with a line number', () => {
  assert.throws(() => parseYamlStrict('a: [1, 2\nb: 3\n'), (err: unknown) => err instanceof YamlSyntaxError && /^error converting YAML to JSON: yaml: line \d+: /.test(err.message));
});
