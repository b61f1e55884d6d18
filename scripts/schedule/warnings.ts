// Catches the legacy's time-zone mistake: a UTC hour written where a local wall-clock time belongs
// (`cron(0 0 ...)` with Asia/Seoul fired at 00:00 KST, not 09:00).
import { parseTime } from '../../shared/weekly-time';
import type { EnvironmentConfig } from '../../environments/schema';
import { utcOffsetMinutes } from './occurrences';

const isNight = (minute: number) => minute < 6 * 60 || minute >= 22 * 60;
const isWorkingHours = (minute: number) => minute >= 7 * 60 && minute < 21 * 60;
const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export function timeZoneWarnings(scheduler: EnvironmentConfig['scheduler'], at: Date): string[] {
  const offset = utcOffsetMinutes(at.toISOString().slice(0, 10), scheduler.timezone);
  if (offset === 0 || scheduler.nightTimesIntended) return [];
  const found: string[] = [];
  for (const [field, when] of [
    ['scaleUp', scheduler.scaleUp],
    ['scaleDown', scheduler.scaleDown],
  ] as const) {
    const { hour, minute } = parseTime(when.time);
    const local = hour * 60 + minute;
    const ifItWereUtc = (((local + offset) % 1440) + 1440) % 1440;
    if (isNight(local) && isWorkingHours(ifItWereUtc)) {
      found.push(
        `scheduler.${field}.time "${when.time}" runs at ${when.time} ${scheduler.timezone}, at night. Times are local wall-clock times: ` +
          `if "${when.time}" was meant as UTC, write "${hhmm(ifItWereUtc)}" (the legacy's mistake: cron(0 0 ...) with Asia/Seoul fired at 00:00 KST, not 09:00); ` +
          'if night is meant, set scheduler.nightTimesIntended: true',
      );
    }
  }
  return found;
}
