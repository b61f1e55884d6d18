// Local wall-clock times, weekday sets and EventBridge Scheduler cron expressions: shared by the
// constructs, the config rules (environments/) and the slack-notifier function.
// The legacy wrote UTC hours into a cron evaluated in Asia/Seoul, so "09:00"
// fired at 00:00 KST. Here the configured local time goes into the cron as is,
// and `schedule_expression_timezone` says which clock it is.

export interface WeeklyTime {
  /** Local wall-clock time, `HH:MM` (24 h). */
  time: string;
  /** Cron day-of-week field: `MON-FRI`, `MON,WED,FRI`, `*`. */
  weekdays: string;
}

export const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

const DAY = '(SUN|MON|TUE|WED|THU|FRI|SAT)';
const DAY_ITEM = `${DAY}(-${DAY})?`;
export const WEEKDAYS_PATTERN = new RegExp(`^(\\*|${DAY_ITEM}(,${DAY_ITEM})*)$`);

export function parseTime(time: string): { hour: number; minute: number } {
  const match = TIME_PATTERN.exec(time);
  if (!match) throw new Error(`time "${time}" is not HH:MM (24 h)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** `MON-FRI` -> {1,2,3,4,5}; `*` -> every day (0 = Sunday). Ranges may wrap: `FRI-MON`. */
export function weekdaySet(weekdays: string): Set<number> {
  if (!WEEKDAYS_PATTERN.test(weekdays)) throw new Error(`weekdays "${weekdays}" is not a day-of-week list`);
  if (weekdays === '*') return new Set(DAYS.keys());
  const days = new Set<number>();
  for (const item of weekdays.split(',')) {
    const [from, to = from] = item.split('-').map((day) => DAYS.indexOf(day as (typeof DAYS)[number]));
    for (let day = from!; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return days;
}

/** Minutes after midnight. */
export function minuteOfDay(time: string): number {
  const { hour, minute } = parseTime(time);
  return hour * 60 + minute;
}

/** `("09:00", 20)` -> `"09:20"`; the config rules keep the result on the same day. */
export function timeAfter(time: string, minutes: number): string {
  const total = minuteOfDay(time) + minutes;
  if (total >= 24 * 60) throw new Error(`${time} plus ${minutes} min passes midnight`);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** `{time: "09:00", weekdays: "MON-FRI"}` -> `cron(0 9 ? * MON-FRI *)`. */
export function weeklyCron({ time, weekdays }: WeeklyTime): string {
  if (!WEEKDAYS_PATTERN.test(weekdays)) throw new Error(`weekdays "${weekdays}" is not a day-of-week list`);
  const { hour, minute } = parseTime(time);
  return `cron(${minute} ${hour} ? * ${weekdays} *)`;
}
