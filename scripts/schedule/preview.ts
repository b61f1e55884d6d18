// The schedule preview of one environment: its runs, its wave deadlines and settle checks, and the
// time-zone warnings.
import type { EnvironmentConfig } from '../../environments/schema';
import { upcomingDeadlines, upcomingRuns } from './occurrences';
import type { SchedulePreview } from './render';
import { timeZoneWarnings } from './warnings';

export function schedulePreview(config: EnvironmentConfig, from: Date, days: number): SchedulePreview {
  return {
    config,
    from,
    days,
    runs: upcomingRuns(config.scheduler, from, days),
    deadlines: [...upcomingDeadlines(config, from, days), ...upcomingDeadlines(config, from, days, 'settle check')],
    warnings: timeZoneWarnings(config.scheduler, from),
  };
}
