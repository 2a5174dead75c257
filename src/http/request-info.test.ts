import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestInfo } from './request-info.js';

test('resource paths parse into group, version, namespace, resource, name, subresource and verb', () => {
  assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/demo/pods', false), {
    isResourceRequest: true, prefix: 'api', group: '', version: 'v1', namespace: 'demo', resource: 'pods', name: undefined, subresource: undefined, verb: 'list', watchPath: false,
  });
  const rs = parseRequestInfo('PATCH', '/apis/apps/v1/namespaces/demo/deployments/web/scale', false);
  assert.ok(rs.isResourceRequest);
  assert.equal(rs.group, 'apps');
  assert.equal(rs.name, 'web');
  assert.equal(rs.subresource, 'scale');
  assert.equal(rs.verb, 'patch');
});

test('a namespace itself and its status/finalize subresources are not namespaced requests', () => {
  const ns = parseRequestInfo('GET', '/api/v1/namespaces/demo', false);
  assert.ok(ns.isResourceRequest && ns.resource === 'namespaces' && ns.name === 'demo' && ns.namespace === undefined);
  const fin = parseRequestInfo('PUT', '/api/v1/namespaces/demo/finalize', false);
  assert.ok(fin.isResourceRequest && fin.resource === 'namespaces' && fin.subresource === 'finalize' && fin.verb === 'update');
});

test('watch comes from the query or the deprecated /watch/ prefix; delete without a name is deletecollection', () => {
  const w = parseRequestInfo('GET', '/api/v1/namespaces/demo/pods', true);
  assert.ok(w.isResourceRequest && w.verb === 'watch');
  const old = parseRequestInfo('GET', '/api/v1/watch/namespaces/demo/pods/p1', false);
  assert.ok(old.isResourceRequest && old.verb === 'watch' && old.name === 'p1' && old.watchPath);
  const dc = parseRequestInfo('DELETE', '/api/v1/namespaces/demo/configmaps', false);
  assert.ok(dc.isResourceRequest && dc.verb === 'deletecollection');
});

test('discovery paths, with or without a trailing slash', () => {
  assert.deepEqual(parseRequestInfo('GET', '/apis/', false), { isResourceRequest: false, path: '/apis', discovery: { prefix: 'apis' } });
  assert.deepEqual(parseRequestInfo('GET', '/apis/apps/v1/', false), { isResourceRequest: false, path: '/apis/apps/v1', discovery: { prefix: 'apis', group: 'apps', version: 'v1' } });
  assert.deepEqual(parseRequestInfo('GET', '/api', false), { isResourceRequest: false, path: '/api', discovery: { prefix: 'api' } });
  assert.deepEqual(parseRequestInfo('GET', '/version', false), { isResourceRequest: false, path: '/version' });
});

test('a subresource is one segment; what follows it is kept, raw, for proxies', () => {
  const svc = parseRequestInfo('GET', '/api/v1/namespaces/demo/services/web:80/proxy/a%2Fb/c/', false);
  assert.ok(svc.isResourceRequest);
  assert.deepEqual([svc.resource, svc.name, svc.subresource, svc.subresourcePath, svc.verb], ['services', 'web:80', 'proxy', '/a%2Fb/c/', 'get']);
  const bare = parseRequestInfo('POST', '/api/v1/nodes/n1/proxy', false);
  assert.ok(bare.isResourceRequest && bare.namespace === undefined && bare.subresource === 'proxy' && bare.subresourcePath === '' && bare.verb === 'create');
  const status = parseRequestInfo('GET', '/api/v1/namespaces/demo/pods/p/status', false);
  assert.ok(status.isResourceRequest && status.subresource === 'status' && status.subresourcePath === '');
});
