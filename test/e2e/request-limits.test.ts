// Request limits of `kubemu serve`, seen by the real kubectl and by a client without credentials:
// --max-requests-inflight / --max-mutating-requests-inflight (429 for anonymous requests over the
// limit, system:masters always served), --request-timeout and ?timeout= (504, 400), the 3 MiB body
// and 1.5 MiB object limits, and the audit log (--audit-log-path, --audit-policy-file).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
let auditLog: string;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An anonymous request (no client certificate): subject to the in-flight limits. */
function anonymous(method: string, path: string, opts: { body?: string; headers?: Record<string, string>; hold?: boolean } = {}): { answer: Promise<Answer>; finish(): void } {
  const url = new URL(server.url);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.hold) headers['content-length'] = '1000';
  const options: RequestOptions = { host: url.hostname, port: url.port, method, path, rejectUnauthorized: false, headers };
  let finish = () => undefined as void;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request(options, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.hold) {
      // The body never comes: the request stays in flight until the server answers.
      req.write('{');
      finish = () => void req.destroy();
    } else req.end(opts.body);
  });
  return { answer, finish };
}

function auditEvents(): Record<string, unknown>[] {
  return readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

before(async () => {
  work = tempDir('kubemu-limits-');
  auditLog = join(work, 'audit.log');
  const policy = join(work, 'policy.yaml');
  writeFileSync(
    policy,
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: [RequestReceived]',
      'rules:',
      '- level: None',
      '  nonResourceURLs: ["/livez", "/readyz", "/healthz*"]',
      '- level: RequestResponse',
      '  resources: [{group: "", resources: [configmaps]}]',
      '  namespaces: [audited]',
      '- level: Metadata',
    ].join('\n'),
  );
  server = await startKubemu({
    dataDir: work,
    extraArgs: [
      '--nodes', '0', '--controllers', '',
      '--max-requests-inflight', '1', '--max-mutating-requests-inflight', '1', '--request-timeout', '5s', // long enough for a loaded machine to see the held request in flight
      '--audit-log-path', auditLog, '--audit-policy-file', policy,
      // Anonymous requests must get past authorization to hold a slot (under RBAC they are 403 at once).
      '--authorization-mode', 'AlwaysAllow',
    ],
  });
  k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
});

after(async () => {
  await server?.stop();
  if (work) removeDir(work);
});

describe('request limits', () => {
  test('over the mutating limit an anonymous write is a 429; kubectl (system:masters) is still served; the held request times out with a 504', async () => {
    // The held write and a probe race for the one mutating slot: a held write that lost (answered
    // 429 itself) is sent again, and each probe has a name of its own, until a probe finds the slot held.
    const hold = () => {
      const h = { ...anonymous('POST', '/api/v1/namespaces/default/configmaps', { hold: true, headers: { 'content-type': 'application/json' } }), done: false };
      const answered = () => void (h.done = true);
      h.answer.then(answered, answered);
      return h;
    };
    let held = hold();
    let probes = 0;
    await eventually('the held request to be in flight', async () => {
      if (held.done) held = hold();
      const second = await anonymous('POST', '/api/v1/namespaces/default/configmaps', { body: `{"metadata":{"name":"probe-${probes++}"}}`, headers: { 'content-type': 'application/json' } }).answer;
      if (second.status !== 429) return undefined;
      assert.equal(second.headers['retry-after'], '1');
      assert.equal(second.body, 'Too many requests, please try again later.\n');
      return true;
    });
    await k.ok(['create', 'configmap', 'by-admin', '--from-literal=a=1']);
    // A watch is long-running: not counted against the read-only limit of 1, whatever else is in flight.
    const watch = anonymous('GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1');
    const list = await anonymous('GET', '/api/v1/namespaces/default/configmaps').answer;
    assert.equal(list.status, 200);
    assert.equal((await watch.answer).status, 200);
    const timedOut = await held.answer;
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.body, '{"metadata":{},"status":"Failure","message":"Timeout: request did not complete within the allotted timeout","reason":"Timeout","details":{},"code":504}\n');
    held.finish();
  });

  test('?timeout= that is not a duration is refused with kube-apiserver’s message', async () => {
    const r = await k.run(['get', '--raw', '/api/v1/namespaces?timeout=abc']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\): invalid timeout specified in the request URL - time: invalid duration "abc"/);
  });

  test('an object over 1.5 MiB is refused as etcd refuses it, and not stored; a body over 3 MiB is a 413', async () => {
    const pod = (size: number) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge' }, spec: { containers: [{ name: 'c', image: 'busybox', env: [{ name: 'A', value: 'a'.repeat(size) }] }] } });
    const tooBig = await k.run(['create', '-f', '-'], { input: pod(1_600_000) });
    assert.notEqual(tooBig.code, 0);
    assert.match(tooBig.stderr, /Error from server: error when creating "STDIN": etcdserver: request is too large/);
    assert.match((await k.run(['get', 'pod', 'huge'])).stderr, /NotFound/);
    const tooLong = await k.run(['create', '-f', '-'], { input: pod(3_300_000) });
    assert.match(tooLong.stderr, /Error from server \(RequestEntityTooLarge\): error when creating "STDIN": Request entity too large: limit is 3145728/);
    // Just under the bound is stored.
    await k.ok(['create', '-f', '-'], { input: pod(1_400_000) });
  });

  test('the audit log holds the policy’s events: its levels and stages, the client’s Audit-ID, watches started and complete', async () => {
    await k.ok(['create', 'namespace', 'audited']);
    await k.ok(['-n', 'audited', 'create', 'configmap', 'settings', '--from-literal=k=v']);
    const mine = await anonymous('GET', '/api/v1/namespaces/default/secrets', { headers: { 'Audit-ID': 'e2e-audit-id' } }).answer;
    assert.equal(mine.headers['audit-id'], 'e2e-audit-id');
    const watch = await anonymous('GET', '/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1').answer;
    await anonymous('GET', '/livez').answer;
    const events = await eventually('the audit events', async () => {
      const all = auditEvents();
      return all.some((e) => e.auditID === watch.headers['audit-id'] && e.stage === 'ResponseComplete') ? all : undefined;
    });
    assert.ok(events.every((e) => e.kind === 'Event' && e.apiVersion === 'audit.k8s.io/v1'));
    assert.ok(!events.some((e) => e.stage === 'RequestReceived'), 'omitStages: RequestReceived');
    assert.ok(!events.some((e) => e.requestURI === '/livez'), 'level None');
    const created = events.find((e) => e.verb === 'create' && (e.objectRef as { resource?: string; namespace?: string })?.namespace === 'audited')!;
    assert.equal(created.level, 'RequestResponse');
    assert.deepEqual(created.user, { username: 'kubemu-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.deepEqual(created.objectRef, { resource: 'configmaps', namespace: 'audited', name: 'settings', apiVersion: 'v1' });
    assert.deepEqual((created.responseObject as { data: unknown }).data, { k: 'v' });
    assert.deepEqual(created.responseStatus, { metadata: {}, code: 201 });
    assert.match(String(created.userAgent), /^kubectl[.0-9]*\/v1\./);
    const namespace = events.find((e) => e.verb === 'create' && (e.objectRef as { resource?: string })?.resource === 'namespaces')!;
    assert.equal(namespace.level, 'Metadata');
    assert.equal(namespace.responseObject, undefined);
    const secrets = events.filter((e) => e.auditID === 'e2e-audit-id');
    assert.deepEqual(secrets.map((e) => e.stage), ['ResponseComplete']);
    assert.deepEqual(secrets[0]!.user, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
    assert.deepEqual(secrets[0]!.sourceIPs, ['127.0.0.1']);
    // The authorizer's verdict, as kube-apiserver annotates it.
    assert.deepEqual(secrets[0]!.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' });
    assert.equal((created.annotations as Record<string, string>)['authorization.k8s.io/decision'], 'allow');
    const watched = events.filter((e) => e.auditID === watch.headers['audit-id']);
    assert.deepEqual(watched.map((e) => e.stage), ['ResponseStarted', 'ResponseComplete']);
    assert.equal(watched[0]!.verb, 'watch');
    // The refused and timed-out requests of the first test are there too.
    assert.ok(events.some((e) => (e.responseStatus as { code?: number })?.code === 429));
    assert.ok(events.some((e) => (e.responseStatus as { code?: number; reason?: string })?.code === 504));
  });
});
