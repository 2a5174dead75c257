import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLabels, formatLabelSelector, goLabelSelectorDebugString, labelSelectorString, type LabelSelectorLike,
} from './label-selectors.js';

test('formatLabels sorts keys and says <none> when empty', () => {
  assert.equal(formatLabels({ tier: 'web', app: 'shop' }), 'app=shop,tier=web');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});

test('labelSelectorString renders requirements sorted by key', () => {
  const selector = {
    matchLabels: { 'app.kubernetes.io/name': 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['frontend', 'backend'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'Exists' },
    ],
  };
  assert.equal(labelSelectorString(selector), 'app.kubernetes.io/name=web,!canary,env notin (dev),tier in (backend,frontend),zone');
  assert.equal(labelSelectorString(undefined), '');
  assert.equal(labelSelectorString({}), '');
});

test('labelSelectorString rejects what LabelSelectorAsSelector rejects', () => {
  const invalid: LabelSelectorLike[] = [
    { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
    { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
    { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
    { matchLabels: { 'bad key!': 'x' } },
    { matchLabels: { app: 'no spaces allowed' } },
  ];
  for (const selector of invalid) assert.equal(labelSelectorString(selector), undefined, JSON.stringify(selector));
});

test('formatLabelSelector maps empty to <none> and invalid to <error>', () => {
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(null), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Nope' }] }), '<error>');
});

test('goLabelSelectorDebugString mimics the generated Go String()', () => {
  assert.equal(
    goLabelSelectorDebugString({
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }],
    }),
    '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[prod stage],},},}',
  );
});
