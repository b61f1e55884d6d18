// Configuration from the environment variables the stack sets (constructs/slack-notifier).
// Checked when the handler is built (cold start): a missing or wrong value stops the function with
// an error naming the variable, rather than posting summaries for an "unknown" environment.

export interface Settings {
  /** ENVIRONMENT, e.g. "dev": shown in every summary. */
  environment: string;
  /** TIMEZONE: the IANA zone the summary shows times in (the scheduler's zone). */
  timeZone: string;
  /** WAVES_TABLE: the DynamoDB table that gathers each wave's results. */
  tableName: string;
  /** PAUSED=true: the rollback switch is off; a close request posts nothing (the wave is posted late). */
  paused: boolean;
}

export const DEFAULT_TIME_ZONE = 'Asia/Seoul';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The environment's values, with `overrides` (tests, local runs) taking precedence; then checked. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Settings> = {}): Settings {
  const environment = (overrides.environment ?? env.ENVIRONMENT)?.trim();
  if (!environment) {
    throw new SettingsError('ENVIRONMENT is not set; the stack sets it to the environment name, e.g. "dev"');
  }
  const timeZone = (overrides.timeZone ?? env.TIMEZONE)?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) {
    throw new SettingsError(`TIMEZONE "${timeZone}" is not an IANA time zone such as "Asia/Seoul"`);
  }
  const tableName = (overrides.tableName ?? env.WAVES_TABLE)?.trim();
  if (!tableName) {
    throw new SettingsError(
      'WAVES_TABLE is not set; the stack sets it to the waves table, e.g. "ecs-scheduler-waves-dev"',
    );
  }
  const paused = overrides.paused ?? readPaused(env.PAUSED);
  return { environment, timeZone, tableName, paused };
}

function readPaused(value: string | undefined): boolean {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw new SettingsError(`PAUSED "${text}" must be "true" or "false"; the stack sets it from slackNotifier.enabled`);
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
