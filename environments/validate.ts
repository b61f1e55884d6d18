// Validates an environment config and turns zod issues into one readable error
// that names the environment, the service and the field.
import type { z } from 'zod';
import { environmentRules } from './rules';
import { ENVIRONMENT_NAME, environmentSchema, type EnvironmentConfig } from './schema';

export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration for environment "${environment}"${ENVIRONMENT_NAME.test(environment) ? ` (environments/${environment}.ts)` : ''}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee help/configuration.md for every field, its default and its limits.',
    );
    this.name = 'ConfigError';
  }
}

type PathKey = PropertyKey;

function serviceLabel(raw: unknown, index: number): string {
  const services = (raw as { scheduler?: { services?: unknown } } | undefined)?.scheduler?.services;
  const entry = Array.isArray(services) ? (services[index] as { service?: unknown } | undefined) : undefined;
  return typeof entry?.service === 'string' ? ` (service "${entry.service}")` : '';
}

/** `['scheduler','services',3,'upCount']` -> `scheduler.services[3] (service "python-api").upCount`. */
export function describePath(path: readonly PathKey[], raw: unknown): string {
  let out = '';
  path.forEach((key, i) => {
    if (typeof key === 'number') {
      out += `[${key}]`;
      if (path[i - 1] === 'services' && path[i - 2] === 'scheduler') out += serviceLabel(raw, key);
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
    }
  });
  return out === '' ? '(top level)' : out;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = describePath(issue.path, raw);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${where}: unknown field ${keys}; check the spelling against help/configuration.md`;
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) {
    return `${where}: ${issue.issues[0].message}`; // a record key (tag key): its own rule's message
  }
  return `${where}: ${issue.message}`;
}

/** Parses one environment, filling defaults; throws ConfigError listing every problem. */
export function parseEnvironment(raw: unknown): EnvironmentConfig {
  const result = environmentSchema.safeParse(raw);
  const problems = result.success
    ? environmentRules(result.data).map((v) => `${describePath(v.path, raw)}: ${v.message}`)
    : result.error.issues.map((issue) => describeIssue(issue, raw));
  if (result.success && problems.length === 0) return result.data;
  const name = (raw as { name?: unknown } | undefined)?.name;
  throw new ConfigError(typeof name === 'string' ? name : '(unnamed)', problems);
}
