import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyEncodingOf, negotiateOutput } from './media-types.js';

const all = { transforms: true, yaml: true, protobuf: true };
const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

test('kubectl get asks for a Table first', () => {
  assert.deepEqual(negotiateOutput(table, all), { encoding: 'json', as: 'Table', asVersion: 'v1' });
  assert.deepEqual(negotiateOutput(table, { ...all, transforms: false }), { encoding: 'json' });
});

test('JSON unless the client accepts only protobuf', () => {
  assert.deepEqual(negotiateOutput('application/vnd.kubernetes.protobuf,application/json', all), { encoding: 'json' });
  assert.deepEqual(negotiateOutput('application/vnd.kubernetes.protobuf', all), { encoding: 'protobuf' });
  assert.deepEqual(negotiateOutput(undefined, all), { encoding: 'json' });
  assert.deepEqual(negotiateOutput('application/json, */*', all), { encoding: 'json' });
  assert.deepEqual(negotiateOutput('application/yaml', all), { encoding: 'yaml' });
});

test('nothing acceptable is a 406', () => {
  assert.throws(() => negotiateOutput('text/html', all), (err: { code?: number }) => err.code === 406);
  assert.throws(() => negotiateOutput('application/vnd.kubernetes.protobuf', { ...all, protobuf: false }), (err: { code?: number }) => err.code === 406);
});

test('request bodies: media type parameters are tolerated', () => {
  assert.equal(bodyEncodingOf('application/json; charset=utf-8'), 'json');
  assert.equal(bodyEncodingOf('application/yaml'), 'yaml');
  assert.equal(bodyEncodingOf('application/vnd.kubernetes.protobuf'), 'protobuf');
  assert.equal(bodyEncodingOf('text/plain'), undefined);
});
