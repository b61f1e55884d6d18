// Wall-clock time in an IANA zone, by Intl (no fixed offsets), for every message shown to people.

export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM (24 h) */
  time: string;
  /** SS */
  seconds: string;
  /** Intl's short zone name, e.g. "GMT+9", "GMT+1". */
  zoneName: string;
}

/** Names people use for the zones this project shows; Intl only knows "GMT+9" for Seoul. */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  'Asia/Seoul': 'KST',
  'Asia/Tokyo': 'JST',
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

export function wallClock(epochMs: number, timeZone: string): WallClock {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(epochMs).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    seconds: parts.second ?? '00',
    zoneName: parts.timeZoneName ?? timeZone,
  };
}

/** "KST" for the zones people name that way, else undefined. */
export function zoneAbbreviation(timeZone: string): string | undefined {
  return ZONE_ABBREVIATIONS[timeZone];
}
