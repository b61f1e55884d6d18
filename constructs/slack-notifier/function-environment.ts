// Environment variables of the slack-notifier function.
import type { EnvironmentConfig } from '../../environments/schema';
import { slackFunctionEnvironment } from '../shared/function-environment';
import { notifierNames } from './names';

/** A few short values: the services each wave expects travel in the zip (wave-manifest.ts). */
/** The function's service name (logs, and its metrics' `service` dimension). */
export const NOTIFIER_SERVICE = 'slack-notifier';

export function slackNotifierEnvironment(config: EnvironmentConfig, secretId: string): Record<string, string> {
  return slackFunctionEnvironment(NOTIFIER_SERVICE, config.name, secretId, {
    TIMEZONE: config.scheduler.timezone,
    WAVES_TABLE: notifierNames(config.namePrefix, config.name).waveTable,
    // The rollback switch: a close request that still arrives (an async retry) posts nothing.
    PAUSED: String(!config.slackNotifier.enabled),
  });
}
