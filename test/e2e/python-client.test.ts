// The official Python client (Debian's python3-kubernetes, generated from the OpenAPI spec, typed
// models that check required fields) against a real kubemu process: issue 13's two symptoms as a
// user met them. Its models refuse an object without the zero values Go always writes (a
// DaemonSet's status counters, a ReplicationController's status.replicas), and
// kubernetes.utils.create_from_yaml reports a conflict with the server's body as text, which
// users compare with what a real cluster sends.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Catalogue } from '../../src/schema/catalogue.js';
import { loadSpec } from '../../src/schema/openapi-spec.js';
import { kindsWithoutCreatedObject, minimalObject } from '../../src/testing/minimal-objects.js';
import { removeDir, startKubemu, type KubemuProcess } from './harness.js';

/** Debian's package installs for the system Python; .ci/run installs it where it is missing. */
const pythonCandidates = ['/usr/bin/python3', 'python3'];

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let python: string;
let server: KubemuProcess;
before(async () => {
  for (const candidate of pythonCandidates) {
    if ((await run(candidate, ['-c', 'import kubernetes'])).code === 0) {
      python = candidate;
      break;
    }
  }
  assert.ok(python, 'the official Python client is not installed: apt-get install python3-kubernetes (.ci/run does)');
  // No controllers: what the client reads back is what the API server itself wrote on create.
  server = await startKubemu({ extraArgs: ['--controllers', '', '--nodes', '0'] });
});
after(async () => {
  assert.equal(await server.stop(), 0);
  removeDir(server.dataDir);
});

/** Runs a Python program with the kubeconfig and a JSON file as arguments; its stdout is JSON. */
async function python3(program: string, input: unknown): Promise<Record<string, unknown>> {
  const inputFile = join(server.dataDir, `python-input-${Date.now()}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  const r = await run(python, ['-c', program, server.kubeconfig, inputFile]);
  assert.equal(r.code, 0, `python failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// create_from_yaml's own per-object step (the typed API of the object's group and kind, its
// response deserialized into the typed model), then the typed read and list of the same kind.
const typedRoundTrip = String.raw`
import json, re, sys
from kubernetes import client, config, utils
cfy = sys.modules["kubernetes.utils.create_from_yaml"]  # the module (the package exports its function by the same name)
config.load_kube_config(config_file=sys.argv[1])
api_client = client.ApiClient()
created, unknown, failures = [], [], []
for obj in json.load(open(sys.argv[2])):
    label = obj["apiVersion"] + " " + obj["kind"]
    group, _, version = obj["apiVersion"].partition("/")
    if version == "":
        group, version = "core", group
    group = "".join(w.capitalize() for w in "".join(group.rsplit(".k8s.io", 1)).split("."))
    api_class = getattr(client, group + version.capitalize() + "Api", None)
    snake = cfy.LOWER_OR_NUM_FOLLOWED_BY_UPPER_RE.sub(r"\1_\2", cfy.UPPER_FOLLOWED_BY_LOWER_RE.sub(r"\1_\2", obj["kind"])).lower()
    namespaced = "namespace" in obj["metadata"]
    scope = "namespaced_" if namespaced else ""
    if api_class is None or not hasattr(api_class, "create_" + scope + snake):
        unknown.append(label)  # newer than the client's generated models
        continue
    api = api_class(api_client)
    where = {"namespace": obj["metadata"]["namespace"]} if namespaced else {}
    try:
        made = cfy.create_from_yaml_single_item(api_client, obj)
        name = made.metadata.name if getattr(made, "metadata", None) is not None else None
        if name is not None and hasattr(api, "read_" + scope + snake):
            getattr(api, "read_" + scope + snake)(name=name, **where)
            getattr(api, "list_" + scope + snake)(**where)
            # Out of the way of the same kind in another group (core and events.k8s.io Events).
            getattr(api, "delete_" + scope + snake)(name=name, **where)
        created.append(label)
    except Exception as e:  # a model refusing the server's object, or an API error
        failures.append(label + ": " + type(e).__name__ + ": " + str(e)[:400])
print(json.dumps({"created": created, "unknown": unknown, "failures": failures}))
`;

test('the Python client creates, reads and lists every kind it knows, DaemonSets and ReplicationControllers included', async () => {
  const catalogue = new Catalogue(loadSpec().document);
  const objects = catalogue
    .all()
    .filter((r) => r.verbs.includes('create') && r.verbs.includes('get') && !kindsWithoutCreatedObject.has(`${r.group}/${r.kind}`))
    // The same kind in two versions (HorizontalPodAutoscaler, Event) would collide on its name.
    .filter((r, i, all) => all.findIndex((o) => o.group === r.group && o.kind === r.kind) === i)
    .map((r) => minimalObject(r.group, r.version, r.kind, r.namespaced ? 'default' : undefined))
    .filter((o) => o !== undefined)
    // The minimal CRD's group gets a local APIService of the minimal APIService's name.
    .map((o) => (o.kind === 'APIService' ? { ...o, metadata: { name: 'v1.python.example.com' }, spec: { ...(o.spec as object), group: 'python.example.com' } } : o));
  const result = (await python3(typedRoundTrip, objects)) as { created: string[]; unknown: string[]; failures: string[] };
  assert.deepEqual(result.failures, []);
  assert.ok(result.created.includes('apps/v1 DaemonSet'), 'the DaemonSet went through the typed model');
  assert.ok(result.created.includes('v1 ReplicationController'), 'the ReplicationController went through the typed model');
  // python3-kubernetes 22.6 holds the models of Kubernetes 1.22: kinds since then are unknown to it.
  assert.ok(result.created.length >= 40, `${result.created.length} kinds created through typed models; unknown to the client: ${result.unknown.join(', ')}`);
});

const conflict = String.raw`
import json, sys
from kubernetes import client, config, utils
config.load_kube_config(config_file=sys.argv[1])
api_client = client.ApiClient()
manifest = json.load(open(sys.argv[2]))
utils.create_from_dict(api_client, manifest)
try:
    utils.create_from_dict(api_client, manifest)
    print(json.dumps({"raised": False}))
except utils.FailToCreateError as e:
    failure = e.api_exceptions[0]
    print(json.dumps({"raised": True, "status": failure.status, "reason": failure.reason, "body": failure.body, "text": str(e)}))
`;

test('create_from_yaml reports a conflict with the body a real cluster sends, byte for byte', async () => {
  const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice', namespace: 'default' }, data: { a: 'b' } };
  const result = await python3(conflict, manifest);
  assert.equal(result.raised, true);
  assert.equal(result.status, 409);
  assert.equal(result.reason, 'Conflict');
  // metav1.Status in Go's field order, details in theirs, and the newline Go's encoder ends with.
  assert.equal(
    result.body,
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"twice\\" already exists","reason":"AlreadyExists","details":{"name":"twice","kind":"configmaps"},"code":409}\n',
  );
  assert.equal(result.text, `Error from server (Conflict): ${result.body as string}`);
});
