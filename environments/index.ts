// Every deployable environment, validated. Importing this module throws a ConfigError
// (naming the environment, the service and the field) when any config is invalid.
import { dev } from './dev';
import type { EnvironmentConfig, EnvironmentInput } from './schema';
import { stg } from './stg';
import { ConfigError, parseEnvironment } from './validate';

export const ENVIRONMENT_INPUTS: readonly EnvironmentInput[] = [dev, stg];

/** The environments, validated; a ConfigError reports every wrong environment's mistakes, not only the first's. */
export function loadEnvironments(inputs: readonly EnvironmentInput[] = ENVIRONMENT_INPUTS): EnvironmentConfig[] {
  const configs: EnvironmentConfig[] = [];
  const errors: ConfigError[] = [];
  for (const input of inputs) {
    try {
      configs.push(parseEnvironment(input));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new ConfigError(errors);
  const names = configs.map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) {
    throw new ConfigError(duplicate, [
      `name: two environments are named "${duplicate}"; each needs its own name (it is the stack name)`,
    ]);
  }
  const adopting = configs.filter((c) => c.cloudwatch.adoptLegacy);
  if (adopting.length > 1) {
    throw new ConfigError(adopting[1]!.name, [
      `cloudwatch.adoptLegacy: environment "${adopting[0]!.name}" already adopts the legacy cloudwatch resources; one resource must live in one state only, so set adoptLegacy in a single environment`,
    ]);
  }
  return configs;
}

export type { EnvironmentConfig, EnvironmentInput, ServiceConfig, ServiceInput } from './schema';
export { ConfigError, parseEnvironment } from './validate';
