import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeFieldValue,
  everythingFieldSelector,
  exactFieldValue,
  fieldSelectorRequirements,
  fieldSelectorToString,
  isFieldSelectorEmpty,
  matchesFields,
  parseFieldSelector,
  SelectorParseError,
  transformFieldSelector,
} from './index.js';

test('parses field selectors into sorted terms', () => {
  const cases: [input: string, canonical: string][] = [
    ['', ''],
    ['metadata.name=web', 'metadata.name=web'],
    ['metadata.name==web', 'metadata.name=web'],
    ['status.phase!=Running', 'status.phase!=Running'],
    ['spec.nodeName=', 'spec.nodeName='],
    ['b=2,a=1', 'a=1,b=2'],
    ['a=1,,b=2,', 'a=1,b=2'],
    ['=', ''],
    ['a=x\\,y\\=z\\\\', 'a=x\\,y\\=z\\\\'],
  ];
  for (const [input, canonical] of cases) {
    assert.equal(fieldSelectorToString(parseFieldSelector(input)), canonical, input);
  }
  assert.deepEqual(fieldSelectorRequirements(parseFieldSelector('x!=1,a==b,c=d\\,e')), [
    { field: 'a', operator: '=', value: 'b' },
    { field: 'c', operator: '=', value: 'd,e' },
    { field: 'x', operator: '!=', value: '1' },
  ]);
  // The first operator wins and field names have no escapes.
  assert.deepEqual(fieldSelectorRequirements(parseFieldSelector('a=!b')), [{ field: 'a', operator: '=', value: '!b' }]);
  assert.deepEqual(fieldSelectorRequirements(parseFieldSelector('!a=b')), [{ field: '!a', operator: '=', value: 'b' }]);
  assert.deepEqual(fieldSelectorRequirements(parseFieldSelector('a\\,b=c')), [{ field: 'a\\,b', operator: '=', value: 'c' }]);
  assert.equal(isFieldSelectorEmpty(parseFieldSelector('=,')), true);
});

test('rejects malformed field selectors with the apiserver message', () => {
  const cases: [input: string, message: string][] = [
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['z=1,b', "invalid selector: 'z=1,b'; can't understand 'b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a==b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b!=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=\\é', 'invalid field selector: invalid escape sequence: \\é'],
    // Terms are examined in sorted order, so the error names the first bad term in that order.
    ['z,y', "invalid selector: 'z,y'; can't understand 'y'"],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseFieldSelector(input),
      (err: unknown) => err instanceof SelectorParseError && err.message === message,
      `${input}: expected ${message}`,
    );
  }
});

test('matches fields, reading absent fields as empty', () => {
  const fields = { 'metadata.name': 'web', 'metadata.namespace': 'default', 'status.phase': 'Running' };
  const cases: [selector: string, matches: boolean][] = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,status.phase=Running', true],
    ['metadata.name=web,status.phase!=Running', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['spec.nodeName!=node-1', true],
    ['constructor=', true],
  ];
  for (const [text, expected] of cases) {
    assert.equal(matchesFields(parseFieldSelector(text), fields), expected, text);
  }
  assert.equal(matchesFields(parseFieldSelector('a=x\\,y'), { a: 'x,y' }), true);
});

test('reports the value required for a field', () => {
  const selector = parseFieldSelector('metadata.namespace!=kube-system,metadata.name=web');
  assert.equal(exactFieldValue(selector, 'metadata.name'), 'web');
  assert.equal(exactFieldValue(selector, 'metadata.namespace'), undefined);
  assert.equal(exactFieldValue(selector, 'spec.nodeName'), undefined);
  assert.equal(exactFieldValue(parseFieldSelector('spec.nodeName='), 'spec.nodeName'), '');
});

test('escapes values so they parse back unchanged', () => {
  for (const value of ['plain', 'a,b', 'a=b', 'back\\slash', '\\,=', '']) {
    const parsed = parseFieldSelector(`f=${escapeFieldValue(value)}`);
    assert.equal(exactFieldValue(parsed, 'f'), value, value);
    assert.equal(fieldSelectorToString(parseFieldSelector(fieldSelectorToString(parsed))), fieldSelectorToString(parsed));
  }
});

test('transforms terms and drops those that become empty', () => {
  const selector = parseFieldSelector('spec.host=n1,status.phase!=Failed');
  const renamed = transformFieldSelector(selector, (field, value) => ({ field: field === 'spec.host' ? 'spec.nodeName' : field, value }));
  assert.equal(fieldSelectorToString(renamed), 'spec.nodeName=n1,status.phase!=Failed');
  assert.equal(transformFieldSelector(selector, () => ({ field: '', value: '' })), everythingFieldSelector);
  assert.throws(
    () =>
      transformFieldSelector(selector, (field) => {
        throw new Error(`field label not supported: ${field}`);
      }),
    /field label not supported: spec.host/,
  );
});
