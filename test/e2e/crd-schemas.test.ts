// CustomResourceDefinition schemas with the real kubectl: the schema is published in OpenAPI v2
// and v3 (so `kubectl explain` works with old and new kubectl, and follows CRD changes), list
// types are enforced and drive server-side apply, and malformed CRDs are refused as a real
// apiextensions-apiserver refuses them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';
import { after, before, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

const work = tempDir('kubemu-crd-schemas-');
let server: KubemuProcess;
let k: Kubectl;
let old: Kubectl;

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.shapes.example.com
spec:
  group: shapes.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a shape on a board.
        properties:
          spec:
            type: object
            description: What the widget should look like.
            properties:
              replicas: {type: integer, description: How many copies of the widget to draw.}
              ports:
                type: array
                description: Ports by number.
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [port, protocol]
                items:
                  type: object
                  required: [port, protocol]
                  properties:
                    port: {type: integer}
                    protocol: {type: string}
                    name: {type: string}
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
              colours: {type: array, items: {type: string}}
          status:
            type: object
            properties:
              phase: {type: string}
`;

before(async () => {
  server = await startKubemu({ dataDir: join(work, 'data'), extraArgs: ['--storage', 'memory', '--nodes', '0', '--controllers', ''] });
  const versions = kubectlVersionsUnderTest();
  k = kubectlFor(versions.at(-1)!, server.kubeconfig, join(work, 'cache'));
  old = kubectlFor(versions.find((v) => v.version === '1.27')!, server.kubeconfig, join(work, 'cache'));
  await k.ok(['apply', '-f', '-'], { input: crd });
  await k.ok(['wait', '--for=condition=Established', 'crd/widgets.shapes.example.com', '--timeout=20s']);
});

after(async () => {
  await server?.stop('SIGTERM');
  removeDir(work);
});

test('kubectl explain shows a custom resource’s fields and descriptions, with new and old kubectl', async () => {
  for (const kubectl of [k, old]) {
    const top = await kubectl.ok(['explain', 'widgets']);
    assert.match(top, /KIND:\s+Widget/);
    assert.match(top, /VERSION:\s+v1/);
    assert.match(top, /A Widget is a shape on a board\./);
    assert.match(top, /metadata\t<ObjectMeta>\n\s+Standard object's metadata\./);
    assert.match(top, /spec\t<Object>\n\s+What the widget should look like\./);
    const field = await kubectl.ok(['explain', 'widgets.spec.replicas']);
    assert.match(field, /FIELD: replicas <integer>/);
    assert.match(field, /How many copies of the widget to draw\./);
    const spec = await kubectl.ok(['explain', 'widgets.spec']);
    assert.match(spec, /ports\t<\[\]Object>\n\s+Ports by number\./);
  }
});

test('OpenAPI follows a CRD change: the v3 hash moves and explain sees the new field', async () => {
  const hashOf = async () => {
    const root = JSON.parse(await k.ok(['get', '--raw', '/openapi/v3'])) as { paths: Record<string, { serverRelativeURL: string }> };
    return root.paths['apis/shapes.example.com/v1']?.serverRelativeURL;
  };
  const before = await hashOf();
  assert.ok(before, 'the group-version is listed in /openapi/v3');
  await k.ok([
    'patch', 'crd', 'widgets.shapes.example.com', '--type=json', '-p',
    '[{"op":"add","path":"/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/shade","value":{"type":"string","description":"The fill shade."}}]',
  ]);
  await eventually('the v3 document changes', async () => ((await hashOf()) !== before ? true : undefined));
  assert.match(await k.ok(['explain', 'widgets.spec.shade']), /The fill shade\./);
  const v2 = JSON.parse(await k.ok(['get', '--raw', '/openapi/v2'])) as { definitions: Record<string, { 'x-kubernetes-group-version-kind'?: unknown }>; paths: Record<string, unknown> };
  assert.deepEqual(v2.definitions['com.example.shapes.v1.Widget']?.['x-kubernetes-group-version-kind'], [{ group: 'shapes.example.com', kind: 'Widget', version: 'v1' }]);
  assert.ok(v2.definitions['com.example.shapes.v1.WidgetList']);
  assert.ok(v2.paths['/apis/shapes.example.com/v1/namespaces/{namespace}/widgets/{name}/status']);
});

const widget = (name: string, spec: string) => `
apiVersion: shapes.example.com/v1
kind: Widget
metadata: {name: ${name}, namespace: default}
spec: ${spec}
`;

test('set and map lists refuse duplicates with a 422 naming each repeated item', async () => {
  const r = await k.run(['create', '-f', '-'], {
    input: widget('dupes', '{tags: [a, b, a], colours: [red, red], ports: [{port: 80, protocol: TCP}, {port: 80, protocol: UDP}, {port: 80, protocol: TCP, name: web}]}'),
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /The Widget "dupes" is invalid: /);
  assert.match(r.stderr, /\* spec\.tags\[2\]: Duplicate value: "a"/);
  assert.match(r.stderr, /\* spec\.ports\[2\]: Duplicate value: map\[string\]interface \{\}\{"port":80, "protocol":"TCP"\}/);
  assert.doesNotMatch(r.stderr, /colours/);
  await k.ok(['create', '-f', '-'], { input: widget('unique', '{tags: [a, b], ports: [{port: 80, protocol: TCP}, {port: 80, protocol: UDP}]}') });
});

test('server-side apply merges a map list by key and a set by value between two managers; an atomic list is replaced whole', async () => {
  const apply = (manager: string, spec: string) =>
    k.ok(['apply', '--server-side', `--field-manager=${manager}`, '-f', '-'], { input: widget('merged', spec) });
  await apply('alice', '{ports: [{port: 80, protocol: TCP, name: web}], tags: [a], colours: [red]}');
  await apply('bob', '{ports: [{port: 443, protocol: TCP, name: tls}], tags: [b]}');
  const got = JSON.parse(await k.ok(['get', 'widget', 'merged', '-o', 'json', '--show-managed-fields'])) as {
    spec: { ports: { port: number; name: string }[]; tags: string[]; colours: string[] };
    metadata: { managedFields: { manager: string; fieldsV1: Record<string, unknown> }[] };
  };
  assert.deepEqual(got.spec.ports.map((p) => `${p.port}/${p.name}`), ['80/web', '443/tls']);
  assert.deepEqual(got.spec.tags, ['a', 'b']);
  const bob = got.metadata.managedFields.find((m) => m.manager === 'bob')!;
  const spec = bob.fieldsV1['f:spec'] as Record<string, unknown>;
  assert.ok(spec['f:ports'] && (spec['f:ports'] as Record<string, unknown>)['k:{"port":443,"protocol":"TCP"}'], JSON.stringify(spec));
  assert.ok((spec['f:tags'] as Record<string, unknown>)['v:"b"'], JSON.stringify(spec));

  // colours has no list type: atomic, owned whole by alice, so bob's other value is a conflict.
  const conflict = await k.run(['apply', '--server-side', '--field-manager=bob', '-f', '-'], { input: widget('merged', '{ports: [{port: 443, protocol: TCP, name: tls}], tags: [b], colours: [blue]}') });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "alice": \.spec\.colours/);

  // alice drops her port and tag: only her items go; bob's stay.
  await apply('alice', '{ports: [], tags: [], colours: [red]}');
  const after = JSON.parse(await k.ok(['get', 'widget', 'merged', '-o', 'json'])) as { spec: { ports: { port: number }[]; tags: string[] } };
  assert.deepEqual(after.spec.ports.map((p) => p.port), [443]);
  assert.deepEqual(after.spec.tags, ['b']);
});

/** POSTs a body with the kubeconfig's admin credential: the Status itself, causes and all. */
function post(path: string, body: unknown): Promise<{ code: number; body: { code?: number; reason?: string; details?: { causes?: { reason: string; field: string; message: string }[] } } }> {
  const config = parse(readFileSync(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const { cluster } = config.clusters[0]!;
  const { user } = config.users[0]!;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, cluster.server),
      { method: 'POST', ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']), headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const badCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example',
    scope: 'Namespaced',
    names: { plural: 'gadgets', kind: 'Gadget', shortNames: ['G_1'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              metadata: { type: 'object', properties: { labels: { type: 'object' } } },
              spec: { properties: { size: { type: 'integer' }, extra: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } } },
            },
          },
        },
      },
    ],
  },
};

test('a malformed CRD is refused with 422 and one cause per problem, named as apiextensions names them', async () => {
  const r = await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', badCrd);
  assert.equal(r.code, 422);
  assert.equal(r.body.reason, 'Invalid');
  const causes = (r.body.details?.causes ?? []).map((c) => `${c.reason} ${c.field}: ${c.message}`);
  const schema = 'spec.validation.openAPIV3Schema';
  for (const expected of [
    'FieldValueInvalid metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group',
    'FieldValueInvalid spec.group: Invalid value: "example": should be a domain with at least one dot',
    'FieldValueInvalid spec.names.shortNames[0]: Invalid value: "G_1": a DNS-1035 label must consist of lower case alphanumeric characters',
    `FieldValueForbidden ${schema}.properties[spec].properties[extra].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    `FieldValueRequired ${schema}.properties[spec].type: Required value: must not be empty for specified object fields`,
    `FieldValueForbidden ${schema}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
  ]) {
    assert.ok(causes.some((c) => c.startsWith(expected)), `missing cause ${expected} in\n${causes.join('\n')}`);
  }
  const noSchema = await k.run(['create', '-f', '-'], {
    input: JSON.stringify({ ...badCrd, spec: { ...badCrd.spec, group: 'example.com', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true }] } }),
  });
  assert.match(noSchema.stderr, /The CustomResourceDefinition "gadgets\.example\.com" is invalid: spec\.versions\[0\]\.schema\.openAPIV3Schema: Required value: schemas are required/);
});

test('a CRD with CEL rules is served, with a Warning that the rules are not enforced', async () => {
  const withRules = crd
    .replaceAll('widgets', 'rules')
    .replace('kind: Widget', 'kind: Rule')
    .replace('singular: widget', 'singular: rule')
    .replace('description: A Widget is a shape on a board.', 'description: Rules.\n        x-kubernetes-validations: [{rule: "self.spec.replicas >= 0"}]');
  const r = await k.run(['apply', '-f', '-'], { input: withRules });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Warning: spec\.versions\[0\]\.schema\.openAPIV3Schema: x-kubernetes-validations rules are not enforced by kubemu/);
  await k.ok(['wait', '--for=condition=Established', 'crd/rules.shapes.example.com', '--timeout=20s']);
});

test('a custom resource created with a status (the CRD has /status) is stored without it', async () => {
  await k.ok(['create', '-f', '-'], { input: widget('with-status', '{replicas: 1}') + 'status: {phase: Ready}\n' });
  const got = JSON.parse(await k.ok(['get', 'widget', 'with-status', '-o', 'json'])) as { status?: unknown };
  assert.equal(got.status, undefined);
});

test('while a CRD is terminating (a custom resource still held by its finalizer) creates are refused with 405', async () => {
  const gadgets = crd.replaceAll('widgets', 'gadgets').replace('kind: Widget', 'kind: Gadget').replace('singular: widget', 'singular: gadget');
  await k.ok(['apply', '-f', '-'], { input: gadgets });
  await k.ok(['wait', '--for=condition=Established', 'crd/gadgets.shapes.example.com', '--timeout=20s']);
  const gadget = (name: string, extra = '') => `apiVersion: shapes.example.com/v1\nkind: Gadget\nmetadata: {name: ${name}, namespace: default${extra}}\nspec: {replicas: 1}\n`;
  await k.ok(['create', '-f', '-'], { input: gadget('held', ', finalizers: [example.com/hold]') });
  await k.ok(['delete', 'crd', 'gadgets.shapes.example.com', '--wait=false']);
  await eventually('the CRD is Terminating', async () => {
    const r = await k.run(['create', '-f', '-'], { input: gadget('late') });
    return r.code !== 0 && /create not allowed while custom resource definition is terminating/.test(r.stderr) ? r : undefined;
  }).then((r) => assert.match(r.stderr, /^Error from server \(MethodNotAllowed\): error when creating "STDIN": create not allowed while custom resource definition is terminating/));
  // The held object can still be changed: its finalizer removed, it and then the CRD go.
  await k.ok(['patch', 'gadget', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  await k.ok(['wait', '--for=delete', 'crd/gadgets.shapes.example.com', '--timeout=20s']);
});
