// The adoption of the legacy cloudwatch root without terraform: the names the stack imports, the
// hand-over's removed blocks, how each import is matched against the legacy state, and how the report
// gives every legacy resource a fate (the real plans are in migrate-check.test.ts and test:emulator).
import { parseEnvironment, type EnvironmentInput } from '../environments';
import { adopt } from '../scripts/migration/adoption';
import {
  handoverBlocks,
  handoverHcl,
  LEGACY_EKS_ALARMS,
  LEGACY_VPC_ATTACHMENT,
} from '../scripts/migration/cloudwatch-handover';
import { ADOPTED_CLOUDWATCH } from '../scripts/migration/legacy';
import { reportFromPlan, type StackJson } from '../scripts/migration/plan';
import type { StateResource } from '../scripts/migration/state-file';
import type { ResourceChange } from '../scripts/terraform/plan';
import { cloudwatchNames } from '../shared/cloudwatch-names';
import { LEGACY_ACCOUNT } from './fixtures/states/legacy-account';
import { testEnvironment } from './support/environment-builder';
import { adoptingCloudwatch, legacyEnvironment, type AdoptLegacy } from './support/legacy-environments';
import { CLOUDWATCH_STATE, resourcesIn, subscriptionArnIn } from './support/legacy-state';
import { synthJson } from './support/synth';

const SUBSCRIPTION = subscriptionArnIn(CLOUDWATCH_STATE);
const adopting = (more: Partial<AdoptLegacy> = {}): EnvironmentInput =>
  legacyEnvironment('dev', { cloudwatch: adoptingCloudwatch({ subscriptionArn: SUBSCRIPTION, ...more }) });
const cloudwatchState = () => resourcesIn(CLOUDWATCH_STATE).filter((r) => r.mode === 'managed');
const stackOf = (input: EnvironmentInput) => synthJson(input) as unknown as StackJson;

describe('the names an adopting environment gives the legacy resources', () => {
  it('are the legacy module\'s: from the team, and the function hard-coded "ott-alert-service" whatever the team', () => {
    const names = cloudwatchNames({ team: 'formation-lap', legacyNames: true }, 'dev');
    expect(names).toMatchObject({
      topic: 'formation-lap-db-alarm-topic',
      function: 'ott-alert-service',
      role: 'formation-lap-alert-service-role',
      secretPolicy: 'formation-lap-alert-secrets-policy',
    });
    expect(names.auroraAlarm('cpu')).toBe('OTT-Aurora-Cluster-CPU-Utilization-High');
  });

  it('are the ones given in adoptLegacy.names where the legacy root was applied with other values', () => {
    const names = cloudwatchNames(
      {
        team: 'formation-lap',
        legacyNames: true,
        adoptLegacy: { names: { topic: 'ott-db-alarm-topic', role: 'ott-alert-service-role' } },
      },
      'dev',
    );
    expect(names).toMatchObject({
      topic: 'ott-db-alarm-topic',
      role: 'ott-alert-service-role',
      function: 'ott-alert-service',
      secretPolicy: 'formation-lap-alert-secrets-policy',
    });
  });

  it('carry the environment without legacyNames, the function named from the team', () => {
    expect(cloudwatchNames({ team: 'qteam', legacyNames: false }, 'qa')).toMatchObject({
      topic: 'qteam-db-alarm-topic-qa',
      function: 'qteam-alert-service-qa',
      role: 'qteam-alert-service-role-qa',
    });
  });

  it('refuses an EKS alarm decision other than "delete" or "leave", and a name AWS would refuse', () => {
    expect(() => parseEnvironment(adopting({ eksAlarms: 'keep' as 'leave' }))).toThrow(
      /cloudwatch\.adoptLegacy\.eksAlarms: eksAlarms must be "delete" .* or "leave"/,
    );
    expect(() => parseEnvironment(adopting({ names: { function: 'ott alert service' } }))).toThrow(
      /cloudwatch\.adoptLegacy\.names\.function: names\.function must be a Lambda function name/,
    );
  });
});

describe('the hand-over of the legacy cloudwatch root', () => {
  it('has no block for an environment that does not adopt it', () => {
    expect(handoverBlocks(parseEnvironment(testEnvironment()))).toEqual([]);
  });

  it('forgets what the stack imports, deletes the VPC attachment, and has no block for undecided EKS alarms', () => {
    const blocks = handoverBlocks(parseEnvironment(adopting()));
    expect(blocks.filter((b) => !b.destroy).map((b) => b.from)).toEqual([...ADOPTED_CLOUDWATCH.keys()]);
    expect(blocks.filter((b) => b.destroy).map((b) => b.from)).toEqual([LEGACY_VPC_ATTACHMENT]);
    expect(blocks.some((b) => LEGACY_EKS_ALARMS.includes(b.from))).toBe(false);
  });

  it.each([
    ['delete', true],
    ['leave', false],
  ] as const)('with eksAlarms "%s", destroys the four EKS alarms: %s', (decision, destroy) => {
    const blocks = handoverBlocks(parseEnvironment(adopting({ eksAlarms: decision })));
    const eks = blocks.filter((b) => LEGACY_EKS_ALARMS.includes(b.from));
    expect(eks.map((b) => [b.from, b.destroy])).toEqual(LEGACY_EKS_ALARMS.map((a) => [a, destroy]));
    expect(eks[0]!.why).toContain(`eksAlarms = "${decision}"`);
  });

  it('is written as HCL removed blocks, each with its reason', () => {
    const hcl = handoverHcl(parseEnvironment(adopting({ eksAlarms: 'delete' })));
    expect(hcl).toContain(
      'removed {\n  from = module.cloudwatch.aws_cloudwatch_metric_alarm.eks_cluster_cpu_high\n  lifecycle {\n    destroy = true\n  }\n}',
    );
    expect(hcl).toContain(
      '# stack dev imports it as aws_sns_topic.cloudwatch_db_alarm_topic\nremoved {\n  from = module.cloudwatch.aws_sns_topic.db_alarm_topic\n  lifecycle {\n    destroy = false\n  }\n}',
    );
    expect(hcl.match(/^removed \{$/gm)).toHaveLength(15);
  });
});

describe("matching the stack's imports against the legacy cloudwatch state", () => {
  const input = adopting({ eksAlarms: 'leave' });
  const environment = parseEnvironment(input);
  const stack = stackOf(input);

  it('places each legacy object at the address that imports it, and plans the hand-over for the rest', () => {
    const adoption = adopt({ stack, environment, cloudwatch: cloudwatchState(), otherRoot: [], workspace: new Set() });
    expect(adoption.imports.map((i) => i.status)).toEqual(Array(10).fill('planned'));
    expect(new Map(adoption.adopted)).toEqual(new Map(ADOPTED_CLOUDWATCH));
    expect(adoption.planned.map((r) => r.address).filter((a) => a.startsWith('module.'))).toEqual([
      LEGACY_VPC_ATTACHMENT,
      ...LEGACY_EKS_ALARMS,
    ]);
    expect(adoption.config.import).toBeUndefined();
    expect(adoption.config.removed).toEqual([
      { from: LEGACY_VPC_ATTACHMENT, lifecycle: { destroy: true } },
      ...LEGACY_EKS_ALARMS.map((from) => ({ from, lifecycle: { destroy: false } })),
    ]);
    expect([...adoption.undecided]).toEqual([]);
  });

  it('fails an import that names no object of the legacy state, saying which it holds', () => {
    const named = adopting({ eksAlarms: 'leave', names: { role: 'ott-alert-service-role' } });
    const adoption = adopt({
      stack: stackOf(named),
      environment: parseEnvironment(named),
      cloudwatch: cloudwatchState(),
      otherRoot: [],
      workspace: new Set(),
    });
    expect(adoption.imports.find((i) => i.to === 'aws_iam_role.cloudwatch_alert_exec')).toEqual({
      to: 'aws_iam_role.cloudwatch_alert_exec',
      id: 'ott-alert-service-role',
      status: 'fails',
      reason: expect.stringMatching(
        /^Terraform's import fails \("Cannot import non-existent remote object"\): the legacy cloudwatch state holds no aws_iam_role "ott-alert-service-role" \(it holds "formation-lap-alert-service-role"\)/,
      ),
    });
    expect(adoption.undecided.get('module.cloudwatch.aws_iam_role.alert_exec')).toContain('adoptLegacy.names');
  });

  it('says an import is not planned without the legacy cloudwatch state, and already done when the workspace holds its address', () => {
    const none = adopt({ stack, environment, cloudwatch: undefined, otherRoot: [], workspace: new Set() });
    expect(none.imports.map((i) => i.status)).toEqual(Array(10).fill('not planned'));
    expect(none.imports[0]!.reason).toContain("give the legacy cloudwatch root's state as well");
    const done = adopt({
      stack,
      environment,
      cloudwatch: undefined,
      otherRoot: [],
      workspace: new Set(stack.import!.map((i) => i.to)),
    });
    expect(done.imports.map((i) => i.status)).toEqual(Array(10).fill('already imported'));
  });
});

describe('the report of a plan', () => {
  const change = (
    address: string,
    actions: ResourceChange['change']['actions'],
    extra: Partial<ResourceChange> = {},
  ): ResourceChange => ({
    address,
    mode: 'managed',
    type: address.split('.').at(-2)!,
    change: { actions, before: {}, after: {} },
    ...extra,
  });

  it('gives a legacy cloudwatch resource of an environment that does not adopt the root no decided fate', () => {
    const environment = parseEnvironment(legacyEnvironment('dev'));
    const alarm: StateResource = cloudwatchState().find((r) => r.address.endsWith('.eks_cluster_cpu_high'))!;
    const adoption = adopt({
      stack: stackOf(legacyEnvironment('dev')),
      environment,
      cloudwatch: [alarm],
      otherRoot: ['module.database.aws_rds_cluster.kor'],
      workspace: new Set(),
    });
    const report = reportFromPlan(
      'dev',
      { resource_changes: [change(alarm.address, ['delete'])] },
      { adoption, workspace: [] },
    );
    expect(report.legacy).toEqual([
      {
        address: alarm.address,
        fate: 'deleted',
        allowed: false,
        reason: expect.stringContaining('does not adopt it: set "cloudwatch.adoptLegacy"'),
      },
      {
        address: 'module.database.aws_rds_cluster.kor',
        fate: 'stays in its root',
        allowed: true,
        reason: expect.any(String),
      },
    ]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/^module\.cloudwatch\.aws_cloudwatch_metric_alarm\.eks_cluster_cpu_high: /),
    ]);
  });

  it('never counts an import target as created, and is not ok while an import is not planned', () => {
    const input = adopting({ eksAlarms: 'delete' });
    const stack = stackOf(input);
    const adoption = adopt({
      stack,
      environment: parseEnvironment(input),
      cloudwatch: undefined,
      otherRoot: [],
      workspace: new Set(),
    });
    const targets = stack.import!.map((i) => i.to);
    const report = reportFromPlan(
      'dev',
      {
        resource_changes: [
          ...targets.map((t) => change(t, ['create'])),
          change('aws_sqs_queue.slack_notifier_alerts', ['create']),
        ],
      },
      { adoption, workspace: [] },
    );
    expect(report.created).toEqual(['aws_sqs_queue.slack_notifier_alerts']);
    expect(report.problems).toHaveLength(10);
    expect(report.ok).toBe(false);
  });

  it('refuses a resource the plan forgets that no setting decided', () => {
    const environment = parseEnvironment(legacyEnvironment('dev'));
    const adoption = adopt({
      stack: stackOf(legacyEnvironment('dev')),
      environment,
      cloudwatch: undefined,
      otherRoot: [],
      workspace: new Set(),
    });
    const address = 'module.slack_notifier.aws_sqs_queue.alerts';
    const report = reportFromPlan(
      'dev',
      { resource_changes: [change(address, ['forget'])] },
      { adoption, workspace: [address] },
    );
    expect(report.legacy).toEqual([
      { address, fate: 'left unmanaged', allowed: false, reason: expect.stringContaining('no setting explains it') },
    ]);
    expect(report.ok).toBe(false);
  });

  it('imports into the declared account', () => {
    const ids = Object.fromEntries(stackOf(adopting()).import!.map((i) => [i.to, i.id]));
    expect(ids['aws_sns_topic.cloudwatch_db_alarm_topic']).toBe(
      `arn:aws:sns:ap-northeast-2:${LEGACY_ACCOUNT}:formation-lap-db-alarm-topic`,
    );
  });
});
