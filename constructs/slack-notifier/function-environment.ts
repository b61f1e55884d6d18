// Environment variables of the slack-notifier function.
import type { EnvironmentConfig } from '../../environments/schema';
import { slackFunctionEnvironment } from '../shared/function-environment';

export function slackNotifierEnvironment(config: EnvironmentConfig, secretId: string): Record<string, string> {
  return slackFunctionEnvironment('slack-notifier', config.name, secretId, { TIMEZONE: config.scheduler.timezone });
}
