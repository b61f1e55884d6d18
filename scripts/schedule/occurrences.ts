// The coming scale-up / scale-down runs of an environment's schedules: each local wall-clock time
// of the configured zone, on the configured weekdays, as the instant EventBridge Scheduler fires it.
// The zone arithmetic is the notifier's own (wave times), so the preview and the waves agree.
import { timeAfter, weekdaySet, type WeeklyTime } from '../../shared/weekly-time';
import type { EnvironmentConfig } from '../../environments/schema';
import { wallClock } from '../../functions/shared/wall-clock';
import { zonedTime } from '../../functions/slack-notifier/waves';

export type Action = 'scale-up' | 'scale-down';

/** What `upcomingRuns` reads of a scheduler config (the legacy's schedule has the same shape). */
export type ScheduleTimes = Pick<
  EnvironmentConfig['scheduler'],
  'timezone' | 'scaleUp' | 'scaleDown' | 'flexibleWindowMinutes'
>;

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
  /** The local time does not exist that day (a DST gap): it runs at the shifted instant shown. */
  dstGap: boolean;
}

const DAY_MS = 86_400_000;

/** Minutes the zone is ahead of UTC on a local date (at noon, clear of DST changes). */
export function utcOffsetMinutes(date: string, timeZone: string): number {
  return (Date.parse(`${date}T12:00:00Z`) - zonedTime(date, '12:00', timeZone)) / 60_000;
}

/** Runs whose window opens in [from, from + days), in time order. */
export function upcomingRuns(scheduler: ScheduleTimes, from: Date, days: number): Run[] {
  const { timezone } = scheduler;
  const waves: [Action, WeeklyTime][] = [
    ['scale-up', scheduler.scaleUp],
    ['scale-down', scheduler.scaleDown],
  ];
  const end = from.getTime() + days * DAY_MS;
  // Local dates from the day before `from` (a zone ahead of UTC starts earlier), in half-day steps
  // so that no date is skipped when a DST change shortens a day.
  const dates = new Set<string>();
  for (let instant = from.getTime() - DAY_MS; instant < end + DAY_MS; instant += DAY_MS / 2) {
    dates.add(wallClock(instant, timezone).date);
  }
  const runs: Run[] = [];
  for (const localDate of dates) {
    const weekday = new Date(`${localDate}T00:00:00Z`).getUTCDay();
    for (const [action, when] of waves) {
      if (!weekdaySet(when.weekdays).has(weekday)) continue;
      const at = zonedTime(localDate, when.time, timezone);
      if (at < from.getTime() || at >= end) continue;
      const clock = wallClock(at, timezone);
      runs.push({
        action,
        localDate,
        weekday,
        localTime: when.time,
        at: new Date(at),
        windowMinutes: scheduler.flexibleWindowMinutes,
        dstGap: clock.date !== localDate || clock.time !== when.time,
      });
    }
  }
  return runs.sort((a, b) => a.at.getTime() - b.at.getTime() || a.action.localeCompare(b.action));
}

/**
 * A wave's deadline run: the notifier's schedule that closes the wave `waveGraceMinutes` after it; or
 * its settle check, `settleCheckMinutes` after that.
 */
export interface DeadlineRun {
  action: Action;
  kind: 'deadline' | 'settle check';
  /** The wave it closes. */
  wave: Run;
  /** Local wall-clock time of the deadline, `HH:MM` (exact: mode OFF). */
  localTime: string;
  at: Date;
}

/**
 * Deadline runs (and, with `kind` 'settle check', the settle checks) in [from, from + days), in time
 * order: each wave's, on the wave's local date.
 */
export function upcomingDeadlines(
  config: EnvironmentConfig,
  from: Date,
  days: number,
  kind: DeadlineRun['kind'] = 'deadline',
): DeadlineRun[] {
  const { waveGraceMinutes, settleCheckMinutes } = config.slackNotifier;
  const after = kind === 'deadline' ? waveGraceMinutes : waveGraceMinutes + settleCheckMinutes;
  // A deadline shortly after `from` can belong to a wave that started before it.
  const waves = upcomingRuns(config.scheduler, new Date(from.getTime() - after * 60_000), days + 1);
  return waves
    .map((wave) => {
      const localTime = timeAfter(wave.localTime, after);
      return {
        action: wave.action,
        kind,
        wave,
        localTime,
        at: new Date(zonedTime(wave.localDate, localTime, config.scheduler.timezone)),
      };
    })
    .filter((d) => d.at >= from && d.at.getTime() < from.getTime() + days * DAY_MS);
}
