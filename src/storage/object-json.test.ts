// Splicing known field-set texts in must give exactly JSON.stringify's text, whatever the object
// holds, and leave the object as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectJson, rememberJsonText } from './object-json.js';

function frozenSet(name: string): object {
  const set = Object.freeze({ 'f:metadata': Object.freeze({ 'f:labels': Object.freeze({ [`f:${name}`]: Object.freeze({}) }) }) });
  rememberJsonText(set, JSON.stringify(set));
  return set;
}

function object(annotation: string, sets: object[]) {
  return {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name: 'c',
      annotations: { note: annotation },
      managedFields: sets.map((fieldsV1, i) => ({ manager: `m${i}`, operation: 'Update', fieldsType: 'FieldsV1', fieldsV1 })),
    },
    data: { after: annotation },
  };
}

test('the text is JSON.stringify’s, with one or several known sets, and the object is left as it was', () => {
  const a = frozenSet('a');
  const b = frozenSet('b');
  const unknown = { 'f:data': {} };
  for (const sets of [[a], [a, b], [unknown, a], [b, unknown, a]]) {
    const obj = object('plain', sets);
    assert.equal(objectJson(obj), JSON.stringify(obj));
    assert.deepEqual(
      obj.metadata.managedFields.map((e) => e.fieldsV1),
      sets,
    );
    assert.ok(obj.metadata.managedFields.every((e, i) => e.fieldsV1 === sets[i]));
  }
});

test('strings of the object that read like a placeholder do not fool it', () => {
  const a = frozenSet('a');
  for (const text of ['\u0000fieldsV1 0', '\u0000fieldsV1 1', 'x\u0000fieldsV1 0']) {
    const obj = object(text, [a, a]);
    assert.equal(objectJson(obj), JSON.stringify(obj));
  }
});

test('values that are not frozen are not remembered; objects without managed fields are serialized as they are', () => {
  const loose = { 'f:x': {} };
  rememberJsonText(loose, '{"wrong":{}}');
  const obj = object('n', [loose]);
  assert.equal(objectJson(obj), JSON.stringify(obj));
  assert.equal(objectJson({ kind: 'X', metadata: { name: 'n' } }), '{"kind":"X","metadata":{"name":"n"}}');
});

test('a failure to serialize leaves the sets in place', () => {
  const a = frozenSet('a');
  const obj = { ...object('n', [a]), bad: 1n };
  assert.throws(() => objectJson(obj), TypeError);
  assert.equal(obj.metadata.managedFields[0]!.fieldsV1, a);
});

test('`<`, `>`, `&` and the line separators are escaped as Go escapes them, and the text reads back the same', () => {
  const a = frozenSet('a');
  for (const sets of [[], [a]]) {
    const obj = object('<b> & \u2028', sets);
    const text = objectJson(obj);
    assert.equal(text, JSON.stringify(obj).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028'));
    assert.ok(text.includes('"note":"\\u003cb\\u003e \\u0026 \\u2028"'));
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(obj)));
  }
});
