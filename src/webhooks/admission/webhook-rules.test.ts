import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectSelectorMatches, ruleMatches, type RuleTarget } from './webhook-rules.js';

const pods = (subresource = '', operation: RuleTarget['operation'] = 'CREATE'): RuleTarget => ({
  operation,
  resource: { group: '', version: 'v1', resource: 'pods' },
  subresource,
  namespaced: true,
});
const rule = (resources: string[], extra: Record<string, unknown> = {}) => ({ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources, ...extra });

test('resources: "*" is every resource but no subresource; "pods/status", "*/status", "pods/*" and "*/*" reach subresources', () => {
  assert.equal(ruleMatches(rule(['*']), pods()), true);
  assert.equal(ruleMatches(rule(['*']), pods('status')), false);
  assert.equal(ruleMatches(rule(['pods']), pods('status')), false);
  assert.equal(ruleMatches(rule(['pods/status']), pods('status')), true);
  assert.equal(ruleMatches(rule(['pods/status']), pods()), false);
  assert.equal(ruleMatches(rule(['*/status']), pods('status')), true);
  assert.equal(ruleMatches(rule(['*/status']), pods('binding')), false);
  assert.equal(ruleMatches(rule(['pods/*']), pods('eviction')), true);
  assert.equal(ruleMatches(rule(['*/*']), pods('status')), true);
  assert.equal(ruleMatches(rule(['*/*']), pods()), true);
  assert.equal(ruleMatches(rule(['services']), pods()), false);
});

test('operations, groups, versions and scope', () => {
  assert.equal(ruleMatches(rule(['pods']), pods('', 'UPDATE')), false);
  assert.equal(ruleMatches(rule(['pods'], { operations: ['*'] }), pods('', 'DELETE')), true);
  assert.equal(ruleMatches(rule(['pods'], { apiGroups: ['apps'] }), pods()), false);
  assert.equal(ruleMatches(rule(['pods'], { apiVersions: ['v2'] }), pods()), false);
  assert.equal(ruleMatches(rule(['pods'], { apiVersions: ['*'] }), pods()), true);
  assert.equal(ruleMatches(rule(['pods'], { scope: 'Cluster' }), pods()), false);
  assert.equal(ruleMatches(rule(['pods'], { scope: 'Namespaced' }), pods()), true);
  assert.equal(ruleMatches(rule(['pods'], { scope: '*' }), pods()), true);
});

test('objectSelector: the new or the old object\'s labels; no selector selects all', () => {
  const selector = { matchLabels: { app: 'web' } };
  const labelled = (app?: string) => ({ metadata: { labels: (app ? { app } : {}) as Record<string, string> } });
  assert.equal(objectSelectorMatches(undefined, labelled(), undefined), true);
  assert.equal(objectSelectorMatches(selector, labelled('web'), undefined), true);
  assert.equal(objectSelectorMatches(selector, labelled('db'), undefined), false);
  assert.equal(objectSelectorMatches(selector, labelled('db'), labelled('web')), true);
  assert.equal(objectSelectorMatches(selector, undefined, labelled('web')), true);
  assert.equal(objectSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labelled(), undefined), true);
});
