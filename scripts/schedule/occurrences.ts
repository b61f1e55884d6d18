// The coming scale-up / scale-down runs of an environment's schedules: each local wall-clock time
// of the configured zone, on the configured weekdays, as the instant EventBridge Scheduler fires it.
import { parseTime, weekdaySet, type WeeklyTime } from '../../constructs/ecs-scheduler/cron';
import type { EnvironmentConfig } from '../../environments/schema';

export type Action = 'scale-up' | 'scale-down';

export interface Run {
  action: Action;
  /** Local date `YYYY-MM-DD` and weekday (0 = Sunday) in the schedule's zone. */
  localDate: string;
  weekday: number;
  /** The configured wall-clock time, `HH:MM`. */
  localTime: string;
  /** The instant the window opens. */
  at: Date;
  windowMinutes: number;
  /** The local time does not exist that day (a DST gap): Scheduler runs it at the shifted instant shown. */
  dstGap: boolean;
}

const DAY_MS = 86_400_000;

/** Minutes the zone is ahead of UTC at an instant. */
export function utcOffsetMinutes(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute);
  return Math.round((asUtc - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/** The instant of a local wall-clock time in a zone (two passes settle the offset, DST included). */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  time: string,
  timeZone: string,
): { at: Date; exists: boolean } {
  const { hour, minute } = parseTime(time);
  const naive = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  let at = naive - utcOffsetMinutes(naive, timeZone) * 60_000;
  at = naive - utcOffsetMinutes(at, timeZone) * 60_000;
  const back = new Date(at + utcOffsetMinutes(at, timeZone) * 60_000);
  const exists = back.getUTCHours() === hour && back.getUTCMinutes() === minute;
  return { at: new Date(at), exists };
}

/** The local calendar date of an instant in a zone. */
function localDateOf(instant: number, timeZone: string): { year: number; month: number; day: number } {
  const shifted = new Date(instant + utcOffsetMinutes(instant, timeZone) * 60_000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Runs whose window opens in [from, from + days), in time order. */
export function upcomingRuns(scheduler: EnvironmentConfig['scheduler'], from: Date, days: number): Run[] {
  const { timezone } = scheduler;
  const waves: [Action, WeeklyTime][] = [
    ['scale-up', scheduler.scaleUp],
    ['scale-down', scheduler.scaleDown],
  ];
  const end = from.getTime() + days * DAY_MS;
  const runs: Run[] = [];
  // Walk local calendar days from the day before `from` (a zone ahead of UTC starts earlier), in
  // half-day steps so that no date is skipped when a DST change shortens a day.
  const dates = new Map<string, { year: number; month: number; day: number }>();
  for (let instant = from.getTime() - DAY_MS; instant < end + DAY_MS; instant += DAY_MS / 2) {
    const date = localDateOf(instant, timezone);
    dates.set(iso(date), date);
  }
  for (const date of dates.values()) {
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    for (const [action, when] of waves) {
      if (!weekdaySet(when.weekdays).has(weekday)) continue;
      const { at, exists } = zonedInstant(date, when.time, timezone);
      if (at.getTime() < from.getTime() || at.getTime() >= end) continue;
      runs.push({
        action,
        localDate: iso(date),
        weekday,
        localTime: when.time,
        at,
        windowMinutes: scheduler.flexibleWindowMinutes,
        dstGap: !exists,
      });
    }
  }
  return runs.sort((a, b) => a.at.getTime() - b.at.getTime() || a.action.localeCompare(b.action));
}
