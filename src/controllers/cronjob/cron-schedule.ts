// CronJob schedules as the controller reads them with github.com/robfig/cron/v3 ParseStandard: five
// fields (minute hour day-of-month month day-of-week, names and ? allowed), the descriptors
// @yearly @annually @monthly @weekly @daily @midnight @hourly, "@every <Go duration>", and an
// optional "TZ=<zone> " or "CRON_TZ=<zone> " prefix (which is how spec.timeZone reaches the parser).
// Field schedules are computed by cron-parser; what robfig does differently is handled here.
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { isKnownTimeZone } from './time-zones.js';

export interface CronSchedule {
  /** The first activation strictly after `after` (ms), or undefined when there is none. */
  next(after: number): number | undefined;
}

export class CronScheduleError extends Error {}

// robfig spells the descriptors out as these five-field schedules.
const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export function parseCronSchedule(text: string): CronSchedule {
  let spec = text.trim();
  let timeZone = 'UTC';
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    if (!isKnownTimeZone(zone)) throw new CronScheduleError(`provided bad location ${zone}: unknown time zone ${zone}`);
    timeZone = zone;
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec === '') throw new CronScheduleError('empty spec string');
  if (spec.startsWith('@every ')) return everySchedule(spec.slice('@every '.length));
  if (spec.startsWith('@')) {
    const fields = descriptors[spec];
    if (!fields) throw new CronScheduleError(`unrecognized descriptor: ${spec}`);
    spec = fields;
  }
  const fieldCount = spec.split(/\s+/).length;
  if (fieldCount !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${fieldCount}: [${spec.split(/\s+/).join(' ')}]`);
  let expression: CronExpression;
  try {
    expression = CronExpressionParser.parse(spec, { tz: timeZone, currentDate: new Date(0) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // robfig accepts a day that no month has ("0 0 30 2 *") and then never finds a next time.
    if (/day of month/i.test(message)) return { next: () => undefined };
    throw new CronScheduleError(message);
  }
  return {
    next(after) {
      try {
        expression.reset(new Date(after));
        return expression.next().getTime();
      } catch {
        return undefined; // no activation within the library's search horizon
      }
    },
  };
}

/** robfig's ConstantDelaySchedule: whole seconds, at least one, counted from the last whole second. */
function everySchedule(durationText: string): CronSchedule {
  const ms = parseGoDurationMs(durationText);
  if (ms === undefined) throw new CronScheduleError(`failed to parse duration @every ${durationText}: time: invalid duration ${JSON.stringify(durationText)}`);
  const delay = ms < 1000 ? 1000 : ms - (ms % 1000);
  return { next: (after) => Math.floor(after / 1000) * 1000 + delay };
}

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("1h30m", "1.5s", "300ms"), in milliseconds. */
export function parseGoDurationMs(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]+)/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const factor = unitMs[m[3]!];
    if (factor === undefined) return undefined;
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * factor;
    s = s.slice(m[0].length);
  }
  return sign * total;
}
