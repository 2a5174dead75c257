import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { MaxInflight } from './max-inflight.js';
import { isLongRunning, isReadOnly } from './long-running.js';
import { parseRequestInfo } from '../request-info.js';

/** Enough of a ServerResponse for the filter: headers, end, and 'close'. */
type FakeResponse = ServerResponse & { body?: string; headers: Record<string, unknown> };

function fakeResponse(): FakeResponse {
  const res = new EventEmitter() as unknown as Record<string, unknown>;
  const headers: Record<string, unknown> = {};
  res.headers = headers;
  res.setHeader = (name: string, value: unknown) => {
    headers[name.toLowerCase()] = value;
    return res;
  };
  res.end = (body: string) => {
    res.body = body;
    return res;
  };
  return res as unknown as FakeResponse;
}

test('over the limit: 429 with Retry-After 1 and the text the real filter writes; a slot frees when it is given back', () => {
  const limiter = new MaxInflight({ readOnly: 1, mutating: 1 });
  const release = limiter.admit(fakeResponse(), false, ['system:authenticated']);
  assert.equal(typeof release, 'function');
  const refused = fakeResponse();
  assert.equal(limiter.admit(refused, false, ['system:authenticated']), false);
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(refused.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(refused.body, 'Too many requests, please try again later.\n');
  // Reads and writes are counted apart.
  assert.notEqual(limiter.admit(fakeResponse(), true, []), false);
  (release as () => void)();
  assert.deepEqual(limiter.inflight(), { readOnly: 1, mutating: 0 });
  assert.notEqual(limiter.admit(fakeResponse(), false, []), false);
});

test('system:masters is served over the limit, without taking a slot; 0 means no limit', () => {
  const limiter = new MaxInflight({ readOnly: 1, mutating: 0 });
  assert.notEqual(limiter.admit(fakeResponse(), true, []), false);
  const masters = limiter.admit(fakeResponse(), true, ['system:masters', 'system:authenticated']);
  assert.notEqual(masters, false);
  (masters as () => void)(); // gives back nothing: it took no slot
  assert.deepEqual(limiter.inflight(), { readOnly: 1, mutating: 0 });
  for (let i = 0; i < 1000; i++) assert.notEqual(limiter.admit(fakeResponse(), false, []), false);
});

test('long-running requests are watches and the attach, exec, log, portforward and proxy subresources', () => {
  const info = (method: string, path: string, watch = false) => parseRequestInfo(method, path, watch);
  assert.equal(isLongRunning(info('GET', '/api/v1/namespaces/default/pods', true)), true);
  assert.equal(isLongRunning(info('GET', '/api/v1/watch/namespaces/default/pods')), true);
  for (const sub of ['log', 'exec', 'attach', 'portforward', 'proxy']) assert.equal(isLongRunning(info('GET', `/api/v1/namespaces/default/pods/p/${sub}`)), true, sub);
  assert.equal(isLongRunning(info('GET', '/api/v1/namespaces/default/pods/p/status')), false);
  assert.equal(isLongRunning(info('GET', '/api/v1/namespaces/default/pods')), false);
  assert.equal(isLongRunning(info('GET', '/version')), false);
  assert.equal(isReadOnly('GET', info('GET', '/api/v1/namespaces/default/pods')), true);
  assert.equal(isReadOnly('POST', info('POST', '/api/v1/namespaces/default/pods')), false);
  assert.equal(isReadOnly('DELETE', info('DELETE', '/api/v1/namespaces/default/pods/p')), false);
  assert.equal(isReadOnly('GET', info('GET', '/version')), true);
  assert.equal(isReadOnly('POST', info('POST', '/version')), false);
});
