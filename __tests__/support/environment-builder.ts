// Environments that code tests build for themselves. No code test reads environments/dev.ts,
// stg.ts or common.ts: it starts from `testEnvironment()` (values chosen here, unlike the shipped
// ones on purpose), changes only what it is about, and asserts the values it set.
import type { EnvironmentInput, ServiceInput } from '../../environments';

/** The account every test environment declares. */
export const TEST_ACCOUNT = '210987654321';
export const TEST_REGION = 'ap-northeast-2';

/** A recursive partial: objects merge key by key, arrays and scalars replace. */
export type Overrides<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: Overrides<T[K]> | undefined }
    : T;

/**
 * Three services of two clusters, one a singleton: `api` and `worker` in `apps-<env>`, `batch-job`
 * (singleton) in `batch-<env>`.
 */
export function testServices(environment = 'qa'): ServiceInput[] {
  return [
    { cluster: `apps-${environment}`, service: 'api' },
    { cluster: `apps-${environment}`, service: 'worker' },
    { cluster: `batch-${environment}`, service: 'batch-job', singleton: true },
  ];
}

/**
 * `count` services `svc-001`, `svc-002`, ... in one cluster (for scale tests); `prefix` replaces
 * `svc` where the length of the names matters (`prefix-001`, ...).
 */
export function numberedServices(count: number, cluster = 'scale-cluster', prefix = 'svc'): ServiceInput[] {
  return Array.from({ length: count }, (_, i) => ({ cluster, service: `${prefix}-${String(i + 1).padStart(3, '0')}` }));
}

function baseEnvironment(name: string): EnvironmentInput {
  return {
    name,
    region: TEST_REGION,
    accountId: TEST_ACCOUNT,
    defaultTags: { Project: 'scheduler-test', Environment: name },
    backend: { type: 'cloud', organization: 'test-org', workspace: `scheduler-${name}` },
    scheduler: {
      timezone: 'Asia/Seoul',
      scaleUp: { time: '08:30', weekdays: 'MON-FRI' },
      scaleDown: { time: '19:15', weekdays: 'MON-FRI' },
      flexibleWindowMinutes: 5,
      services: testServices(name),
    },
    slackNotifier: {
      webhookSecret: `test/${name}/notifier-webhook`,
      managementEventsTrail: { mode: 'existing' },
    },
    cloudwatch: {
      team: 'qteam',
      webhookSecret: `test/${name}/alarms-webhook`,
      aurora: { clusterIdentifier: `test-aurora-${name}` },
    },
    operations: { emails: [`oncall-${name}@ops.test`] },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: unknown, change: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(change)) return structuredClone(change);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete out[key];
    else out[key] = key in base ? merge(base[key], value) : structuredClone(value);
  }
  return out;
}

/**
 * A valid environment owned by the test: `testEnvironment()` is environment "qa" with three
 * services; `overrides` merge into it (a key set to `undefined` is removed). Each call returns a
 * fresh object the test may change freely.
 */
export function testEnvironment(overrides: Overrides<EnvironmentInput> = {}): EnvironmentInput {
  const name = overrides.name ?? 'qa';
  return merge(baseEnvironment(name), overrides) as EnvironmentInput;
}
