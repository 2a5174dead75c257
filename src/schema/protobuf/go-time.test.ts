import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoDuration, formatMicroTime, formatTime, parseGoDuration, parseRfc3339 } from './go-time.js';

test('Time and MicroTime print UTC RFC 3339 like Go', () => {
  assert.equal(formatTime(1714557600), '2024-05-01T10:00:00Z');
  assert.equal(formatTime(0), '1970-01-01T00:00:00Z');
  assert.equal(formatMicroTime(1714557600, 5_000), '2024-05-01T10:00:00.000005Z');
  assert.equal(formatMicroTime(1714557600, 999_999_999), '2024-05-01T10:00:00.999999Z');
});

test('RFC 3339 parsing honours offsets and fractions', () => {
  assert.deepEqual(parseRfc3339('2024-05-01T10:00:00Z'), { seconds: 1714557600, nanos: 0 });
  assert.deepEqual(parseRfc3339('2024-05-01T12:00:00+02:00'), { seconds: 1714557600, nanos: 0 });
  assert.deepEqual(parseRfc3339('2024-05-01T10:00:00.123456Z'), { seconds: 1714557600, nanos: 123456000 });
  assert.equal(parseRfc3339('2024-05-01 nonsense'), undefined);
  assert.equal(parseRfc3339('yesterday'), undefined);
});

test('durations print and parse like Go time.Duration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1500, '1.5µs'],
    [2_000_000, '2ms'],
    [1_500_000_000, '1.5s'],
    [90e9, '1m30s'],
    [3600e9, '1h0m0s'],
    [-5e9, '-5s'],
  ];
  for (const [nanos, text] of cases) {
    assert.equal(formatGoDuration(nanos), text);
    assert.equal(parseGoDuration(text), nanos);
  }
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('300ms'), 300e6);
  assert.equal(parseGoDuration('5'), undefined);
  assert.equal(parseGoDuration('abc'), undefined);
});
