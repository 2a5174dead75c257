// Which scheduled time a CronJob should run now, and when to look again (the cronjob controller's
// mostRecentScheduleTime and nextScheduleTimeDuration). Times missed while the controller was
// away are not run one by one: only the most recent is, and more than 100 missed ones are
// reported. startingDeadlineSeconds moves the earliest time considered up to now minus the deadline.
import type { CronJob } from '../../machinery/api-types.js';
import type { CronSchedule } from './cron-schedule.js';

/** Added to every wait, against clock skew between the controller and the API server. */
export const nextScheduleDeltaMs = 100;

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecent {
  /** lastScheduleTime, or the creation time, or now minus the starting deadline. */
  earliest: number;
  /** The latest scheduled time not after now, if there is one since `earliest`. */
  mostRecent?: number;
  missed: MissedSchedules;
  /** A schedule that parses but never comes twice a second apart (31 February). */
  error?: string;
}

export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: CronSchedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = Date.parse(cj.metadata?.creationTimestamp ?? '') || 0;
  if (cj.status?.lastScheduleTime) earliest = Date.parse(cj.status.lastScheduleTime);
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);

  const t1 = schedule.next(earliest);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: 'none' };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: 'none' };

  const between = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  // A rough count: how many intervals of the first two fit between them and now.
  const elapsed = Math.trunc((now - t1!) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // Start one interval early and let the schedule find the real times (irregular schedules).
  const potentialEarliest = t1! + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** How long until the next scheduled time, plus the skew allowance; undefined when it never comes. */
export function nextScheduleDelayMs(cj: CronJob, now: number, schedule: CronSchedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent === undefined) from = r.missed === 'none' ? r.earliest : now;
  else from = r.mostRecent;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + nextScheduleDeltaMs - now;
}
