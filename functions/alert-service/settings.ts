// Configuration from the environment variables the stack sets on the function.

export const DEFAULT_TIME_ZONE = 'Asia/Seoul';

export interface Settings {
  /** ENVIRONMENT, e.g. "dev"; shown on every message. Empty when unset. */
  environment: string;
  /** IANA zone for 발생 시간 (DISPLAY_TIMEZONE, default Asia/Seoul). */
  displayTimeZone: string;
  /**
   * DELIVERIES_TABLE: the DynamoDB table recording each SNS message's posts, so a retry never posts
   * an alarm again blindly. Unset: alarms are still posted, without that guard (a warning says so).
   */
  deliveriesTable?: string;
}

export interface SettingsResult {
  settings: Settings;
  /** Problems worth a warning log (the function still runs with the defaults). */
  warnings: string[];
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SettingsResult {
  const warnings: string[] = [];
  const requested = env.DISPLAY_TIMEZONE?.trim() || DEFAULT_TIME_ZONE;
  let displayTimeZone = requested;
  if (!isTimeZone(requested)) {
    // A display setting must not stop alarms from reaching Slack: fall back and say so.
    warnings.push(`DISPLAY_TIMEZONE "${requested}" is not an IANA time zone; using ${DEFAULT_TIME_ZONE}`);
    displayTimeZone = DEFAULT_TIME_ZONE;
  }
  const deliveriesTable = env.DELIVERIES_TABLE?.trim() || undefined;
  return {
    settings: {
      environment: env.ENVIRONMENT?.trim() ?? '',
      displayTimeZone,
      ...(deliveriesTable ? { deliveriesTable } : {}),
    },
    warnings,
  };
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
