// Environment variables of the alert-service function (발생 시간 shown in the scheduler's zone, KST).
import type { EnvironmentConfig } from '../../environments/schema';
import { slackFunctionEnvironment } from '../shared/function-environment';
import { cloudwatchNames } from '../../shared/cloudwatch-names';

/** The function's service name (logs, and its metrics' `service` dimension). */
export const ALERT_SERVICE = 'alert-service';

export function alertServiceEnvironment(config: EnvironmentConfig, secretId: string): Record<string, string> {
  return slackFunctionEnvironment(ALERT_SERVICE, config.name, secretId, {
    DISPLAY_TIMEZONE: config.scheduler.timezone,
    DELIVERIES_TABLE: cloudwatchNames(config.cloudwatch, config.name).deliveryTable,
  });
}
