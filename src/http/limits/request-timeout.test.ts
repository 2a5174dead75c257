import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { isApiError } from '../../apierrors/index.js';
import { createTestApp, listenTestApp, type TestApp } from '../../testing/test-app.js';
import { requestDeadlineMs } from './request-timeout.js';

test('?timeout= shortens the deadline, never lengthens it; 0 is the server default; a bad value is a 400', () => {
  const q = (s: string) => new URLSearchParams(s);
  assert.equal(requestDeadlineMs(q(''), 60_000), 60_000);
  assert.equal(requestDeadlineMs(q('timeout=5s'), 60_000), 5_000);
  assert.equal(requestDeadlineMs(q('timeout=1m30s'), 60_000), 60_000);
  assert.equal(requestDeadlineMs(q('timeout=0s'), 60_000), 60_000);
  assert.equal(requestDeadlineMs(q('timeout=-5s'), 60_000), 60_000);
  const message = (s: string) => {
    try {
      requestDeadlineMs(q(s), 60_000);
    } catch (err) {
      assert.ok(isApiError(err));
      assert.equal(err.code, 400);
      return err.message;
    }
    assert.fail('no error');
  };
  assert.equal(message('timeout=abc'), 'invalid timeout specified in the request URL - time: invalid duration "abc"');
  assert.equal(message('timeout=10'), 'invalid timeout specified in the request URL - time: missing unit in duration "10"');
  assert.equal(message('timeout=10x'), 'invalid timeout specified in the request URL - time: unknown unit "x" in duration "10x"');
});

/** Polls until `check` holds (at most 5 s). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('timed out waiting');
    await new Promise((r) => setImmediate(r));
  }
}

let t: TestApp;
let listening: Awaited<ReturnType<typeof listenTestApp>>;
let port: number;
before(async () => {
  // Anonymous callers allowed everything: system:masters (the test app's usual insecure user) is exempt from the limits.
  t = await createTestApp({
    authorizationModes: ['AlwaysAllow'],
    app: { requestTimeoutMs: 60_000, inflightLimits: { readOnly: 5, mutating: 1 }, authentication: { anonymous: true } },
  });
  listening = await listenTestApp(t);
  port = listening.port;
});
after(() => listening.close());

/** A POST whose body never finishes: it stays in flight until the server answers. */
function pendingPost(path: string): { response: Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>; req: http.ClientRequest } {
  const req = http.request({ port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': '1000' } });
  const response = new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
  req.write('{"metadata":');
  return { response, req };
}

function get(path: string, method = 'GET', body?: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, method, path, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a request past its deadline is answered 504 with the Status the timeout filter writes; the late answer goes nowhere', async () => {
  const timersBefore = t.clock.pendingTimers();
  const { response, req } = pendingPost('/api/v1/namespaces/default/configmaps?timeout=2s');
  // The deadline is armed as the request arrives: wait until the server has it.
  await until(() => t.clock.pendingTimers() > timersBefore);
  t.clock.advance(1_999);
  t.clock.advance(1);
  const answer = await response;
  assert.equal(answer.status, 504);
  assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(answer.body, '{"metadata":{},"status":"Failure","message":"Timeout: request did not complete within the allotted timeout","reason":"Timeout","details":{},"code":504}\n');
  assert.match(String(answer.headers['audit-id']), /^[0-9a-f-]{36}$/);
  // The body arrives after all: the handler's own answer is dropped, and nothing was created.
  const closed = new Promise((r) => req.once('close', r));
  req.end('{"name":"late"}}' + ' '.repeat(1000 - 28));
  await closed;
  assert.equal((await get('/api/v1/namespaces/default/configmaps/late')).status, 404);
});

test('the mutating limit refuses a second write while the first is in flight; reads go on', async () => {
  // The held write and the probes race for the one slot: a held write that lost (answered 429
  // itself) is sent again; each probe has a name of its own.
  const hold = () => {
    const h = { ...pendingPost('/api/v1/namespaces/default/configmaps'), settled: false };
    const settled = () => void (h.settled = true);
    h.response.then(settled, settled);
    return h;
  };
  let held = hold();
  let refused = await get('/api/v1/namespaces/default/configmaps', 'POST', '{"metadata":{"name":"probe-0"}}');
  for (let tries = 1; refused.status !== 429; tries++) {
    assert.ok(tries < 100, 'the held write never took the one mutating slot');
    assert.ok(refused.status === 201 || refused.status === 429, refused.body);
    if (held.settled) held = hold();
    refused = await get('/api/v1/namespaces/default/configmaps', 'POST', `{"metadata":{"name":"probe-${tries}"}}`);
  }
  const { response, req } = held;
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(refused.body, 'Too many requests, please try again later.\n');
  assert.equal((await get('/api/v1/namespaces/default/configmaps')).status, 200);
  req.destroy();
  await response.catch(() => undefined);
  // The slot comes back when the server sees the connection go.
  await until(async () => (await get('/api/v1/namespaces/default/configmaps', 'POST', '{"metadata":{"name":"third"}}')).status === 201);
});

test('?timeout= that is not a duration is a 400 Status', async () => {
  const answer = await get('/api/v1/namespaces?timeout=soon');
  assert.equal(answer.status, 400);
  const status = JSON.parse(answer.body) as { kind: string; reason: string; message: string };
  assert.equal(status.kind, 'Status');
  assert.equal(status.reason, 'BadRequest');
  assert.equal(status.message, 'invalid timeout specified in the request URL - time: invalid duration "soon"');
});
