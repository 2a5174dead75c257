import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import type { Registry } from '../registry/registry.js';
import { Authenticator, requestUser } from './authentication.js';

const registry = { serviceAccountTokens: undefined } as unknown as Registry;
const req = (headers: Record<string, string> = {}) => ({ headers, socket: {} }) as unknown as IncomingMessage;

test('a static token names its user, with system:authenticated added', () => {
  const auth = new Authenticator(registry, { staticTokens: new Map([['t', { username: 'carol', uid: 'u', groups: ['viewers'] }]]) });
  const r = req({ authorization: 'Bearer t' });
  auth.authenticate(r);
  assert.deepEqual(requestUser(r), { username: 'carol', uid: 'u', groups: ['viewers', 'system:authenticated'] });
  assert.throws(() => auth.authenticate(req({ authorization: 'Bearer wrong' })), /Unauthorized/);
});

test('no credentials: system:anonymous, or 401 with --anonymous-auth=false, or system:unsecured over plain HTTP', () => {
  const anonymous = req();
  new Authenticator(registry, {}).authenticate(anonymous);
  assert.deepEqual(requestUser(anonymous), { username: 'system:anonymous', groups: ['system:unauthenticated'] });
  assert.throws(() => new Authenticator(registry, { anonymous: false }).authenticate(req()), /Unauthorized/);
  const insecure = req();
  new Authenticator(registry, { insecure: true }).authenticate(insecure);
  assert.equal(requestUser(insecure).groups.includes('system:masters'), true);
});
