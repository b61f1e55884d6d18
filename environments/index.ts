// Every deployable environment, validated. Importing this module throws a ConfigError
// (naming the environment, the service and the field) when any config is invalid.
import { dev } from './dev';
import type { EnvironmentConfig, EnvironmentInput } from './schema';
import { stg } from './stg';
import { parseEnvironment } from './validate';

export const ENVIRONMENT_INPUTS: readonly EnvironmentInput[] = [dev, stg];

export function loadEnvironments(inputs: readonly EnvironmentInput[] = ENVIRONMENT_INPUTS): EnvironmentConfig[] {
  const configs = inputs.map((input) => parseEnvironment(input));
  const names = configs.map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`Two environments are named "${duplicate}"; stack names must be unique.`);
  return configs;
}

export type { EnvironmentConfig, EnvironmentInput, ServiceConfig } from './schema';
export { ConfigError, parseEnvironment } from './validate';
