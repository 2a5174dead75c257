import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnosis, fitErrorMessage } from './fit-error.js';
import { unresolvable, unschedulable } from './framework.js';

test('the per-node reasons become a histogram sorted as strings ("10 …" before "2 …"), every reason of a node counted', () => {
  const d = new Diagnosis();
  for (let i = 0; i < 10; i++) d.nodeStatuses.set(`cpu-${i}`, unschedulable('Insufficient cpu', 'Insufficient memory'));
  d.nodeStatuses.set('tainted-1', unresolvable('node(s) had untolerated taint(s)'));
  d.nodeStatuses.set('tainted-2', unresolvable('node(s) had untolerated taint(s)'));
  assert.equal(
    fitErrorMessage(12, d),
    '0/12 nodes are available: 10 Insufficient cpu, 10 Insufficient memory, 2 node(s) had untolerated taint(s).',
  );
});

test('nodes without a status of their own take the absent status; the PostFilter message follows', () => {
  const d = new Diagnosis();
  d.nodeStatuses.set('n1', unschedulable('Insufficient cpu'));
  d.absentStatus = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  d.postFilterMessage = 'no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.';
  assert.equal(
    fitErrorMessage(4, d),
    "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
  );
});

test('a PreFilter rejection replaces the histogram', () => {
  const d = new Diagnosis();
  d.absentStatus = unresolvable('pod affinity terms conflict');
  d.preFilterMessage = 'pod affinity terms conflict';
  d.postFilterMessage = 'not found';
  assert.equal(fitErrorMessage(3, d), '0/3 nodes are available: pod affinity terms conflict. not found');
});
