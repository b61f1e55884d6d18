// Validates an environment config and turns zod issues into one readable error
// that names the environment, the service and the field.
import type { z } from 'zod';
import { environmentRules } from './rules';
import { ENVIRONMENT_NAME, environmentSchema, type EnvironmentConfig } from './schema';
import { comesFromCommon, SHARED_CONFIG_FILE } from './shared-origin';

/** A config problem and, when known, the file to fix it in. */
export interface ConfigProblem {
  text: string;
  file?: string;
}

const HELP_LINE = 'See help/configuration.md for every field, its default and its limits.';

/** One environment's heading and problem lines (the message without the closing help line). */
function reportOf(environment: string, problems: (string | ConfigProblem)[]) {
  const own = ENVIRONMENT_NAME.test(environment) ? `environments/${environment}.ts` : undefined;
  const items = problems.map((p) => (typeof p === 'string' ? { text: p, file: own } : p));
  const files = [...new Set(items.flatMap((p) => (p.file ? [p.file] : [])))];
  const mixed = files.length > 1;
  const text =
    `Invalid configuration for environment "${environment}"${files.length > 0 ? ` (${files.join(', ')})` : ''}:\n` +
    items.map((p) => `  - ${mixed && p.file ? `${p.file}: ` : ''}${p.text}`).join('\n');
  return { text, problems: items.map((p) => p.text), files };
}

export class ConfigError extends Error {
  /** The environment reported first (the only one unless several are wrong). */
  readonly environment: string;
  readonly problems: string[];
  /** The files that hold the mistakes, in the order first met. */
  readonly files: string[];
  /** Each wrong environment's heading and problems, in order. */
  readonly reports: readonly string[];

  constructor(environment: string, problems: (string | ConfigProblem)[]);
  /** Several environments' errors as one: each environment's problems once, under its own heading. */
  constructor(errors: readonly ConfigError[]);
  constructor(first: string | readonly ConfigError[], problems: (string | ConfigProblem)[] = []) {
    const parts =
      typeof first === 'string'
        ? [{ environment: first, ...reportOf(first, problems) }]
        : first.map((e) => ({
            environment: e.environment,
            text: e.reports.join('\n'),
            problems: e.problems,
            files: e.files,
          }));
    const reports = parts.map((p) => p.text);
    super(`${reports.join('\n')}\n${HELP_LINE}`);
    this.name = 'ConfigError';
    this.environment = parts[0]?.environment ?? '(none)';
    this.problems = parts.flatMap((p) => p.problems);
    this.files = [...new Set(parts.flatMap((p) => p.files))];
    this.reports = reports;
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

/** The file that holds the value at `path`: environments/common.ts for what it builds, else <env>.ts. */
function fileOf(raw: unknown, path: readonly PathKey[]): string | undefined {
  if (comesFromCommon(raw, path)) return SHARED_CONFIG_FILE;
  const name = (raw as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && ENVIRONMENT_NAME.test(name) ? `environments/${name}.ts` : undefined;
}

/** Parses one environment, filling defaults; throws ConfigError listing every problem. */
export function parseEnvironment(raw: unknown): EnvironmentConfig {
  const result = environmentSchema.safeParse(raw);
  const problems: ConfigProblem[] = result.success
    ? environmentRules(result.data).map((v) => ({
        text: `${describePath(v.path, raw)}: ${v.message}`,
        file: fileOf(raw, v.path),
      }))
    : result.error.issues.map((issue) => ({ text: describeIssue(issue, raw), file: fileOf(raw, issue.path) }));
  if (result.success && problems.length === 0) return result.data;
  const name = (raw as { name?: unknown } | undefined)?.name;
  throw new ConfigError(typeof name === 'string' ? name : '(unnamed)', problems);
}
