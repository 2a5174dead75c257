import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { parse as parseYaml } from 'yaml';
import { locateProtoDir, locateSpec } from '../spec-files.js';
import { encodeOpenApiV2Document } from './openapi-v2-document.js';

interface Named<T> {
  name: string;
  value: T;
}
// Decoded protobufjs objects are navigated freely in these assertions.
type Obj = Record<string, any>;

const swagger = JSON.parse(readFileSync(locateSpec(), 'utf8')) as Obj;
const root = new protobuf.Root().loadSync(join(locateProtoDir(), 'openapiv2', 'OpenAPIv2.proto'), { keepCase: true });
const documentType = root.lookupType('openapi.v2.Document');
const bytes = encodeOpenApiV2Document(swagger);
const doc = documentType.toObject(documentType.decode(bytes), { longs: Number, oneofs: false }) as Obj;
const entry = <T>(list: Named<T>[], name: string): T => {
  const found = list.find((e) => e.name === name);
  assert.ok(found, `no entry ${name}`);
  return found.value;
};

test('the real spec encodes to a Document with every path and definition', () => {
  assert.equal(doc.swagger, '2.0');
  assert.equal(doc.info.title, 'Kubernetes');
  assert.deepEqual(
    doc.paths.path.map((p: Named<unknown>) => p.name),
    Object.keys(swagger.paths),
  );
  assert.deepEqual(
    doc.definitions.additional_properties.map((d: Named<unknown>) => d.name),
    Object.keys(swagger.definitions),
  );
  assert.equal(doc.parameters.additional_properties.length, Object.keys(swagger.parameters).length);
});

test('definitions: vendor extensions as YAML, properties, $ref, required, additionalProperties', () => {
  const pod = entry<Obj>(doc.definitions.additional_properties, 'io.k8s.api.core.v1.Pod');
  const gvk = entry<Obj>(pod.vendor_extension, 'x-kubernetes-group-version-kind');
  assert.deepEqual(parseYaml(gvk.yaml), [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.equal(entry<Obj>(pod.properties.additional_properties, 'spec')._ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
  assert.deepEqual(pod.type.value, ['object']);

  const podSpec = entry<Obj>(doc.definitions.additional_properties, 'io.k8s.api.core.v1.PodSpec');
  assert.deepEqual(podSpec.required, swagger.definitions['io.k8s.api.core.v1.PodSpec'].required);
  const containers = entry<Obj>(podSpec.properties.additional_properties, 'containers');
  assert.deepEqual(containers.type.value, ['array']);
  assert.equal(containers.items.schema[0]._ref, '#/definitions/io.k8s.api.core.v1.Container');
  assert.equal(parseYaml(entry<Obj>(containers.vendor_extension, 'x-kubernetes-patch-merge-key').yaml), 'name');
  assert.equal(parseYaml(entry<Obj>(containers.vendor_extension, 'x-kubernetes-patch-strategy').yaml), 'merge');
  const nodeSelector = entry<Obj>(podSpec.properties.additional_properties, 'nodeSelector');
  assert.deepEqual(nodeSelector.additional_properties.schema.type.value, ['string']);

  const quantity = entry<Obj>(doc.definitions.additional_properties, 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.deepEqual(quantity.type.value, ['string']);
  assert.equal(quantity.properties, undefined);
});

test('paths: operations, parameter oneofs, $ref parameters, response codes', () => {
  const item = entry<Obj>(doc.paths.path, '/api/v1/namespaces/{namespace}/pods/{name}');
  const [name, namespace] = item.parameters as Obj[];
  assert.equal(name!.parameter.non_body_parameter.path_parameter_sub_schema.name, 'name');
  assert.equal(name!.parameter.non_body_parameter.path_parameter_sub_schema.required, true);
  assert.match(namespace!.json_reference._ref, /^#\/parameters\/namespace-/);

  assert.equal(item.get.operation_id, 'readCoreV1NamespacedPod');
  const ok = entry<Obj>(item.get.responses.response_code, '200');
  assert.equal(ok.response.schema.schema._ref, '#/definitions/io.k8s.api.core.v1.Pod');
  assert.deepEqual(parseYaml(entry<Obj>(item.get.vendor_extension, 'x-kubernetes-group-version-kind').yaml), { group: '', kind: 'Pod', version: 'v1' });
  assert.equal(parseYaml(entry<Obj>(item.get.vendor_extension, 'x-kubernetes-action').yaml), 'get');

  const body = (item.put.parameters as Obj[]).find((p) => p.parameter?.body_parameter);
  assert.equal(body!.parameter.body_parameter.schema._ref, '#/definitions/io.k8s.api.core.v1.Pod');
  const query = (item.patch.parameters as Obj[]).find((p) => p.parameter?.non_body_parameter?.query_parameter_sub_schema?.name === 'dryRun');
  assert.equal(query!.parameter.non_body_parameter.query_parameter_sub_schema.type, 'string');
  assert.equal(query!.parameter.non_body_parameter.query_parameter_sub_schema.unique_items, true);
});

test('zero proto3 scalars stay off the wire; additionalProperties false is kept', () => {
  const small = { swagger: '2.0', info: { title: '', version: 'v' }, paths: {}, definitions: { a: { type: 'object', additionalProperties: false, readOnly: false } } };
  const expected = documentType.encode({
    swagger: '2.0',
    info: { version: 'v' },
    paths: {},
    definitions: { additional_properties: [{ name: 'a', value: { type: { value: ['object'] }, additional_properties: { boolean: false } } }] },
  });
  assert.deepEqual(encodeOpenApiV2Document(small), expected.finish());
});
