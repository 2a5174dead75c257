import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRule, nonResourceRuleAllows, resourceRuleAllows } from './policy-rules.js';

const pods = { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'default', name: 'web' };

test('verbs, groups and resources match exactly or through *', () => {
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }), pods), true);
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), pods), true);
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['list'], apiGroups: [''], resources: ['pods'] }), pods), false);
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }), pods), false);
});

test('a subresource needs resource/subresource or */subresource; the resource alone does not cover it', () => {
  const log = { ...pods, subresource: 'log' };
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }), log), false);
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }), log), true);
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }), log), true);
  assert.equal(resourceRuleAllows(compileRule({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }), pods), false);
});

test('resourceNames cover only requests naming one of them (never a list or a create)', () => {
  const named = compileRule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] });
  assert.equal(resourceRuleAllows(named, pods), true);
  assert.equal(resourceRuleAllows(named, { ...pods, name: 'db' }), false);
  assert.equal(resourceRuleAllows(named, { ...pods, verb: 'list', name: undefined }), false);
});

test('non-resource URLs: exact, *, or a prefix ending in *', () => {
  const rule = compileRule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] });
  assert.equal(nonResourceRuleAllows(rule, { verb: 'get', path: '/healthz' }), true);
  assert.equal(nonResourceRuleAllows(rule, { verb: 'get', path: '/healthz/etcd' }), false);
  assert.equal(nonResourceRuleAllows(rule, { verb: 'get', path: '/apis/apps/v1' }), true);
  assert.equal(nonResourceRuleAllows(rule, { verb: 'post', path: '/healthz' }), false);
  assert.equal(nonResourceRuleAllows(compileRule({ verbs: ['*'], nonResourceURLs: ['*'] }), { verb: 'delete', path: '/x' }), true);
});
