// Every deployable environment, validated. Importing this module throws a ConfigError
// (naming the environment, the service and the field) when any config is invalid.
import { dev } from './dev';
import type { EnvironmentConfig, EnvironmentInput } from './schema';
import { stg } from './stg';
import { ConfigError, parseEnvironment } from './validate';

export const ENVIRONMENT_INPUTS: readonly EnvironmentInput[] = [dev, stg];

export function loadEnvironments(inputs: readonly EnvironmentInput[] = ENVIRONMENT_INPUTS): EnvironmentConfig[] {
  const configs = inputs.map((input) => parseEnvironment(input));
  const names = configs.map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) {
    throw new ConfigError(duplicate, [
      `name: two environments are named "${duplicate}"; each needs its own name (it is the stack name)`,
    ]);
  }
  return configs;
}

export type { EnvironmentConfig, EnvironmentInput, ServiceConfig, ServiceInput } from './schema';
export { ConfigError, parseEnvironment } from './validate';
