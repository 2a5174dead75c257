import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customResourceInfos, type CustomResourceDefinition } from './custom-resources.js';
import { customResourceOpenApi, definitionNameOf } from './custom-resource-openapi.js';
import { loadSpec } from './openapi-spec.js';

const spec = loadSpec().document;

const crd: CustomResourceDefinition = {
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A CronTab.',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  port: { 'x-kubernetes-int-or-string': true },
                  note: { type: 'string', nullable: true },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    ],
  },
};
const [info] = customResourceInfos(crd, crd.spec.names);

test('definition names reverse the group, as kube-openapi names REST types', () => {
  assert.equal(definitionNameOf('stable.example.com', 'v1', 'CronTab'), 'com.example.stable.v1.CronTab');
  assert.equal(definitionNameOf('example', 'v1', 'Thing'), 'example.v1.Thing');
});

test('the kind and its list are defined with type meta, an ObjectMeta ref and their group-version-kind', () => {
  const { definitions } = customResourceOpenApi(info!, spec, false);
  const kind = definitions['com.example.stable.v1.CronTab']!;
  assert.equal(kind.description, 'A CronTab.');
  assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  assert.equal(kind.properties!.metadata!.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.match(String(kind.properties!.apiVersion!.description), /^APIVersion defines the versioned schema/);
  // v3 keeps the whole schema, int-or-string unfolded into anyOf.
  const specProps = kind.properties!.spec!.properties!;
  assert.deepEqual(specProps.port!.anyOf, [{ type: 'integer' }, { type: 'string' }]);
  assert.equal(specProps.note!.nullable, true);
  assert.ok(specProps.free!.properties);
  const list = definitions['com.example.stable.v1.CronTabList']!;
  assert.deepEqual(list.required, ['items']);
  assert.equal(list.properties!.items!.items!.$ref, '#/definitions/com.example.stable.v1.CronTab');
  assert.equal(list.properties!.metadata!.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta');
});

test('v2 drops what kubectl cannot parse: anyOf, nullable types, properties under preserve-unknown-fields', () => {
  const specProps = customResourceOpenApi(info!, spec, true).definitions['com.example.stable.v1.CronTab']!.properties!.spec!.properties!;
  assert.equal(specProps.port!.anyOf, undefined);
  assert.equal(specProps.port!['x-kubernetes-int-or-string'], true);
  assert.deepEqual(specProps.note, {});
  assert.equal(specProps.free!.properties, undefined);
});

test('paths: collection, item, status and scale, with operation ids and group-version-kind', () => {
  const { paths } = customResourceOpenApi(info!, spec, false);
  assert.deepEqual(Object.keys(paths).sort(), [
    '/apis/stable.example.com/v1/crontabs',
    '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs',
    '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}',
    '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale',
    '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status',
  ]);
  const item = paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}']!;
  assert.equal(item.get!.operationId, 'readStableExampleComV1NamespacedCronTab');
  assert.equal(item.patch!.description, 'partially update the specified CronTab');
  assert.deepEqual(item.get!.tags, ['stableExampleCom_v1']);
  assert.equal((item.get!.responses as Record<string, { schema: { $ref: string } }>)['200']!.schema.$ref, '#/definitions/com.example.stable.v1.CronTab');
  assert.equal(paths['/apis/stable.example.com/v1/crontabs']!.get!.operationId, 'listStableExampleComV1CronTabForAllNamespaces');
  const status = paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status']!;
  assert.equal(status.put!.operationId, 'replaceStableExampleComV1NamespacedCronTabStatus');
  assert.equal(status.get!.description, 'read status of the specified CronTab');
});
