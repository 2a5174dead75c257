import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMicroTime, parseTime } from './go-time.js';

test('metav1.Time is stored as UTC RFC 3339 with second precision', () => {
  const cases: [string, string | null][] = [
    ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00Z'],
    ['2024-05-01T12:00:00.987654321Z', '2024-05-01T12:00:00Z'],
    ['2024-05-01T12:00:00,5-00:30', '2024-05-01T12:30:00Z'],
    ['2024-05-01T1:02:03Z', '2024-05-01T01:02:03Z'], // Go accepts a one-digit hour
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['0001-01-01T00:00:00Z', null], // the zero time encodes as null
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseTime(input), { ok: true, value: expected }, input);
});

test('bad times report Go time.Parse errors', () => {
  const layout = '"2006-01-02T15:04:05Z07:00"';
  const cases: [string, string][] = [
    ['yesterday', `parsing time "yesterday" as ${layout}: cannot parse "yesterday" as "2006"`],
    ['2024-05-01', `parsing time "2024-05-01" as ${layout}: cannot parse "" as "T"`],
    ['2024-05-01 12:00:00Z', `parsing time "2024-05-01 12:00:00Z" as ${layout}: cannot parse " 12:00:00Z" as "T"`],
    ['2024-5-01T12:00:00Z', `parsing time "2024-5-01T12:00:00Z" as ${layout}: cannot parse "5-01T12:00:00Z" as "01"`],
    ['2024-05-01T12:00:00', `parsing time "2024-05-01T12:00:00" as ${layout}: cannot parse "" as "Z07:00"`],
    ['2024-05-01T12:00:00+0200', `parsing time "2024-05-01T12:00:00+0200" as ${layout}: cannot parse "+0200" as "Z07:00"`],
    ['2024-13-01T12:00:00Z', 'parsing time "2024-13-01T12:00:00Z": month out of range'],
    ['2023-02-29T12:00:00Z', 'parsing time "2023-02-29T12:00:00Z": day out of range'],
    ['2024-05-01T24:00:00Z', 'parsing time "2024-05-01T24:00:00Z": hour out of range'],
    ['2024-05-01T12:60:00Z', 'parsing time "2024-05-01T12:60:00Z": minute out of range'],
    ['2024-05-01T12:00:60Z', 'parsing time "2024-05-01T12:00:60Z": second out of range'],
    ['2024-05-01T12:00:00+25:00', 'parsing time "2024-05-01T12:00:00+25:00": time zone offset hour out of range'],
    ['2024-05-01T12:00:00Zjunk', 'parsing time "2024-05-01T12:00:00Zjunk": extra text: "junk"'],
    ['dé', `parsing time "d\\xc3\\xa9" as ${layout}: cannot parse "d\\xc3\\xa9" as "2006"`],
  ];
  for (const [input, message] of cases) assert.deepEqual(parseTime(input), { ok: false, error: message }, input);
});

test('metav1.MicroTime needs exactly six fractional digits', () => {
  assert.deepEqual(parseMicroTime('2024-05-01T12:00:00.123456Z'), { ok: true, value: '2024-05-01T12:00:00.123456Z' });
  assert.deepEqual(parseMicroTime('2024-05-01T14:00:00.000001+02:00'), { ok: true, value: '2024-05-01T12:00:00.000001Z' });
  const layout = '"2006-01-02T15:04:05.000000Z07:00"';
  assert.deepEqual(parseMicroTime('2024-05-01T12:00:00Z'), {
    ok: false,
    error: `parsing time "2024-05-01T12:00:00Z" as ${layout}: cannot parse "Z" as ".000000"`,
  });
  assert.deepEqual(parseMicroTime('2024-05-01T12:00:00.123456789Z'), {
    ok: false,
    error: `parsing time "2024-05-01T12:00:00.123456789Z" as ${layout}: cannot parse "789Z" as "Z07:00"`,
  });
});
