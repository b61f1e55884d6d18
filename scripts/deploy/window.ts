// When a deploy must wait: a scaling wave, its flexible window and its deadline (the new schedule),
// and, while the legacy schedules still exist (the first takeover), the legacy's runs (00:00 / 09:00 KST).
// A deploy inside a wave's window can leave services at the wrong count or make its deadline post a
// false "no call seen"; a deploy at the legacy's 09:00 KST scale-down leaves every service at 0.
import type { EnvironmentConfig } from '../../environments/schema';
import { wallClock, zoneAbbreviation } from '../../functions/shared/wall-clock';
import { legacyScheduleTimes } from '../schedule/legacy';
import { upcomingDeadlines, upcomingRuns } from '../schedule/occurrences';

export const DEFAULT_WINDOW_MINUTES = 30;
const MINUTE_MS = 60_000;
const LOOKAHEAD_DAYS = 8;

/** A span in which a deploy must not run. */
export interface BusySpan {
  start: number;
  end: number;
  /** What runs then, in the schedule's zone, e.g. `dev scale-up wave 09:00-09:05, deadline 09:20 (Asia/Seoul)`. */
  what: string;
  timezone: string;
}

/**
 * The spans of the new schedule (wave start to deadline) and, with `legacy`, of the legacy's runs
 * (their window): only while the legacy schedules still exist.
 */
export function busySpans(config: EnvironmentConfig, from: Date, { legacy }: { legacy: boolean }): BusySpan[] {
  const { timezone, flexibleWindowMinutes } = config.scheduler;
  const since = new Date(from.getTime() - config.slackNotifier.waveGraceMinutes * MINUTE_MS - MINUTE_MS);
  const deadlines = upcomingDeadlines(config, since, LOOKAHEAD_DAYS);
  const waves: BusySpan[] = deadlines.map((d) => ({
    start: d.wave.at.getTime(),
    end: d.at.getTime() + MINUTE_MS, // the deadline's minute
    what: `${config.name} ${d.action} wave ${d.wave.localTime}${flexibleWindowMinutes > 0 ? ` (+${flexibleWindowMinutes} min window)` : ''}, deadline ${d.localTime} (${timezone})`,
    timezone,
  }));
  if (!legacy) return waves;
  const times = legacyScheduleTimes();
  const legacyRuns: BusySpan[] = upcomingRuns(times, since, LOOKAHEAD_DAYS).map((run) => ({
    start: run.at.getTime(),
    end: run.at.getTime() + Math.max(1, run.windowMinutes) * MINUTE_MS,
    what: `legacy ${run.action} ${run.localTime} (+${run.windowMinutes} min window, ${times.timezone}; until the first apply replaces it)`,
    timezone: times.timezone,
  }));
  return [...waves, ...legacyRuns].sort((a, b) => a.start - b.start);
}

export interface WindowVerdict {
  /** The spans that fall inside [now, now + minutes]. */
  conflicts: BusySpan[];
  /** The first moment from which the next `minutes` are free. */
  nextSafe: Date;
}

/** Whether the next `minutes` are free of every span, and if not, when they are. */
export function checkWindow(spans: BusySpan[], now: Date, minutes: number): WindowVerdict {
  const overlapping = (start: number) => spans.filter((s) => s.start < start + minutes * MINUTE_MS && s.end > start);
  const conflicts = overlapping(now.getTime());
  let candidate = now.getTime();
  for (let hits = conflicts; hits.length > 0; hits = overlapping(candidate)) {
    candidate = Math.max(...hits.map((s) => s.end));
  }
  return { conflicts, nextSafe: new Date(candidate) };
}

/** `2026-11-30 09:21 KST (Asia/Seoul) = 2026-11-30 00:21 UTC`. */
export function localAndUtc(at: Date, timezone: string): string {
  const local = wallClock(at.getTime(), timezone);
  const zone = zoneAbbreviation(timezone);
  return `${local.date} ${local.time} ${zone ? `${zone} (${timezone})` : timezone} = ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
