// The parts of `npm run test:emulator` that judge, without the emulator: the override it writes, the
// allowlist of emulator gaps a re-plan may show, the comparison of the fixtures with the emulator's
// states, and of the preflight with the real plan.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { EMULATED_SERVICES, emulatorOverride } from '../scripts/emulator/override';
import type { MigrationReport } from '../scripts/migration/plan';
import type { ResourceChange } from '../scripts/terraform/plan';
import { replanChanges } from './emulator/emulator-gaps';
import { fixtureMismatches } from './emulator/fixture-match';
import { disagreements, handoverDisagreements, preflightSections, realPlanSections } from './emulator/plan-agreement';
import { DEV_STATE, resourcesIn } from './support/legacy-state';
import { describeProcess } from './support/tiers';

const update = (address: string, before: Record<string, unknown>, after: Record<string, unknown>): ResourceChange => ({
  address,
  mode: 'managed',
  type: address.split('.')[0]!,
  change: { actions: ['update'], before, after },
});

describe('the emulator override', () => {
  it('sends every service to the emulator with fake keys, keeps the account check, and uses a local backend', () => {
    const override = emulatorOverride('http://127.0.0.1:5000', ['seoul']) as {
      terraform: unknown;
      provider: { aws: Record<string, unknown>[] };
    };
    expect(override.terraform).toEqual({ backend: { local: {} } });
    expect(override.provider.aws.map((p) => p.alias)).toEqual([undefined, 'seoul']);
    for (const provider of override.provider.aws) {
      expect(provider.endpoints).toEqual(
        Object.fromEntries(EMULATED_SERVICES.map((s) => [s, 'http://127.0.0.1:5000'])),
      );
      expect(provider).toMatchObject({ skip_credentials_validation: true, access_key: expect.any(String) });
      expect(provider).not.toHaveProperty('skip_requesting_account_id');
    }
  });
});

describe('a re-plan after apply on the emulator', () => {
  it('explains an unset logging_config and a re-spaced redrive_policy by the emulator, naming the moto source', () => {
    const changes = replanChanges([
      update('aws_lambda_function.f', { logging_config: [] }, { logging_config: [{ log_format: 'JSON' }] }),
      update(
        'aws_sqs_queue.q',
        { redrive_policy: '{"deadLetterTargetArn": "arn:dlq", "maxReceiveCount": 3}' },
        { redrive_policy: '{"deadLetterTargetArn":"arn:dlq","maxReceiveCount":3}' },
      ),
    ]);
    expect(changes.map((c) => c.unexplained)).toEqual([[], []]);
    expect(changes.map((c) => c.explained[0]!.gap.source)).toEqual([
      expect.stringContaining('moto/awslambda/models.py'),
      expect.stringContaining('moto/sqs/models.py'),
    ]);
  });

  it('does not explain a real change behind the same attributes, nor any other change', () => {
    const changes = replanChanges([
      update(
        'aws_lambda_function.f',
        { logging_config: [{ log_format: 'Text' }] },
        { logging_config: [{ log_format: 'JSON' }] },
      ),
      update(
        'aws_sqs_queue.q',
        { redrive_policy: '{"maxReceiveCount": 3}' },
        { redrive_policy: '{"maxReceiveCount":5}' },
      ),
      update('aws_sqs_queue.r', { visibility_timeout_seconds: 60 }, { visibility_timeout_seconds: 660 }),
      { ...update('aws_iam_role.r', {}, {}), change: { actions: ['delete', 'create'], before: {}, after: {} } },
    ]);
    expect(changes.map((c) => c.unexplained)).toEqual([
      ['logging_config'],
      ['redrive_policy'],
      ['visibility_timeout_seconds'],
      ['(delete,create)'],
    ]);
  });
});

describe('the fixtures against the states the legacy roots produce', () => {
  const fixture = resourcesIn(DEV_STATE);
  const queue = 'module.slack_notifier.aws_sqs_queue.alerts';

  it('agree on a copy as the emulator writes it: its URLs, generated IDs, times and read-back values', () => {
    const emulated = fixture
      .filter((r) => r.type !== 'archive_file')
      .map((r) => {
        const a = { ...r.attributes };
        if (r.address === queue)
          Object.assign(a, { url: 'http://127.0.0.1:40000/444455556666/ecs-scheduler-alerts-dev', policy: '' });
        if (r.type === 'aws_iam_role')
          Object.assign(a, { create_date: '2026-12-02T00:00:00Z', inline_policy: [], unique_id: 'AROAX' });
        if (r.type === 'aws_iam_role_policy_attachment') a.id = `${String(a.role)}-20261202144943743500000001`;
        return { ...r, attributes: a };
      });
    expect(fixtureMismatches(fixture, emulated, 'ap-northeast-2')).toEqual([]);
  });

  it('name every resource one side lacks and every value that differs', () => {
    const emulated = fixture
      .filter((r) => !r.address.startsWith('module.nestjs_scheduler.aws_scheduler_schedule.scale_up'))
      .map((r) =>
        r.address === queue ? { ...r, attributes: { ...r.attributes, message_retention_seconds: 345600 } } : r,
      );
    expect(fixtureMismatches(fixture, emulated, 'ap-northeast-2')).toEqual([
      'module.nestjs_scheduler.aws_scheduler_schedule.scale_up: in the fixture only',
      `${queue}: message_retention_seconds: fixture 3600, emulator 345600`,
    ]);
  });
});

describe('the preflight against the real plans', () => {
  const report = {
    moved: [{ from: 'module.a.aws_iam_role.r', to: 'aws_iam_role.a_r' }],
    created: ['aws_sqs_queue.dlq'],
    updated: [{ address: 'aws_iam_role.a_r', attributes: ['tags'] }],
    unchanged: [],
    replaced: [],
    destroyed: [
      { address: 'module.cloudwatch.aws_cloudwatch_metric_alarm.eks_cluster_cpu_high', allowed: true, reason: '' },
    ],
    imported: [{ to: 'aws_sns_topic.t', id: 'arn', status: 'planned' }],
    legacy: [
      {
        address: 'module.cloudwatch.aws_sns_topic.db_alarm_topic',
        fate: 'imported',
        to: 'aws_sns_topic.t',
        allowed: true,
      },
      { address: 'module.cloudwatch.aws_cloudwatch_metric_alarm.eks_cluster_cpu_high', fate: 'deleted', allowed: true },
    ],
  } as unknown as MigrationReport;

  it('agree when the real plan moves, creates, updates and imports the same addresses', () => {
    const real = realPlanSections({
      resource_changes: [
        { ...update('aws_iam_role.a_r', {}, {}), previous_address: 'module.a.aws_iam_role.r' },
        { ...update('aws_sqs_queue.dlq', {}, {}), change: { actions: ['create'], before: null, after: {} } },
        {
          ...update('aws_sns_topic.t', {}, {}),
          change: { actions: ['no-op'], before: {}, after: {}, importing: { id: 'arn' } },
        },
      ],
    });
    expect(disagreements(preflightSections(report), real)).toEqual([]);
  });

  it('name each address the two put in different sections, and a hand-over action that differs', () => {
    const real = realPlanSections({
      resource_changes: [{ ...update('aws_iam_role.a_r', {}, {}), previous_address: 'module.a.aws_iam_role.r' }],
    });
    expect(disagreements(preflightSections(report), real)).toEqual([
      'created: aws_sqs_queue.dlq in the preflight only',
      'imported: aws_sns_topic.t in the preflight only',
    ]);
    const handover = {
      resource_changes: [
        {
          ...update('module.cloudwatch.aws_sns_topic.db_alarm_topic', {}, {}),
          change: { actions: ['forget' as const], before: {}, after: null },
        },
        {
          ...update('module.cloudwatch.aws_cloudwatch_metric_alarm.eks_cluster_cpu_high', {}, {}),
          change: { actions: ['forget' as const], before: {}, after: null },
        },
      ],
    };
    expect(handoverDisagreements(report, handover)).toEqual([
      'module.cloudwatch.aws_cloudwatch_metric_alarm.eks_cluster_cpu_high: preflight says deleted, the hand-over plan forget',
    ]);
  });
});

describeProcess('npm run test:emulator without moto_server', () => {
  const run = async (env: NodeJS.ProcessEnv) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--require', 'tsx/cjs', path.join(__dirname, 'emulator', 'run.ts')],
        { env: { ...process.env, MOTO_SERVER: path.join(__dirname, 'no-moto-server-here'), ...env } },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      return error as { code: number; stdout: string; stderr: string };
    }
  };

  it('prints one line and exits 0, or with REQUIRE_EMULATOR=1 (CI) fails with that line', async () => {
    const skipped = await run({ REQUIRE_EMULATOR: '' });
    expect(skipped).toMatchObject({ code: 0, stderr: '' });
    expect(skipped.stdout).toMatch(/^test:emulator: skipped: no moto_server on PATH \(moto 5\.2\.1: .*\)\n$/);
    const required = await run({ REQUIRE_EMULATOR: '1' });
    expect(required).toMatchObject({ code: 1, stdout: '' });
    expect(required.stderr).toMatch(
      /^test:emulator: REQUIRE_EMULATOR=1 but the emulator run cannot start: no moto_server on PATH/,
    );
  }, 120_000);
});
