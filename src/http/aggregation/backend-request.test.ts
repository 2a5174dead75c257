import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityHeaders, passedHeaders } from './backend-request.js';

test('what a client claims about itself never reaches the backend', () => {
  const out = passedHeaders({
    accept: 'application/json',
    authorization: 'Bearer secret',
    'x-remote-user': 'system:admin',
    'x-remote-group': 'system:masters',
    'x-remote-extra-scopes': 'all',
    'impersonate-user': 'someone',
    connection: 'keep-alive',
    host: 'kubemu:6443',
    'user-agent': 'kubectl/v1.36.0',
  });
  assert.deepEqual(out, { accept: 'application/json', 'user-agent': 'kubectl/v1.36.0' });
});

test('the caller goes as requestheader headers, one per group and extra value, extra keys escaped', () => {
  assert.deepEqual(identityHeaders({ username: 'jane', groups: ['dev', 'system:authenticated'], extra: { 'Example.com/Team': ['a b', 'c'] } }), {
    'x-remote-user': 'jane',
    'x-remote-group': ['dev', 'system:authenticated'],
    'x-remote-extra-example.com%2Fteam': ['a b', 'c'],
  });
});
