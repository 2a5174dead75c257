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

test('metadata transforms: protobuf where the client puts it first, as kube-apiserver answers', () => {
  const pb = (as: string, v = 'v1') => `application/vnd.kubernetes.protobuf;as=${as};g=meta.k8s.io;v=${v}`;
  const json = (as: string) => `application/json;as=${as};g=meta.k8s.io;v=v1`;
  // What client-go's metadata client sends: protobuf first, then the JSON form.
  assert.deepEqual(negotiateOutput(`${pb('PartialObjectMetadataList')},${json('PartialObjectMetadataList')},application/json`, all), { encoding: 'protobuf', as: 'PartialObjectMetadataList', asVersion: 'v1' });
  assert.deepEqual(negotiateOutput(`${json('PartialObjectMetadataList')},${pb('PartialObjectMetadataList')}`, all), { encoding: 'json', as: 'PartialObjectMetadataList', asVersion: 'v1' });
  assert.deepEqual(negotiateOutput(pb('PartialObjectMetadataList'), all), { encoding: 'protobuf', as: 'PartialObjectMetadataList', asVersion: 'v1' });
  assert.deepEqual(negotiateOutput(`${pb('PartialObjectMetadata')},application/json`, all), { encoding: 'protobuf', as: 'PartialObjectMetadata', asVersion: 'v1' });
  assert.deepEqual(negotiateOutput(`${pb('PartialObjectMetadata')},${json('Table')}`, all), { encoding: 'protobuf', as: 'PartialObjectMetadata', asVersion: 'v1' });
  // A resource without a protobuf form, a v1beta1 transform and a Table stay JSON, as before.
  assert.deepEqual(negotiateOutput(pb('PartialObjectMetadataList'), { ...all, protobuf: false }), { encoding: 'json', as: 'PartialObjectMetadataList', asVersion: 'v1' });
  assert.deepEqual(negotiateOutput(pb('PartialObjectMetadataList', 'v1beta1'), all), { encoding: 'json', as: 'PartialObjectMetadataList', asVersion: 'v1beta1' });
  assert.deepEqual(negotiateOutput(pb('Table'), all), { encoding: 'json', as: 'Table', asVersion: 'v1' });
  // Where transforms are not served, the plain entries decide.
  assert.deepEqual(negotiateOutput(`${pb('PartialObjectMetadataList')},application/json`, { ...all, transforms: false }), { encoding: 'json' });
});
