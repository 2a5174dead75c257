import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withAvailable, type ApiService } from './api-service-types.js';

const api = (conditions: NonNullable<ApiService['status']>['conditions']): ApiService => ({ spec: { groupPriorityMinimum: 1, versionPriority: 1 }, status: { conditions } });

test('an unchanged verdict writes nothing', () => {
  const current = api([{ type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed', lastTransitionTime: '2026-01-01T00:00:00Z' }]);
  assert.equal(withAvailable(current, { status: 'True', reason: 'Passed', message: 'all checks passed' }, '2026-02-01T00:00:00Z'), undefined);
});

test('the transition time moves only when the status does', () => {
  const current = api([{ type: 'Available', status: 'False', reason: 'ServiceNotFound', message: 'x', lastTransitionTime: '2026-01-01T00:00:00Z' }]);
  const sameStatus = withAvailable(current, { status: 'False', reason: 'MissingEndpoints', message: 'y' }, '2026-02-01T00:00:00Z');
  assert.equal(sameStatus?.conditions?.[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(sameStatus?.conditions?.[0]?.reason, 'MissingEndpoints');
  const flipped = withAvailable(current, { status: 'True', reason: 'Passed', message: 'all checks passed' }, '2026-02-01T00:00:00Z');
  assert.deepEqual(flipped?.conditions, [{ type: 'Available', status: 'True', lastTransitionTime: '2026-02-01T00:00:00Z', reason: 'Passed', message: 'all checks passed' }]);
});
