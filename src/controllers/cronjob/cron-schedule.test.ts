import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CronJob } from '../../machinery/api-types.js';
import { parseCronSchedule, parseGoDurationMs } from './cron-schedule.js';
import { mostRecentScheduleTime, nextScheduleDelayMs } from './schedule-times.js';
import { formatRfc3339In } from './time-zones.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function nextTimes(spec: string, from: string, n = 3): (string | undefined)[] {
  const s = parseCronSchedule(spec);
  const out: (string | undefined)[] = [];
  let t: number | undefined = at(from);
  for (let i = 0; i < n && t !== undefined; i++) out.push(iso((t = s.next(t))));
  return out;
}

test('five fields, strictly after the given time', () => {
  assert.deepEqual(nextTimes('*/15 * * * *', '2026-01-01T00:00:00Z'), ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z']);
  assert.deepEqual(nextTimes('*/15 * * * *', '2026-01-01T00:14:59.900Z', 1), ['2026-01-01T00:15:00.000Z']);
  assert.deepEqual(nextTimes('0 0 * * MON-FRI', '2026-01-02T12:00:00Z', 2), ['2026-01-05T00:00:00.000Z', '2026-01-06T00:00:00.000Z']);
  // Day of month and day of week both restricted: either matches.
  assert.deepEqual(nextTimes('0 0 13 * FRI', '2026-02-01T00:00:00Z', 3), ['2026-02-06T00:00:00.000Z', '2026-02-13T00:00:00.000Z', '2026-02-20T00:00:00.000Z']);
});

test('descriptors are robfig/cron\'s five-field schedules', () => {
  assert.deepEqual(nextTimes('@hourly', '2026-01-01T00:30:00Z', 1), ['2026-01-01T01:00:00.000Z']);
  assert.deepEqual(nextTimes('@midnight', '2026-01-01T00:30:00Z', 1), ['2026-01-02T00:00:00.000Z']);
  assert.deepEqual(nextTimes('@weekly', '2026-01-01T00:30:00Z', 1), ['2026-01-04T00:00:00.000Z']);
  assert.deepEqual(nextTimes('@monthly', '2026-01-01T00:30:00Z', 1), ['2026-02-01T00:00:00.000Z']);
  assert.deepEqual(nextTimes('@annually', '2026-01-01T00:30:00Z', 1), ['2027-01-01T00:00:00.000Z']);
  assert.throws(() => parseCronSchedule('@fortnightly'), /unrecognized descriptor: @fortnightly/);
});

test('@every: whole seconds from the last whole second', () => {
  assert.deepEqual(nextTimes('@every 1m30s', '2026-01-01T00:00:00.700Z', 2), ['2026-01-01T00:01:30.000Z', '2026-01-01T00:03:00.000Z']);
  assert.deepEqual(nextTimes('@every 10ms', '2026-01-01T00:00:00Z', 1), ['2026-01-01T00:00:01.000Z']);
  assert.equal(parseGoDurationMs('1.5h'), 5_400_000);
  assert.equal(parseGoDurationMs('300ms'), 300);
  assert.equal(parseGoDurationMs('5'), undefined);
});

test('a TZ= prefix reads the fields in that zone', () => {
  assert.deepEqual(nextTimes('TZ=Asia/Tokyo 0 9 * * *', '2026-01-01T00:00:00Z', 1), ['2026-01-02T00:00:00.000Z']);
  assert.deepEqual(nextTimes('CRON_TZ=America/New_York 0 9 * * *', '2026-07-01T00:00:00Z', 1), ['2026-07-01T13:00:00.000Z']);
  assert.throws(() => parseCronSchedule('TZ=Nowhere/City 0 9 * * *'), /provided bad location Nowhere\/City/);
});

test('a day no month has never comes', () => {
  assert.equal(parseCronSchedule('0 0 31 2 *').next(at('2026-01-01T00:00:00Z')), undefined);
  const cj = { metadata: { creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { schedule: '0 0 31 2 *' } } as unknown as CronJob;
  const r = mostRecentScheduleTime(cj, at('2026-06-01T00:00:00Z'), parseCronSchedule('0 0 31 2 *'), true);
  assert.equal(r.error, 'time difference between two schedules is less than 1 second');
});

test('most recent schedule time and missed schedules', () => {
  const cj = (extra: Record<string, unknown> = {}) =>
    ({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { schedule: '* * * * *', ...extra }, status: {} }) as unknown as CronJob;
  const every = parseCronSchedule('* * * * *');
  assert.deepEqual(mostRecentScheduleTime(cj(), at('2026-01-01T00:00:30Z'), every, true), { earliest: at('2026-01-01T00:00:00Z'), missed: 'none' });
  assert.deepEqual(mostRecentScheduleTime(cj(), at('2026-01-01T00:01:30Z'), every, true), {
    earliest: at('2026-01-01T00:00:00Z'),
    mostRecent: at('2026-01-01T00:01:00Z'),
    missed: 'none',
  });
  const late = mostRecentScheduleTime(cj(), at('2026-01-01T03:00:10Z'), every, true);
  assert.equal(iso(late.mostRecent), '2026-01-01T03:00:00.000Z');
  assert.equal(late.missed, 'many');
  const withDeadline = mostRecentScheduleTime(cj({ startingDeadlineSeconds: 120 }), at('2026-01-01T03:00:10Z'), every, true);
  assert.equal(withDeadline.missed, 'few');
  // 100 ms after the next minute.
  assert.equal(nextScheduleDelayMs(cj(), at('2026-01-01T00:00:30Z'), every), 30_100);
});

test('the scheduled-timestamp annotation is RFC 3339 in the CronJob\'s zone', () => {
  assert.equal(formatRfc3339In(at('2026-01-02T00:00:00Z'), 'UTC'), '2026-01-02T00:00:00Z');
  assert.equal(formatRfc3339In(at('2026-01-02T00:00:00Z'), 'Asia/Kolkata'), '2026-01-02T05:30:00+05:30');
  assert.equal(formatRfc3339In(at('2026-07-02T00:00:00Z'), 'America/New_York'), '2026-07-01T20:00:00-04:00');
  assert.equal(formatRfc3339In(at('2026-01-02T00:00:00Z'), 'Europe/London'), '2026-01-02T00:00:00Z');
});
