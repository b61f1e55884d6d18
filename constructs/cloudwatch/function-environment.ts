// Environment variables of the alert-service function; the local invoke script uses them too.
import type { EnvironmentConfig } from '../../environments/schema';

export function alertServiceEnvironment(config: EnvironmentConfig, secretId: string): Record<string, string> {
  return {
    ENVIRONMENT: config.name,
    DISPLAY_TIMEZONE: config.scheduler.timezone,
    SLACK_WEBHOOK_SECRET_ID: secretId,
    POWERTOOLS_SERVICE_NAME: 'alert-service',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}
