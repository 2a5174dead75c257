// Every built-in kind as a real cluster writes it: a minimal object created, then read back by
// GET, LIST and WATCH, updated and server-side applied, carries at every level every field its
// OpenAPI schema requires and every field Go always prints (strict typed clients refuse an
// object without them), starts kind, apiVersion, metadata, and is the same object whichever
// way it is read.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { parseFieldRules, protoMessageName } from '../schema/protobuf/field-rules.js';
import { goFieldRules } from '../schema/protobuf/go-field-rules.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import { kindsWithoutCreatedObject, minimalObject } from '../testing/minimal-objects.js';
import { createTestApp, testSpec, type TestApp } from '../testing/test-app.js';

type Obj = Record<string, any>;
type Schema = Record<string, any>;

let t: TestApp;
let server: http.Server;
before(async () => {
  t = await createTestApp();
  server = http.createServer(t.app).listen(0);
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await t.stop();
});

const definitions = testSpec().document.definitions as Record<string, Schema>;

function refOf(schema: Schema | undefined): string | undefined {
  const ref = schema?.$ref ?? schema?.allOf?.[0]?.$ref;
  return typeof ref === 'string' ? ref.replace('#/definitions/', '') : undefined;
}

/** The fields Go writes whatever their value: no omitempty (go-field-rules.ts codes !, ~ and $). */
function alwaysPrinted(definition: string): Set<string> {
  const rule = goFieldRules[protoMessageName(definition)];
  const out = new Set<string>();
  for (const [name, r] of rule ? parseFieldRules(rule) : []) {
    if (r.presence === 'always' || r.presence === 'nullable' || r.presence === 'struct') out.add(r.jsonName ?? name);
  }
  return out;
}

/** Required by the spec, but omitempty in Go: absent when zero on a real cluster too. */
function omittedWhenZero(definition: string, field: string): boolean {
  const rule = goFieldRules[protoMessageName(definition)];
  if (!rule) return false;
  for (const [name, r] of parseFieldRules(rule)) if ((r.jsonName ?? name) === field) return r.presence === 'omitZero' || r.presence === 'pointer';
  return true;
}

/** Paths of required (or always printed) fields missing anywhere in the object. */
function missingFields(definition: string, value: unknown, path: string, out: string[] = []): string[] {
  const def = definitions[definition];
  if (!def?.properties || typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  const obj = value as Obj;
  const wanted = new Set<string>([...(def.required ?? []).filter((f: string) => !omittedWhenZero(definition, f)), ...alwaysPrinted(definition)]);
  for (const field of wanted) if (def.properties[field] && !(field in obj)) out.push(`${path}.${field}`);
  for (const [field, schema] of Object.entries(def.properties as Record<string, Schema>)) {
    const v = obj[field];
    if (v === undefined || v === null) continue;
    const ref = refOf(schema);
    if (ref) missingFields(ref, v, `${path}.${field}`, out);
    const item = refOf(schema.items);
    if (item && Array.isArray(v)) v.forEach((x, i) => missingFields(item, x, `${path}.${field}[${i}]`, out));
    const entry = refOf(schema.additionalProperties);
    if (entry && typeof v === 'object') for (const [k, x] of Object.entries(v)) missingFields(entry, x, `${path}.${field}[${k}]`, out);
  }
  return out;
}

function assertGoForm(info: ResourceInfo, obj: Obj, how: string): void {
  assert.deepEqual(missingFields(info.definitionName!, obj, info.kind), [], `${info.apiVersion} ${info.kind} ${how}`);
  assert.deepEqual(Object.keys(obj).slice(0, 3), ['kind', 'apiVersion', 'metadata'], `${info.apiVersion} ${info.kind} ${how}: TypeMeta, then metadata`);
}

function collectionPath(info: ResourceInfo, namespace: string | undefined): string {
  return `${info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`}${namespace ? `/namespaces/${namespace}` : ''}/${info.resource}`;
}

/** The first event of a watch, read off a real socket. */
function firstWatchEvent(path: string): Promise<Obj> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path }, (res) => {
      let buffer = '';
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        const nl = buffer.indexOf('\n');
        if (nl < 0) return;
        resolve(JSON.parse(buffer.slice(0, nl)) as Obj);
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (!(err as NodeJS.ErrnoException).code?.includes('RESET')) reject(err);
    });
  });
}

async function established(path: string): Promise<Obj> {
  for (let i = 0; i < 200; i++) {
    const crd = (await request(t.app).get(path).expect(200)).body as Obj & { status?: { conditions?: { type: string; status: string }[] } };
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return crd;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${path} never became Established`);
}

/** Without the fields every write changes. */
function content(obj: Obj): Obj {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

test('every built-in kind, created minimal, reads back by GET, LIST and WATCH with every required field at every level', async () => {
  const creatable = t.catalogue.all().filter((r) => r.verbs.includes('create') && !kindsWithoutCreatedObject.has(`${r.group}/${r.kind}`));
  assert.ok(creatable.length >= 60, `${creatable.length} kinds`);
  for (const info of creatable) {
    const namespace = info.namespaced ? 'default' : undefined;
    const minimal = minimalObject(info.group, info.version, info.kind, namespace);
    assert.ok(minimal, `no minimal object for ${info.apiVersion} ${info.kind} in src/testing/minimal-objects.ts`);
    const base = collectionPath(info, namespace);
    const created = await request(t.app).post(base).send(minimal).expect(201);
    assertGoForm(info, created.body, 'as created');
    if (!info.verbs.includes('get')) continue; // reviews: the answer is all there is

    const name = created.body.metadata.name as string;
    // The API server's own CRD controller writes a new definition's status (NamesAccepted,
    // Established) right away: compare with the definition once it is established.
    if (info.kind === 'CustomResourceDefinition') created.body = await established(`${base}/${name}`);
    const got = await request(t.app).get(`${base}/${name}`).expect(200);
    assertGoForm(info, got.body, 'by GET');
    assert.deepEqual(got.body, created.body, `${info.apiVersion} ${info.kind}: GET returns what the create returned`);

    const listed = await request(t.app).get(base).expect(200);
    const item = listed.body.items.find((i: Obj) => i.metadata.name === name);
    const { kind: _kind, apiVersion: _apiVersion, ...asItem } = got.body;
    assert.deepEqual(item, asItem, `${info.apiVersion} ${info.kind}: a LIST item is the object, without the TypeMeta a typed list leaves empty`);
    assert.deepEqual(missingFields(info.definitionName!, item, info.kind), [], `${info.apiVersion} ${info.kind} in a LIST`);

    const event = await firstWatchEvent(`${base}?watch=1&fieldSelector=metadata.name%3D${name}`);
    assert.equal(event.type, 'ADDED');
    assert.deepEqual(event.object, got.body, `${info.apiVersion} ${info.kind}: a WATCH event carries the object`);

    const labelled = { ...got.body, metadata: { ...got.body.metadata, labels: { ...got.body.metadata.labels, touched: 'yes' } } };
    const updated = await request(t.app).put(`${base}/${name}`).send(labelled).expect(200);
    assertGoForm(info, updated.body, 'as updated');
    assert.deepEqual(content(updated.body), content(labelled), `${info.apiVersion} ${info.kind}: an update of a read object changes only what it changed`);

    const applied = await request(t.app)
      .patch(`${base}/${name}?fieldManager=every-kind&force=true`)
      .set('Content-Type', 'application/apply-patch+yaml')
      .send(JSON.stringify({ ...minimal, metadata: { ...minimal.metadata, name, annotations: { applied: 'yes' } } }))
      .expect(200);
    assertGoForm(info, applied.body, 'as applied');

    // Out of the way of the same kind served in another version (HorizontalPodAutoscalers, Events).
    await request(t.app).delete(`${base}/${name}`).send({ gracePeriodSeconds: 0, propagationPolicy: 'Background' }).expect((res) => assert.ok(res.status < 300, `${info.kind} delete: ${res.status}`));
  }
});

test('zero values a server fills in are nobody\'s: not in the creator\'s or the applier\'s managedFields', async () => {
  const minimal = minimalObject('', 'v1', 'ReplicationController', 'default')!;
  minimal.metadata!.name = 'created';
  const created = await request(t.app).post('/api/v1/namespaces/default/replicationcontrollers?fieldManager=creator').send(minimal).expect(201);
  assert.deepEqual(created.body.status, { replicas: 0 });
  const ds = minimalObject('apps', 'v1', 'DaemonSet', 'default')!;
  ds.metadata!.name = 'applied';
  const applied = await request(t.app)
    .patch('/apis/apps/v1/namespaces/default/daemonsets/applied?fieldManager=applier')
    .set('Content-Type', 'application/apply-patch+yaml')
    .send(JSON.stringify(ds))
    .expect(201);
  assert.deepEqual(applied.body.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  for (const body of [created.body, applied.body]) {
    for (const entry of body.metadata.managedFields) assert.equal(entry.fieldsV1['f:status'], undefined, JSON.stringify(entry));
  }
  // The applier owns what it applied, not the template's creationTimestamp: null nor a container's resources: {}.
  const fields = JSON.stringify(applied.body.metadata.managedFields[0].fieldsV1);
  assert.ok(!fields.includes('f:creationTimestamp') && !fields.includes('f:resources'), fields);
  assert.equal(applied.body.spec.template.metadata.creationTimestamp, null);
  assert.deepEqual(applied.body.spec.template.spec.containers[0].resources, {});
});
