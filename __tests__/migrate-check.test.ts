// The migration preflight against legacy states written from the legacy HCL (fixtures/states).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dev } from '../environments/dev';
import { stg } from '../environments/stg';
import { checkMigration } from '../scripts/migration/check';
import { ALLOWED_DESTROYS } from '../scripts/migration/legacy';
import { predictPlan, type MigrationReport, type StackJson } from '../scripts/migration/plan';
import {
  asShowJson,
  CLOUDWATCH_STATE,
  DEV_STATE,
  resourcesIn,
  STG_STATE,
  stateDoc,
  writeState,
} from './support/legacy-state';
import { copyOf, synthJson } from './support/synth';

const ROOT = path.join(__dirname, '..');
const SCRATCH = mkdtempSync(path.join(tmpdir(), 'migrate-check-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const devStack = synthJson(dev) as unknown as StackJson;
const stgStack = synthJson(stg) as unknown as StackJson;
const check = (stack: 'dev' | 'stg', stateFile: string, config = stack === 'dev' ? devStack : stgStack) =>
  checkMigration({ stack, stateFile, config });

const SNS_ERA = [
  'module.slack_notifier.aws_sns_topic.alerts',
  'module.slack_notifier.aws_sns_topic_subscription.slack',
  'module.slack_notifier.aws_lambda_permission.allow_sns',
  'module.slack_notifier.aws_sns_topic_policy.allow_eventbridge',
  'module.slack_notifier.aws_cloudwatch_event_target.send_to_sns',
];

function managedAddresses(file: string): string[] {
  return resourcesIn(file)
    .filter((r) => r.mode === 'managed')
    .map((r) => r.address);
}

function preservedOf(report: MigrationReport): string[] {
  return [...report.moved.map((m) => m.from), ...report.unchanged].sort();
}

describe.each([
  ['dev', DEV_STATE, 'after the SNS -> SQS migration', 89],
  ['stg', STG_STATE, 'before it (SNS era)', 84],
] as const)('%s state %s', (stack, file, _era, preserved) => {
  const report = check(stack, file);

  it('is ok: nothing destroyed or replaced that is not intended', () => {
    expect(report.ok).toBe(true);
    expect(report.replaced).toEqual([]);
    expect(report.destroyed.filter((d) => !d.allowed)).toEqual([]);
  });

  it('keeps every legacy resource except the five SNS-era ones, by moving it', () => {
    const legacy = managedAddresses(file).filter((a) => !SNS_ERA.includes(a));
    expect(legacy).toHaveLength(preserved);
    expect(preservedOf(report)).toEqual([...legacy].sort());
    expect(report.unchanged).toEqual([]);
  });

  it('destroys only the SNS-era resources the state holds, each as allowed', () => {
    const sns = managedAddresses(file).filter((a) => SNS_ERA.includes(a));
    expect(report.destroyed.map((d) => d.address).sort()).toEqual([...sns].sort());
    expect(sns).toHaveLength(stack === 'stg' ? 5 : 0);
  });

  it('ignores data sources', () => {
    const data = resourcesIn(file).filter((r) => r.mode === 'data');
    expect(data.length).toBeGreaterThan(20);
    const everywhere = JSON.stringify(report);
    for (const d of data) expect(everywhere).not.toContain(d.address);
  });

  it('moves each scheduler service to its own resources', () => {
    expect(report.moved).toContainEqual({
      from: 'module.python_api_scheduler.aws_scheduler_schedule.scale_up',
      to: 'aws_scheduler_schedule.python_api_scheduler_scale_up',
    });
    expect(report.moved).toContainEqual({
      from: 'module.fileflow_scheduler_download_scheduler.aws_iam_role.ecs_scheduler_role',
      to: 'aws_iam_role.fileflow_scheduler_download_scheduler_ecs_scheduler_role',
    });
  });

  it('reads `terraform show -json` output the same way', () => {
    const showJson = writeState(SCRATCH, `${stack}-show.json`, asShowJson(stateDoc(file)));
    expect(check(stack, showJson)).toEqual(report);
  });
});

describe('the synthesized stacks', () => {
  it.each([
    ['dev', devStack, DEV_STATE],
    ['stg', stgStack, STG_STATE],
  ] as const)(
    '%s has a moved block from each preserved legacy address to a resource of the stack',
    (_s, stack, file) => {
      const moved = new Map((stack.moved ?? []).map((m) => [m.from, m.to]));
      for (const address of managedAddresses(file).filter((a) => !SNS_ERA.includes(a))) {
        const to = moved.get(address);
        expect({ address, to }).toEqual({ address, to: expect.any(String) });
        const [type, name] = to!.split('.');
        expect(stack.resource?.[type!]?.[name!]).toBeDefined();
      }
    },
  );

  it('the legacy module name is overridable per service', () => {
    const input = copyOf(dev);
    input.scheduler.services[1] = { ...input.scheduler.services[1]!, legacyModule: 'pythonapi_scheduler' };
    const moved = (synthJson(input) as unknown as StackJson).moved ?? [];
    expect(moved).toContainEqual({
      from: 'module.pythonapi_scheduler.aws_iam_role.ecs_scheduler_role',
      to: 'aws_iam_role.python_api_scheduler_ecs_scheduler_role',
    });
    expect(moved.map((m) => m.from)).not.toContain('module.python_api_scheduler.aws_iam_role.ecs_scheduler_role');
  });
});

describe('a state that must not be applied', () => {
  it('fails on a resource the migration does not know, naming it', () => {
    const doc = stateDoc(DEV_STATE);
    doc.resources.push({
      module: 'module.slack_notifier',
      mode: 'managed',
      type: 'aws_cloudwatch_log_group',
      name: 'lambda_logs',
      instances: [{ attributes: { id: '/aws/lambda/x', name: '/aws/lambda/ecs-scheduler-slack-notifier-dev' } }],
    });
    const report = check('dev', writeState(SCRATCH, 'extra.json', doc));
    expect(report.ok).toBe(false);
    expect(report.destroyed).toEqual([
      {
        address: 'module.slack_notifier.aws_cloudwatch_log_group.lambda_logs',
        allowed: false,
        reason: expect.stringContaining('not a legacy resource'),
      },
    ]);
  });

  it('fails when a preserved name would change, naming the resource and the argument', () => {
    const doc = stateDoc(DEV_STATE);
    const queue = doc.resources.find((r) => r.type === 'aws_sqs_queue' && r.name === 'alerts')!;
    queue.instances[0]!.attributes.name = 'ecs-scheduler-alerts-dev-v1';
    const report = check('dev', writeState(SCRATCH, 'renamed.json', doc));
    expect(report.ok).toBe(false);
    expect(report.replaced[0]).toEqual({
      address: 'aws_sqs_queue.slack_notifier_alerts',
      attribute: 'name',
      intended: false,
      reason: 'name changes from "ecs-scheduler-alerts-dev-v1" to "ecs-scheduler-alerts-dev"',
    });
    // The queue's URL and ARN are new, so what names them by those is replaced with it.
    expect(report.replaced.map((r) => [r.address, r.attribute])).toEqual(
      expect.arrayContaining([
        ['aws_sqs_queue_policy.slack_notifier_allow_eventbridge', 'queue_url'],
        ['aws_lambda_event_source_mapping.slack_notifier_sqs_trigger', 'event_source_arn'],
      ]),
    );
  });

  it('fails when a service was called by another module name, and says to set legacyModule', () => {
    const doc = stateDoc(DEV_STATE);
    for (const r of doc.resources)
      if (r.module === 'module.python_api_scheduler') r.module = 'module.pythonapi_scheduler';
    const file = writeState(SCRATCH, 'module-name.json', doc);
    const report = check('dev', file);
    expect(report.ok).toBe(false);
    expect(report.destroyed).toHaveLength(4);
    expect(report.destroyed[0]!.reason).toContain('set that service\'s "legacyModule" to "pythonapi_scheduler"');

    const input = copyOf(dev);
    input.scheduler.services[1] = { ...input.scheduler.services[1]!, legacyModule: 'pythonapi_scheduler' };
    expect(check('dev', file, synthJson(input) as unknown as StackJson).ok).toBe(true);
  });

  it.each([
    ['not JSON', '{"version": 4, "resources": [', /is not JSON/],
    ['state version 3', JSON.stringify({ version: 3, modules: [] }), /format version 3; this check reads version 4/],
    ['a plan', JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [] }), /is a plan/],
    ['not a state', JSON.stringify({ hello: 'world' }), /not a Terraform state/],
  ])('is refused when it is %s', (_what, text, message) => {
    expect(() => check('dev', writeState(SCRATCH, 'bad.json', text))).toThrow(message);
  });

  it('is refused when it belongs to another environment', () => {
    expect(() => check('dev', STG_STATE)).toThrow(
      /belongs to environment "stg" .* not to stack "dev": pull the state of the dev workspace, or run the check with --stack stg/,
    );
  });

  it('is refused when the file cannot be read, or the stack does not exist', () => {
    expect(() => check('dev', path.join(SCRATCH, 'missing.json'))).toThrow(/cannot read .*missing\.json: ENOENT/);
    expect(() => checkMigration({ stack: 'prod', stateFile: DEV_STATE, config: devStack })).toThrow(
      /--stack prod: no such stack; the app has dev, stg/,
    );
  });
});

describe('adopting the legacy cloudwatch root with import blocks', () => {
  const SUBSCRIPTION =
    'arn:aws:sns:ap-northeast-2:111122223333:ott-db-alarm-topic:0b9f2c1e-7d3a-4e5b-9c8d-7a6b5c4d3e2f';
  const input = copyOf(dev);
  input.cloudwatch = { ...input.cloudwatch, legacyNames: true, adoptLegacy: { subscriptionArn: SUBSCRIPTION } };
  const stack = synthJson(input) as unknown as StackJson;
  const report = predictPlan('dev', stack, resourcesIn(CLOUDWATCH_STATE));

  it('imports each legacy resource by its documented import ID', () => {
    const ids = Object.fromEntries((stack.import ?? []).map((i) => [i.to, i.id]));
    expect(ids).toEqual({
      'aws_sns_topic.cloudwatch_db_alarm_topic':
        'arn:aws:sns:ap-northeast-2:${data.aws_caller_identity.current.account_id}:ott-db-alarm-topic',
      'aws_sns_topic_subscription.cloudwatch_alert_sub': SUBSCRIPTION,
      'aws_lambda_function.cloudwatch_alert_service': 'ott-alert-service',
      'aws_lambda_permission.cloudwatch_allow_sns': 'ott-alert-service/AllowExecutionFromSNS',
      'aws_iam_role.cloudwatch_alert_exec': 'ott-alert-service-role',
      'aws_iam_role_policy.cloudwatch_alert_secrets_policy': 'ott-alert-service-role:ott-alert-secrets-policy',
      'aws_iam_role_policy_attachment.cloudwatch_alert_basic':
        'ott-alert-service-role/arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'aws_cloudwatch_metric_alarm.cloudwatch_aurora_cluster_cpu_high': 'OTT-Aurora-Cluster-CPU-Utilization-High',
      'aws_cloudwatch_metric_alarm.cloudwatch_aurora_cluster_memory_low': 'OTT-Aurora-Cluster-FreeableMemory-Low',
      'aws_cloudwatch_metric_alarm.cloudwatch_aurora_cluster_connections_high':
        'OTT-Aurora-Cluster-DatabaseConnections-High',
    });
  });

  it('takes over every legacy resource but alert_vpc, which goes as allowed', () => {
    expect(report.imported.map((i) => i.from).sort()).toEqual(
      managedAddresses(CLOUDWATCH_STATE)
        .filter((a) => !a.endsWith('.alert_vpc'))
        .sort(),
    );
    expect(report.destroyed).toEqual([
      {
        address: 'module.cloudwatch.aws_iam_role_policy_attachment.alert_vpc',
        allowed: true,
        reason: ALLOWED_DESTROYS['module.cloudwatch.aws_iam_role_policy_attachment.alert_vpc'],
      },
    ]);
  });

  it('replaces the container-image function by the zip, and what depends on it, all as intended', () => {
    expect(report.replaced.map(({ address, attribute, intended }) => ({ address, attribute, intended }))).toEqual([
      { address: 'aws_lambda_function.cloudwatch_alert_service', attribute: 'package_type', intended: true },
      { address: 'aws_lambda_permission.cloudwatch_allow_sns', attribute: 'replace_triggered_by', intended: true },
      { address: 'aws_sns_topic_subscription.cloudwatch_alert_sub', attribute: 'endpoint', intended: true },
    ]);
    expect(report.ok).toBe(true);
  });

  it('is not done without the legacy names', () => {
    const renamed = copyOf(input);
    renamed.cloudwatch.legacyNames = false;
    expect(() => synthJson(renamed)).toThrow(/cloudwatch\.adoptLegacy: .*set "legacyNames: true"/);
  });
});

describe('npm run migrate:check', () => {
  const run = promisify(execFile);
  async function migrateCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/migrate-check.ts', ...args], {
        cwd: ROOT,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      return error as { code: number; stdout: string; stderr: string };
    }
  }

  it.each([
    ['dev', DEV_STATE, 89],
    ['stg', STG_STATE, 84],
  ] as const)('prints the JSON report and exits 0 for the %s fixture', async (stack, file, moved) => {
    const { code, stdout } = await migrateCheck(['--stack', stack, '--state', file, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as MigrationReport;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['stack', 'moved', 'unchanged', 'replaced', 'destroyed', 'created', 'ok']),
    );
    expect(report).toMatchObject({ stack, ok: true, replaced: [] });
    expect(report.destroyed.every((d) => d.allowed)).toBe(true);
    expect(report.moved).toHaveLength(moved);
  });

  it('exits 1 with the reason when something would be destroyed', async () => {
    const doc = stateDoc(DEV_STATE);
    doc.resources.push({ mode: 'managed', type: 'aws_sqs_queue', name: 'orphan', instances: [{ attributes: {} }] });
    const { code, stdout } = await migrateCheck(['--stack', 'dev', '--state', writeState(SCRATCH, 'o.json', doc)]);
    expect(code).toBe(1);
    expect(stdout).toContain('NOT ALLOWED aws_sqs_queue.orphan: not a legacy resource');
    expect(stdout).toContain('NOT OK');
  });

  it('exits 2 with one clear line for a usage or state-file error', async () => {
    const missing = await migrateCheck(['--stack', 'dev']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^migrate:check: --stack and --state are both required\nusage: /);
    const wrongEnv = await migrateCheck(['--stack', 'dev', '--state', STG_STATE]);
    expect(wrongEnv.code).toBe(2);
    expect(wrongEnv.stderr).toContain('belongs to environment "stg"');
    expect(wrongEnv.stderr).not.toContain('    at ');
  });
});
