// The legacy scheduler's runs, from its cron expressions as its HCL wrote them: UTC hours in a
// schedule evaluated in Asia/Seoul, so "scale up at 09:00" fired at 00:00 KST and "scale down at
// 18:00" at 09:00 KST, Monday to Friday, each within a 5-minute flexible window.
import type { WeeklyTime } from '../../shared/weekly-time';
import type { ScheduleTimes } from './occurrences';

export const LEGACY_CRON = {
  timezone: 'Asia/Seoul',
  scaleUp: 'cron(0 0 ? * MON-FRI *)',
  scaleDown: 'cron(0 9 ? * MON-FRI *)',
  flexibleWindowMinutes: 5,
} as const;

/** `cron(M H ? * DAYS *)` -> `{time: "HH:MM", weekdays: DAYS}`; other forms are not the legacy's. */
export function weeklyTimeOfCron(expression: string): WeeklyTime {
  const match = /^cron\((\d{1,2}) (\d{1,2}) \? \* (\S+) \*\)$/.exec(expression);
  if (!match) throw new Error(`${expression} is not a weekly cron(M H ? * DAYS *) expression`);
  const pad = (n: string) => n.padStart(2, '0');
  return { time: `${pad(match[2]!)}:${pad(match[1]!)}`, weekdays: match[3]! };
}

/** The legacy's schedule times, for `upcomingRuns`. */
export function legacyScheduleTimes(): ScheduleTimes {
  return {
    timezone: LEGACY_CRON.timezone,
    scaleUp: weeklyTimeOfCron(LEGACY_CRON.scaleUp),
    scaleDown: weeklyTimeOfCron(LEGACY_CRON.scaleDown),
    flexibleWindowMinutes: LEGACY_CRON.flexibleWindowMinutes,
  };
}
