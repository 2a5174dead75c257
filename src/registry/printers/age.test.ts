import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, humanDuration } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration follows duration.HumanDuration', () => {
  const cases: Array<[number, string]> = [
    [-2500, '<invalid>'],
    [-1500, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 5 * S, '3m5s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 25 * M, '3h25m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [3 * 365 * D + 10 * D, '3y10d'],
    [8 * 365 * D + 100 * D, '8y'],
  ];
  for (const [ms, expected] of cases) assert.equal(humanDuration(ms), expected, `${ms}ms`);
});

test('formatAge measures from a timestamp to the given now', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(formatAge('2024-05-01T11:57:00Z', now), '3m');
  assert.equal(formatAge(new Date('2024-04-29T09:00:00Z'), now), '2d3h');
  assert.equal(formatAge('2021-05-02T12:00:00Z', now), '3y');
  assert.equal(formatAge('2021-05-01T12:00:00Z', now), '3y1d', 'the span covers 29 February 2024');
  assert.equal(formatAge('2024-05-01T12:00:01Z', now), '0s', 'a second in the future is clock skew');
  assert.equal(formatAge('2024-05-01T12:00:05Z', now), '<invalid>');
  assert.equal(formatAge('1824-05-01T12:00:00Z', now), '200y', 'only Go zero time is unset, not merely old times');
});

test('formatAge says <unknown> for an unset time, including Go zero time', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  for (const value of [undefined, '', '0001-01-01T00:00:00Z', 'not a time']) {
    assert.equal(formatAge(value, now), '<unknown>', String(value));
  }
});
