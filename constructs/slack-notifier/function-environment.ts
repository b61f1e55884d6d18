// Environment variables of the slack-notifier function; the local invoke script uses them too.
import type { EnvironmentConfig } from '../../environments/schema';

export function slackNotifierEnvironment(config: EnvironmentConfig, secretId: string): Record<string, string> {
  return {
    ENVIRONMENT: config.name,
    TIMEZONE: config.scheduler.timezone,
    SLACK_WEBHOOK_SECRET_ID: secretId,
    POWERTOOLS_SERVICE_NAME: 'slack-notifier',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}
