import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../machinery/api-types.js';
import { matchesRequiredNodeAffinity, preferredNodeAffinityScore, termMatches } from './node-affinity.js';

const node: Node = { metadata: { name: 'n1', labels: { zone: 'a', cores: '16' } } };

test('expressions: In, NotIn, Exists, DoesNotExist, Gt and Lt (integers only)', () => {
  const match = (key: string, operator: string, values?: string[]) => termMatches({ matchExpressions: [{ key, operator, values }] }, node);
  assert.ok(match('zone', 'In', ['a', 'b']));
  assert.ok(!match('zone', 'NotIn', ['a']));
  assert.ok(match('gpu', 'NotIn', ['yes']));
  assert.ok(match('zone', 'Exists'));
  assert.ok(match('gpu', 'DoesNotExist'));
  assert.ok(match('cores', 'Gt', ['8']));
  assert.ok(!match('cores', 'Lt', ['8']));
  assert.ok(!match('zone', 'Gt', ['1']), 'a label that is not an integer never compares');
});

test('matchFields name metadata.name; an empty term matches nothing', () => {
  assert.ok(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, node));
  assert.ok(!termMatches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }, node));
  assert.ok(!termMatches({ matchFields: [{ key: 'metadata.namespace', operator: 'In', values: ['n1'] }] }, node));
  assert.ok(!termMatches({}, node));
});

test('nodeSelector and required terms must both match; terms are ORed; preferred terms add their weights', () => {
  const pod: Pod = {
    spec: {
      containers: [],
      nodeSelector: { zone: 'a' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }, { matchExpressions: [{ key: 'cores', operator: 'Exists' }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 7, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
            { weight: 9, preference: {} },
          ],
        },
      },
    },
  };
  assert.ok(matchesRequiredNodeAffinity(pod, node));
  assert.ok(!matchesRequiredNodeAffinity({ spec: { ...pod.spec!, nodeSelector: { zone: 'b' } } }, node));
  assert.equal(preferredNodeAffinityScore(pod, node), 5);
});
