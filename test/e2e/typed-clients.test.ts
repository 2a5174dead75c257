// The official JavaScript client's typed API (@kubernetes/client-node 1.x) against a real kubemu
// process: one object of every built-in kind created, read, listed and watched through the
// generated API class and model of its kind, and nothing the server sent is lost or refused on
// the way into the typed model.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { Catalogue, type ResourceInfo } from '../../src/schema/catalogue.js';
import { loadSpec } from '../../src/schema/openapi-spec.js';
import { kindsWithoutCreatedObject, minimalObject } from '../../src/testing/minimal-objects.js';
import { removeDir, startKubemu, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

type Obj = Record<string, any>;
type ApiClass = new (...args: any[]) => Record<string, (param?: Obj) => Promise<Obj>>;

let server: KubemuProcess;
let kc: k8s.KubeConfig;
before(async () => {
  // No controllers: what is read, listed and watched is what was created, nothing changes it between.
  server = await startKubemu({ extraArgs: ['--controllers', '', '--nodes', '0'] });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
});
after(async () => {
  assert.equal(await server.stop(), 0);
  removeDir(server.dataDir);
});

/** client-node's API class of a group version: CoreV1Api, RbacAuthorizationV1Api, FlowcontrolApiserverV1Api … */
function apiClassOf(info: ResourceInfo): ApiClass | undefined {
  const group = info.group === '' ? 'Core' : info.group.replace(/\.k8s\.io$/, '').split('.').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return (k8s as unknown as Record<string, ApiClass | undefined>)[`${group}${info.version[0]!.toUpperCase()}${info.version.slice(1)}Api`];
}

/** The same object as the raw JSON the server sent, a plain HTTPS GET. */
async function rawGet(path: string): Promise<Obj> {
  const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const url = new URL(path, kc.getCurrentCluster()!.server);
  return new Promise((resolve, reject) => {
    https
      .request(url, opts, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as Obj) : reject(new Error(`${res.statusCode}: ${body}`))));
      })
      .on('error', reject)
      .end();
  });
}

const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * Where `back` (the typed model written out again) differs from `sent` (the server's JSON). The
 * models hold times as JavaScript Dates, milliseconds in UTC: the same instant is no loss.
 */
function differences(sent: unknown, back: unknown, path: string, out: string[] = []): string[] {
  if (typeof sent === 'string' && typeof back === 'string' && rfc3339.test(sent) && rfc3339.test(back)) {
    if (Math.abs(Date.parse(sent) - Date.parse(back)) >= 1) out.push(`${path}: ${sent} became ${back}`);
    return out;
  }
  if (Array.isArray(sent)) {
    if (!Array.isArray(back) || back.length !== sent.length) out.push(`${path}: list of ${sent.length} became ${JSON.stringify(back)}`);
    else sent.forEach((item, i) => differences(item, back[i], `${path}[${i}]`, out));
    return out;
  }
  if (typeof sent === 'object' && sent !== null) {
    if (typeof back !== 'object' || back === null) {
      out.push(`${path}: ${JSON.stringify(sent)} became ${JSON.stringify(back)}`);
      return out;
    }
    for (const [k, v] of Object.entries(sent)) {
      if (!(k in back)) out.push(`${path}.${k}: lost`);
      else differences(v, (back as Obj)[k], `${path}.${k}`, out);
    }
    return out;
  }
  if (sent !== back) out.push(`${path}: ${JSON.stringify(sent)} became ${JSON.stringify(back)}`);
  return out;
}

function firstEvent(path: string, name: string): Promise<{ type: string; object: Obj }> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    new k8s.Watch(kc)
      .watch(path, { fieldSelector: `metadata.name=${name}` }, (type, object) => {
        resolve({ type, object: object as Obj });
        controller?.abort();
      }, (err) => {
        if (err && (err as Error).name !== 'AbortError') reject(err as Error);
      })
      .then((c) => (controller = c), reject);
  });
}

test('every built-in kind through its typed API: create, read, list and watch lose and refuse nothing', async () => {
  const catalogue = new Catalogue(loadSpec().document);
  const kinds = catalogue.all().filter((r) => r.verbs.includes('create') && !kindsWithoutCreatedObject.has(`${r.group}/${r.kind}`));
  const untyped: string[] = [];
  let checked = 0;
  for (const info of kinds) {
    const Api = apiClassOf(info);
    const scope = info.namespaced ? 'Namespaced' : '';
    const api = Api ? kc.makeApiClient(Api) : undefined;
    if (!api || typeof api[`create${scope}${info.kind}`] !== 'function') {
      // Kinds newer than the client's generated models have no typed API to go through.
      untyped.push(`${info.apiVersion} ${info.kind}`);
      continue;
    }
    const namespace = info.namespaced ? 'default' : undefined;
    const body = minimalObject(info.group, info.version, info.kind, namespace)!;
    const where = namespace ? { namespace } : {};
    const created = await api[`create${scope}${info.kind}`]!({ ...where, body });
    const model = created.constructor.name;
    assert.ok(ObjectSerializer.findCorrectType(created, model), `${info.kind}: typed as ${model}`);
    const name = (created.metadata as Obj | undefined)?.name as string | undefined;
    checked++;
    if (!info.verbs.includes('get') || name === undefined) continue; // a review: the answer is all there is

    // The API server's CRD controller writes a new definition's status at once: read it settled.
    if (info.kind === 'CustomResourceDefinition') await eventually('the definition Established', async () => ((await rawGet(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)) as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined);
    // So does the aggregator's availability controller for an APIService.
    if (info.kind === 'APIService') await eventually('the APIService checked', async () => ((await rawGet(`/apis/apiregistration.k8s.io/v1/apiservices/${name}`)) as { status?: { conditions?: { type: string }[] } }).status?.conditions?.some((c) => c.type === 'Available') || undefined);
    const read = await api[`read${scope}${info.kind}`]!({ ...where, name });
    assert.equal(read.constructor.name, model);
    const collection = `${info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`}${namespace ? `/namespaces/${namespace}` : ''}/${info.resource}`;
    const sent = await rawGet(`${collection}/${name}`);
    assert.deepEqual(differences(sent, ObjectSerializer.serialize(read, model, ''), info.kind), [], `${info.apiVersion} ${info.kind}: read`);

    const listed = await api[`list${scope}${info.kind}`]!(where);
    const item = (listed.items as Obj[]).find((i) => i.metadata?.name === name);
    assert.ok(item, `${info.kind}: listed`);
    const { kind: _kind, apiVersion: _apiVersion, ...sentItem } = sent;
    assert.deepEqual(differences(sentItem, ObjectSerializer.serialize(item, model, ''), `${info.kind} item`), [], `${info.apiVersion} ${info.kind}: list`);

    const event = await firstEvent(collection, name);
    assert.equal(event.type, 'ADDED');
    const watched = ObjectSerializer.deserialize(event.object, model, '') as Obj;
    assert.deepEqual(differences(event.object, ObjectSerializer.serialize(watched, model, ''), `${info.kind} event`), [], `${info.apiVersion} ${info.kind}: watch`);

    // Out of the way of the same kind served in another version (HorizontalPodAutoscalers, Events).
    await api[`delete${scope}${info.kind}`]!({ ...where, name, body: { propagationPolicy: 'Background', gracePeriodSeconds: 0 } });
  }
  assert.ok(checked >= 55, `${checked} kinds went through a typed API`);
  // client-node 1.3's models are those of Kubernetes 1.33: resource.k8s.io/v1 and storage.k8s.io/v1
  // VolumeAttributesClass (GA in 1.34) and the v1 MutatingAdmissionPolicy types are not among them.
  assert.deepEqual(untyped.sort(), [
    'admissionregistration.k8s.io/v1 MutatingAdmissionPolicy',
    'admissionregistration.k8s.io/v1 MutatingAdmissionPolicyBinding',
    'resource.k8s.io/v1 DeviceClass',
    'resource.k8s.io/v1 ResourceClaim',
    'resource.k8s.io/v1 ResourceClaimTemplate',
    'resource.k8s.io/v1 ResourceSlice',
    'storage.k8s.io/v1 VolumeAttributesClass',
  ]);
});
