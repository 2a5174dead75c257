import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import request from 'supertest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.stop();
});

const cm = (name: string, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('create, get, list, update, delete', () => {
  test('a fresh cluster has its four namespaces', async () => {
    const res = await request(t.app).get('/api/v1/namespaces').expect(200);
    const names = res.body.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.equal(res.body.kind, 'NamespaceList');
    assert.match(res.body.metadata.resourceVersion, /^\d+$/);
    const def = res.body.items.find((n: { metadata: { name: string } }) => n.metadata.name === 'default');
    assert.deepEqual(def.spec.finalizers, ['kubernetes']);
    assert.equal(def.status.phase, 'Active');
  });

  test('create fills uid, creationTimestamp and resourceVersion; get returns the same object', async () => {
    const created = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('c1')).expect(201);
    const meta = created.body.metadata;
    assert.match(meta.uid, /^[0-9a-f-]{36}$/);
    assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(meta.resourceVersion, /^\d+$/);
    assert.equal(meta.namespace, 'default');
    const got = await request(t.app).get('/api/v1/namespaces/default/configmaps/c1').expect(200);
    assert.deepEqual(got.body, created.body);
  });

  test('generateName makes a unique name from the prefix', async () => {
    const a = await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { generateName: 'gen-' }, data: {} }).expect(201);
    assert.match(a.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('update with a stale resourceVersion is a 409 Conflict; without one, last write wins', async () => {
    const created = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('c2')).expect(201);
    const rv = created.body.metadata.resourceVersion;
    const updated = await request(t.app)
      .put('/api/v1/namespaces/default/configmaps/c2')
      .send({ ...cm('c2', { a: '2' }), metadata: { name: 'c2', resourceVersion: rv } })
      .expect(200);
    assert.ok(Number(updated.body.metadata.resourceVersion) > Number(rv));
    const stale = await request(t.app)
      .put('/api/v1/namespaces/default/configmaps/c2')
      .send({ ...cm('c2', { a: '3' }), metadata: { name: 'c2', resourceVersion: rv } })
      .expect(409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on configmaps "c2": the object has been modified; please apply your changes to the latest version and try again',
    );
    await request(t.app).put('/api/v1/namespaces/default/configmaps/c2').send(cm('c2', { a: '4' })).expect(200);
  });

  test('an update that changes nothing keeps the resourceVersion', async () => {
    const created = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('same')).expect(201);
    const again = await request(t.app).put('/api/v1/namespaces/default/configmaps/same').send(cm('same')).expect(200);
    assert.equal(again.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
  });

  test('generation starts at 1 and moves only with the spec; status writes go through /status only', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
      },
      status: { replicas: 7 },
    };
    const created = await request(t.app).post('/apis/apps/v1/namespaces/default/deployments').send(dep).expect(201);
    assert.equal(created.body.metadata.generation, 1);
    assert.equal(created.body.spec.replicas, 1, 'defaulted');
    assert.equal(created.body.status?.replicas, undefined, 'status is not settable on create');
    const labelled = await request(t.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/web')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { labels: { tier: 'front' } } })
      .expect(200);
    assert.equal(labelled.body.metadata.generation, 1);
    const scaled = await request(t.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/web')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 3 }, status: { replicas: 9 } })
      .expect(200);
    assert.equal(scaled.body.metadata.generation, 2);
    assert.equal(scaled.body.status?.replicas, undefined);
    const status = await request(t.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/web/status')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 5 }, status: { replicas: 3 } })
      .expect(200);
    assert.equal(status.body.status.replicas, 3);
    assert.equal(status.body.spec.replicas, 3, 'the status endpoint leaves the spec alone');
    assert.equal(status.body.metadata.generation, 2);
  });

  test('scale subresource reads and writes spec.replicas as an autoscaling/v1 Scale', async () => {
    const scale = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/web/scale').expect(200);
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.apiVersion, 'autoscaling/v1');
    assert.equal(scale.body.spec.replicas, 3);
    assert.equal(scale.body.status.selector, 'app=web');
    const patched = await request(t.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/web/scale')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 4 } })
      .expect(200);
    assert.equal(patched.body.spec.replicas, 4);
    const dep = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/web').expect(200);
    assert.equal(dep.body.spec.replicas, 4);
    const bad = await request(t.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/web/scale')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: -1 } })
      .expect(422);
    assert.match(bad.body.message, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
  });

  test('delete answers Success for configmaps and the object for pods; finalizers keep an object until removed', async () => {
    await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('gone')).expect(201);
    const del = await request(t.app).delete('/api/v1/namespaces/default/configmaps/gone').expect(200);
    assert.equal(del.body.kind, 'Status');
    assert.equal(del.body.status, 'Success');
    assert.equal(del.body.details.name, 'gone');
    await request(t.app).get('/api/v1/namespaces/default/configmaps/gone').expect(404);

    await request(t.app)
      .post('/api/v1/namespaces/default/configmaps')
      .send({ ...cm('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } })
      .expect(201);
    const pending = await request(t.app).delete('/api/v1/namespaces/default/configmaps/held').expect(200);
    assert.ok(pending.body.metadata.deletionTimestamp);
    const still = await request(t.app).get('/api/v1/namespaces/default/configmaps/held').expect(200);
    assert.ok(still.body.metadata.deletionTimestamp);
    await request(t.app)
      .patch('/api/v1/namespaces/default/configmaps/held')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { finalizers: null } })
      .expect(200);
    await request(t.app).get('/api/v1/namespaces/default/configmaps/held').expect(404);
  });

  test('delete preconditions on uid and resourceVersion', async () => {
    const c = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('pre')).expect(201);
    const res = await request(t.app)
      .delete('/api/v1/namespaces/default/configmaps/pre')
      .send({ preconditions: { uid: 'not-the-uid' } })
      .expect(409);
    assert.match(res.body.message, /Precondition failed: UID in precondition: not-the-uid/);
    await request(t.app)
      .delete('/api/v1/namespaces/default/configmaps/pre')
      .send({ preconditions: { uid: c.body.metadata.uid, resourceVersion: c.body.metadata.resourceVersion } })
      .expect(200);
  });
});

describe('list options', () => {
  before(async () => {
    for (let i = 0; i < 5; i++) {
      await request(t.app)
        .post('/api/v1/namespaces/kube-public/configmaps')
        .send({ metadata: { name: `l${i}`, labels: { idx: String(i), parity: i % 2 ? 'odd' : 'even' } }, data: {} })
        .expect(201);
    }
  });

  test('label selectors: =, !=, in, notin, exists, !key', async () => {
    const names = async (sel: string) =>
      (await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ labelSelector: sel }).expect(200)).body.items.map(
        (i: { metadata: { name: string } }) => i.metadata.name,
      );
    assert.deepEqual(await names('parity=odd'), ['l1', 'l3']);
    assert.deepEqual(await names('parity!=odd'), ['l0', 'l2', 'l4']);
    assert.deepEqual(await names('idx in (0,4)'), ['l0', 'l4']);
    assert.deepEqual(await names('idx notin (0,4),parity'), ['l1', 'l2', 'l3']);
    assert.deepEqual(await names('!parity'), []);
    const bad = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ labelSelector: 'a in b' }).expect(400);
    assert.equal(bad.body.reason, 'BadRequest');
  });

  test('field selectors: metadata.name, and unknown fields are a 400', async () => {
    const res = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ fieldSelector: 'metadata.name=l2' }).expect(200);
    assert.deepEqual(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['l2']);
    const bad = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ fieldSelector: 'spec.foo=x' }).expect(400);
    assert.equal(bad.body.message, 'field label not supported: spec.foo');
  });

  test('limit and continue page through a consistent snapshot', async () => {
    const p1 = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ limit: 2 }).expect(200);
    assert.equal(p1.body.items.length, 2);
    assert.equal(p1.body.metadata.remainingItemCount, 3);
    const token = p1.body.metadata.continue;
    assert.ok(token);
    // A change after the first page is not seen by the later pages.
    await request(t.app).delete('/api/v1/namespaces/kube-public/configmaps/l3').expect(200);
    const p2 = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ limit: 2, continue: token }).expect(200);
    assert.deepEqual(p2.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['l2', 'l3']);
    assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
    const p3 = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ limit: 2, continue: p2.body.metadata.continue }).expect(200);
    assert.deepEqual(p3.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['l4']);
    assert.equal(p3.body.metadata.continue, undefined);
    await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ continue: 'garbage!' }).expect(400);
  });

  test('resourceVersionMatch rules', async () => {
    await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ resourceVersionMatch: 'Exact' }).expect(422);
    await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ resourceVersion: '0', resourceVersionMatch: 'Exact' }).expect(422);
    const now = (await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').expect(200)).body.metadata.resourceVersion;
    const exact = await request(t.app).get('/api/v1/namespaces/kube-public/configmaps').query({ resourceVersion: now, resourceVersionMatch: 'Exact' }).expect(200);
    assert.equal(exact.body.metadata.resourceVersion, now);
  });
});

describe('bad input gets a Status, never a crash or a partial write', () => {
  test('malformed JSON is a 400', async () => {
    const res = await request(t.app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'application/json').send('{"metadata": {').expect(400);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.reason, 'BadRequest');
  });

  test('malformed YAML is a 400', async () => {
    await request(t.app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'application/yaml').send('metadata: [a\n  b: }').expect(400);
  });

  test('a body over 3 MiB is a 413', async () => {
    const big = JSON.stringify(cm('big', { a: 'x'.repeat(3 * 1024 * 1024 + 10) }));
    const res = await request(t.app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'application/json').send(big).expect(413);
    assert.equal(res.body.reason, 'RequestEntityTooLarge');
    await request(t.app).get('/api/v1/namespaces/default/configmaps/big').expect(404);
  });

  test('an unknown resource is a 404', async () => {
    const res = await request(t.app).get('/api/v1/namespaces/default/widgets').expect(404);
    assert.equal(res.body.message, 'the server could not find the requested resource');
    await request(t.app).get('/apis/nope.example.com/v1/things').expect(404);
  });

  test('a wrong apiVersion or kind for the URL is a 400', async () => {
    const v = await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ ...cm('w1'), apiVersion: 'apps/v1' }).expect(400);
    assert.equal(v.body.message, 'the API version in the data (apps/v1) does not match the expected API version (v1)');
    await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ ...cm('w2'), kind: 'Secret' }).expect(400);
  });

  test('name or namespace disagreeing with the URL is a 400', async () => {
    const ns = await request(t.app)
      .post('/api/v1/namespaces/default/configmaps')
      .send({ ...cm('n1'), metadata: { name: 'n1', namespace: 'kube-system' } })
      .expect(400);
    assert.equal(ns.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
    await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('n2')).expect(201);
    const name = await request(t.app).put('/api/v1/namespaces/default/configmaps/n2').send(cm('other')).expect(400);
    assert.equal(name.body.message, 'the name of the object (other) does not match the name on the URL (n2)');
  });

  test('invalid names and labels are a 422 with causes', async () => {
    const res = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('Bad_Name')).expect(422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.details.causes[0].field, 'metadata.name');
    assert.match(res.body.message, /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const labels = await request(t.app)
      .post('/api/v1/namespaces/default/configmaps')
      .send({ ...cm('lbl'), metadata: { name: 'lbl', labels: { 'bad key!': 'v' } } })
      .expect(422);
    assert.equal(labels.body.details.causes[0].field, 'metadata.labels');
  });

  test('an unsupported media type is a 415; an unsupported patch type too', async () => {
    const res = await request(t.app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'text/plain').send('hello').expect(415);
    assert.equal(res.body.reason, 'UnsupportedMediaType');
    await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('pt')).expect(201);
    const patch = await request(t.app).patch('/api/v1/namespaces/default/configmaps/pt').set('Content-Type', 'application/json').send('{}').expect(415);
    assert.equal(patch.body.reason, 'UnsupportedMediaType');
  });

  test('creating in a namespace that does not exist is a 404', async () => {
    const res = await request(t.app).post('/api/v1/namespaces/nowhere/configmaps').send(cm('x')).expect(404);
    assert.equal(res.body.message, 'namespaces "nowhere" not found');
  });

  test('unknown fields: Strict rejects, Warn warns and drops', async () => {
    const strict = await request(t.app)
      .post('/api/v1/namespaces/default/configmaps?fieldValidation=Strict')
      .send({ ...cm('s1'), bogus: 1 })
      .expect(400);
    assert.match(strict.body.message, /strict decoding error: unknown field "bogus"/);
    const warn = await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ ...cm('s2'), bogus: 1 }).expect(201);
    assert.match(String(warn.headers.warning), /unknown field \\"bogus\\"/);
    assert.equal(warn.body.bogus, undefined);
  });

  test('a method a resource does not support is a 405', async () => {
    await request(t.app).delete('/api/v1/namespaces').expect(405);
  });
});

describe('tolerance where the real server is tolerant', () => {
  test('boolean query parameters in any spelling Go accepts', async () => {
    const server = http.createServer(t.app).listen(0);
    try {
      const port = (server.address() as import('node:net').AddressInfo).port;
      for (const v of ['1', 'True', 'TRUE', 't']) {
        const first = await firstLine(`http://127.0.0.1:${port}/api/v1/namespaces?watch=${v}`);
        assert.match(first, /^\{"type":"ADDED"/, `watch=${v}`);
      }
    } finally {
      server.close();
    }
  });

  test('a trailing slash on discovery paths and charset parameters on bodies', async () => {
    await request(t.app).get('/api/v1/').expect(200);
    await request(t.app).get('/apis/').expect(200);
    await request(t.app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(cm('cs'))).expect(201);
  });
});

/** The first line of a streamed response, then the connection is dropped. */
function firstLine(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let data = '';
      res.on('data', (d: Buffer) => {
        data += d.toString();
        const nl = data.indexOf('\n');
        if (nl >= 0) {
          req.destroy();
          resolve(data.slice(0, nl));
        }
      });
    });
    req.on('error', (err) => {
      if (!(err as NodeJS.ErrnoException).code?.includes('RESET')) reject(err);
    });
  });
}

describe('deprecated resources', () => {
  const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

  test('every request for v1 Endpoints carries the deprecation warning of a 1.36 cluster, errors too', async () => {
    const expected = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';
    const list = await request(t.app).get('/api/v1/namespaces/default/endpoints').expect(200);
    assert.equal(list.headers.warning, expected);
    const missing = await request(t.app).get('/api/v1/namespaces/default/endpoints/nope').expect(404);
    assert.equal(missing.headers.warning, expected);
    const created = await request(t.app)
      .post('/api/v1/namespaces/default/endpoints?fieldValidation=Warn')
      .send({ metadata: { name: 'ep1' }, subsets: [], bogus: 1 })
      .expect(201);
    // The deprecation first, then what the request itself earned.
    assert.match(String(created.headers.warning), /^299 - "v1 Endpoints is deprecated in v1\.33\+; use discovery\.k8s\.io\/v1 EndpointSlice", 299 - "unknown field \\"bogus\\""$/);
    const slices = await request(t.app).get('/apis/discovery.k8s.io/v1/endpointslices').expect(200);
    assert.equal(slices.headers.warning, undefined);
  });

  test('component statuses warn too, and print NAME STATUS MESSAGE ERROR', async () => {
    const res = await request(t.app).get('/api/v1/componentstatuses').set('Accept', tableAccept).expect(200);
    assert.equal(res.headers.warning, '299 - "v1 ComponentStatus is deprecated in v1.19+"');
    assert.equal(res.body.kind, 'Table');
    assert.deepEqual(
      res.body.columnDefinitions.map((c: { name: string }) => c.name),
      ['Name', 'Status', 'Message', 'Error'],
    );
    assert.deepEqual(res.body.rows.map((r: { cells: unknown[] }) => r.cells), [
      ['controller-manager', 'Healthy', 'ok', ''],
      ['scheduler', 'Healthy', 'ok', ''],
      ['etcd-0', 'Healthy', 'ok', ''],
    ]);
    const one = await request(t.app).get('/api/v1/componentstatuses/etcd-0').set('Accept', tableAccept).expect(200);
    assert.equal(one.body.rows.length, 1);
    const plain = await request(t.app).get('/api/v1/componentstatuses/etcd-0').expect(200);
    assert.equal(plain.body.kind, 'ComponentStatus');
  });
});
