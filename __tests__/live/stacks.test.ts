// Live-config checks: what the shipped environments (environments/*.ts) synthesize, checked against
// the values they hold, whatever those are. A documented config change needs at most
// `npm run test:update` (the reviewed snapshot below) to pass here; code tests never read these files.
import { ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentConfig } from '../../environments';
import { weeklyCron } from '../../shared/weekly-time';
import { schedulerLogicalIds, schedulerResourceNames } from '../../shared/scheduler-names';
import { deadLetterGaps } from '../support/dead-letter-walk';
import { decodeJsonencode } from '../support/jsonencode';
import { maskFunctionCode, resourcesOf, synthJson, type TerraformJson } from '../support/synth';
import { describeEachShipped } from './shipped';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}
const statementsOf = (expression: unknown) => (decodeJsonencode(expression) as { Statement: Statement[] }).Statement;
const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

describeEachShipped(({ name, input }) => {
  let config: EnvironmentConfig;
  let json: TerraformJson;
  beforeAll(() => {
    // Every rule, across environments too (e.g. one adopter of the legacy cloudwatch root).
    config = loadEnvironments(ENVIRONMENT_INPUTS).find((c) => c.name === name)!;
    json = synthJson(input);
  });

  it('declares its account and region, and only those', () => {
    expect(json.provider.aws).toEqual([
      expect.objectContaining({ allowed_account_ids: [config.accountId], region: config.region }),
    ]);
  });

  it('schedules every configured service twice, at the configured times and counts', () => {
    const schedules = resourcesOf(json, 'aws_scheduler_schedule');
    const { timezone, scaleUp, scaleDown, services } = config.scheduler;
    for (const svc of services) {
      const ids = schedulerLogicalIds(svc.resourceName);
      const names = schedulerResourceNames(svc.resourceName, name);
      for (const [id, scheduleName, when, count] of [
        [ids.scaleUp, names.scaleUp, scaleUp, svc.upCount],
        [ids.scaleDown, names.scaleDown, scaleDown, svc.downCount],
      ] as const) {
        expect({ id, schedule: schedules[id] }).toMatchObject({
          id,
          schedule: {
            name: scheduleName,
            schedule_expression: weeklyCron(when),
            schedule_expression_timezone: timezone,
            target: {
              input: JSON.stringify({ Cluster: svc.cluster, DesiredCount: count, Service: svc.service }),
              role_arn: `\${aws_iam_role.${ids.role}.arn}`,
            },
          },
        });
      }
    }
    const scaling = Object.values(schedules).filter((s) =>
      String(s.target && (s.target as { arn: string }).arn).includes('ecs:updateService'),
    );
    expect(scaling).toHaveLength(2 * services.length);
  });

  it('lets each scheduler role call ecs:UpdateService on its own configured service only', () => {
    const policies = resourcesOf(json, 'aws_iam_role_policy');
    const roles = resourcesOf(json, 'aws_iam_role');
    for (const svc of config.scheduler.services) {
      const ids = schedulerLogicalIds(svc.resourceName);
      const serviceArn = `arn:aws:ecs:${config.region}:${config.accountId}:service/${svc.cluster}/${svc.service}`;
      // Its own service, and the scaling dead-letter queue for a call it could not make.
      expect({ service: svc.service, statements: statementsOf(policies[ids.policy]?.policy) }).toEqual({
        service: svc.service,
        statements: [
          { Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: [serviceArn] },
          expect.objectContaining({
            Action: 'sqs:SendMessage',
            Resource: '${aws_sqs_queue.ecs_scheduler_scaling_dlq.arn}',
          }),
        ],
      });
      expect(statementsOf(roles[ids.role]?.assume_role_policy)).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': config.accountId } },
        }),
      ]);
    }
  });

  it('lets the notifier describe exactly the configured services, and do nothing else in ECS', () => {
    const role = '${aws_iam_role.slack_notifier_lambda_role.name}';
    const roleId = '${aws_iam_role.slack_notifier_lambda_role.id}';
    const managed = Object.values(resourcesOf(json, 'aws_iam_role_policy_attachment'))
      .filter((attachment) => attachment.role === role)
      .map((attachment) => /^\$\{aws_iam_policy\.([a-z0-9_]+)\.arn\}$/.exec(String(attachment.policy_arn))?.[1])
      .filter((id): id is string => id !== undefined)
      .map((id) => resourcesOf(json, 'aws_iam_policy')[id]?.policy);
    const inline = Object.values(resourcesOf(json, 'aws_iam_role_policy'))
      .filter((policy) => policy.role === roleId)
      .map((policy) => policy.policy);
    const ecs = [...managed, ...inline]
      .flatMap(statementsOf)
      .filter((statement) => list(statement.Action).some((action) => action.startsWith('ecs:')));
    expect([...new Set(ecs.flatMap((statement) => list(statement.Action)))]).toEqual(['ecs:DescribeServices']);
    expect(ecs.every((statement) => statement.Effect === 'Allow' && statement.Condition === undefined)).toBe(true);
    const described = ecs.flatMap((statement) => list(statement.Resource)).sort();
    const configured = config.scheduler.services
      .map((svc) => `arn:aws:ecs:${config.region}:${config.accountId}:service/${svc.cluster}/${svc.service}`)
      .sort();
    expect(described).toEqual(configured);
  });

  it('names no account or region but its own in any policy', () => {
    const arns = Object.values(json.resource)
      .flatMap((byId) => Object.values(byId))
      .flatMap((resource) => [resource.policy, resource.assume_role_policy])
      .filter((policy): policy is string => typeof policy === 'string' && policy.startsWith('${jsonencode('))
      .flatMap(
        (policy) => JSON.stringify(decodeJsonencode(policy)).match(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/g) ?? [],
      );
    expect(arns.length).toBeGreaterThan(config.scheduler.services.length);
    const foreign = arns.filter(
      (arn) => !new RegExp(`^arn:aws:[a-z0-9-]+:(${config.region})?:${config.accountId}:$`).test(arn),
    );
    expect(foreign).toEqual([]);
  });

  it('reads the configured webhook secrets, and no other secret', () => {
    const secretResources = Object.values(resourcesOf(json, 'aws_iam_role_policy'))
      .flatMap((p) => statementsOf(p.policy))
      .filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => list(s.Resource));
    const expected = [config.slackNotifier.webhookSecret, config.cloudwatch.webhookSecret].map((secret) =>
      secret.startsWith('arn:')
        ? secret
        : `arn:aws:secretsmanager:${config.region}:${config.accountId}:secret:${secret}-??????`,
    );
    expect([...new Set(secretResources)].sort()).toEqual([...new Set(expected)].sort());
  });

  it('admits exactly the configured scheduler roles, of its own account, to the caller filter', () => {
    const issuers = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'))
      .map(
        (rule) =>
          decodeJsonencode(rule.event_pattern) as {
            detail?: {
              userIdentity?: { sessionContext?: { sessionIssuer?: { accountId: string[]; userName: string[] } } };
            };
          },
      )
      .flatMap((pattern) => {
        const issuer = pattern.detail?.userIdentity?.sessionContext?.sessionIssuer;
        return issuer ? [issuer] : [];
      });
    expect(issuers.length).toBeGreaterThan(0);
    expect([...new Set(issuers.flatMap((i) => i.accountId))]).toEqual([config.accountId]);
    const listed = issuers.flatMap((i) => i.userName).sort();
    const roles = config.scheduler.services.map((s) => schedulerResourceNames(s.resourceName, name).role).sort();
    expect(listed).toEqual(roles);
  });

  it('gives every asynchronous hop a dead-letter path whose alarm reaches the operations path', async () => {
    const topicArn = config.operations.topicArn;
    expect(await deadLetterGaps(json, topicArn ? { operationsTopic: topicArn } : {})).toEqual([]);
  });

  it('synthesizes as reviewed (after a deliberate change: npm run test:update, then review the diff)', () => {
    expect(maskFunctionCode(json)).toMatchSnapshot();
  });
});
