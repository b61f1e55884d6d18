// Least privilege, proven by evaluation: the synthesized policies of a test stack, made concrete,
// run through a real IAM policy evaluator (@cloud-copilot/iam-simulate).
import { schedulerLogicalIds } from '../shared/scheduler-names';
import type { ServiceConfig } from '../environments/schema';
import { parseEnvironment } from '../environments/validate';
import {
  numberedServices,
  TEST_ACCOUNT as ACCOUNT,
  TEST_REGION as REGION,
  testEnvironment,
  testServices,
} from './support/environment-builder';
import { decodeJsonencode } from './support/jsonencode';
import {
  decide,
  type Decision,
  identityPoliciesOf,
  lambdaPermissionPolicy,
  OTHER_ACCOUNT,
  type PolicyDocument,
  resourcePolicyOf,
  roleArn,
  trustPolicyOf,
  wildcardStatements,
  allPolicies,
  permissionTable,
  resourcePolicyTable,
} from './support/iam';
import { synthJson } from './support/synth';

/** Four services, two in each cluster: every scheduler role has a neighbour it must not touch. */
const input = testEnvironment({
  scheduler: { services: [...testServices(), { cluster: 'batch-qa', service: 'report-job' }] },
});
const stack = synthJson(input);
const config = parseEnvironment(input);
const services = config.scheduler.services;
const DENIED: Decision[] = ['ImplicitlyDenied', 'ExplicitlyDenied'];

const ecsService = (cluster: string, service: string, account = ACCOUNT) =>
  `arn:aws:ecs:${REGION}:${account}:service/${cluster}/${service}`;
const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

type Policies = { name: string; policy: PolicyDocument }[];
type Check = [what: string, action: string, resource: string, expected: 'Allowed' | 'Denied'];

/**
 * Runs checks for one principal and returns each one whose decision differs from the expectation.
 * Each request is evaluated as within the principal's account, so that the identity policies alone
 * decide (a resource of another account would also need that account's resource policy).
 */
async function findings(principal: string, policies: Policies, checks: Check[]): Promise<string[]> {
  const found: string[] = [];
  for (const [what, action, resource, expected] of checks) {
    const decision = await decide({
      principal,
      action,
      resource,
      identityPolicies: policies,
      resourceAccount: ACCOUNT,
    });
    const ok = expected === 'Allowed' ? decision === 'Allowed' : DENIED.includes(decision);
    if (!ok) found.push(`${what}: ${action} on ${resource} is ${decision}, expected ${expected}`);
  }
  return found;
}

/** The proof for one scheduler role: its own service only, UpdateService only. */
function schedulerChecks(svc: ServiceConfig): Check[] {
  const other = services.find((s) => s.cluster === svc.cluster && s.service !== svc.service)!;
  return [
    ['its own service', 'ecs:UpdateService', ecsService(svc.cluster, svc.service), 'Allowed'],
    ['another service of its cluster', 'ecs:UpdateService', ecsService(svc.cluster, other.service), 'Denied'],
    ['its service name in another cluster', 'ecs:UpdateService', ecsService('other-cluster', svc.service), 'Denied'],
    [
      'its service in another account',
      'ecs:UpdateService',
      ecsService(svc.cluster, svc.service, OTHER_ACCOUNT),
      'Denied',
    ],
    ['another action on its service', 'ecs:DeleteService', ecsService(svc.cluster, svc.service), 'Denied'],
    ['another action on its cluster', 'ecs:RunTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/x:1`, 'Denied'],
  ];
}

function schedulerRole(svc: ServiceConfig): { principal: string; policies: Policies } {
  const roleId = schedulerLogicalIds(svc.resourceName).role;
  return { principal: roleArn(stack, roleId), policies: identityPoliciesOf(stack, roleId) };
}

describe('each scheduler role', () => {
  it.each(services.map((svc) => [svc.service, svc] as const))(
    '%s may call ecs:UpdateService on its own service and nothing else',
    async (_name, svc) => {
      const { principal, policies } = schedulerRole(svc);
      expect(policies).toHaveLength(1);
      expect(await findings(principal, policies, schedulerChecks(svc))).toEqual([]);
    },
  );

  // The proof must be able to fail: widen a copy of one policy and it must say so.
  const svc = services[0]!;
  const widened = (change: (statement: PolicyDocument['Statement'][number]) => void): Policies => {
    const { policies } = schedulerRole(svc);
    const copy = structuredClone(policies);
    change(copy[0]!.policy.Statement[0]!);
    return copy;
  };
  it.each([
    ['Resource "*"', (s: PolicyDocument['Statement'][number]) => (s.Resource = '*'), 3],
    ['Action "*"', (s: PolicyDocument['Statement'][number]) => (s.Action = '*'), 1],
    ['Action "ecs:*"', (s: PolicyDocument['Statement'][number]) => (s.Action = 'ecs:*'), 1],
    ['the whole cluster', (s: PolicyDocument['Statement'][number]) => (s.Resource = ecsService(svc.cluster, '*')), 1],
  ])('fails when a copy of a scheduler policy is widened to %s', async (_what, change, failures) => {
    const { principal } = schedulerRole(svc);
    const found = await findings(principal, widened(change), schedulerChecks(svc));
    expect(found).toHaveLength(failures);
  });
});

describe('the slack-notifier role', () => {
  const roleId = 'slack_notifier_lambda_role';
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/ecs-scheduler-waves-qa`;
  const checks: Check[] = [
    ['receive from its queue', 'sqs:ReceiveMessage', queueArn('ecs-scheduler-alerts-qa'), 'Allowed'],
    ['delete from its queue', 'sqs:DeleteMessage', queueArn('ecs-scheduler-alerts-qa'), 'Allowed'],
    ['receive from its dead-letter queue', 'sqs:ReceiveMessage', queueArn('ecs-scheduler-alerts-dlq-qa'), 'Denied'],
    ['receive from another queue', 'sqs:ReceiveMessage', queueArn('qteam-alert-service-failures-qa'), 'Denied'],
    ['send to its queue', 'sqs:SendMessage', queueArn('ecs-scheduler-alerts-qa'), 'Denied'],
    ['purge its queue', 'sqs:PurgeQueue', queueArn('ecs-scheduler-alerts-qa'), 'Denied'],
    [
      'send a failed close to its dead-letter queue',
      'sqs:SendMessage',
      queueArn('ecs-scheduler-alerts-dlq-qa'),
      'Allowed',
    ],
    ['read its webhook secret', 'secretsmanager:GetSecretValue', secretArn('test/qa/notifier-webhook'), 'Allowed'],
    ["read the alert service's secret", 'secretsmanager:GetSecretValue', secretArn('test/qa/alarms-webhook'), 'Denied'],
    ['read another secret', 'secretsmanager:GetSecretValue', secretArn('test/qa/notifier-webhook-other'), 'Denied'],
    ['change its secret', 'secretsmanager:PutSecretValue', secretArn('test/qa/notifier-webhook'), 'Denied'],
    ['write a wave result', 'dynamodb:PutItem', table, 'Allowed'],
    ['claim a wave', 'dynamodb:UpdateItem', table, 'Allowed'],
    ['read a wave', 'dynamodb:Query', table, 'Allowed'],
    ['delete wave items', 'dynamodb:DeleteItem', table, 'Denied'],
    ['scan the table', 'dynamodb:Scan', table, 'Denied'],
    ['drop the table', 'dynamodb:DeleteTable', table, 'Denied'],
    ['write another table', 'dynamodb:PutItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other`, 'Denied'],
    [
      'invoke a function',
      'lambda:InvokeFunction',
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:qteam-alert-service-qa`,
      'Denied',
    ],
  ];
  it('receives and deletes only from its queue, reads only its secret, writes only its waves table', async () => {
    expect(await findings(roleArn(stack, roleId), identityPoliciesOf(stack, roleId), checks)).toEqual([]);
  });
});

describe("the slack-notifier role's read access to ECS", () => {
  const roleId = 'slack_notifier_lambda_role';
  const principal = roleArn(stack, roleId);
  const describeChecks = (policies: Policies) =>
    findings(principal, policies, [
      ...services.map((svc): Check => [
        `describe ${svc.service}`,
        'ecs:DescribeServices',
        ecsService(svc.cluster, svc.service),
        'Allowed',
      ]),
      [
        'describe an unscheduled service of a scheduled cluster',
        'ecs:DescribeServices',
        ecsService('apps-qa', 'other'),
        'Denied',
      ],
      [
        'describe a scheduled name in another cluster',
        'ecs:DescribeServices',
        ecsService('other-cluster', 'api'),
        'Denied',
      ],
      [
        'describe a service of another account',
        'ecs:DescribeServices',
        ecsService('apps-qa', 'api', OTHER_ACCOUNT),
        'Denied',
      ],
      ['scale a scheduled service', 'ecs:UpdateService', ecsService('apps-qa', 'api'), 'Denied'],
      ['describe a cluster', 'ecs:DescribeClusters', `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/apps-qa`, 'Denied'],
      [
        'describe tasks',
        'ecs:DescribeTasks',
        `arn:aws:ecs:${REGION}:${ACCOUNT}:task/apps-qa/0123456789abcdef`,
        'Denied',
      ],
    ]);

  it('may call ecs:DescribeServices on exactly the configured services, and nothing else of ECS', async () => {
    const policies = identityPoliciesOf(stack, roleId);
    expect(policies.map((p) => p.name)).toContain('slack_notifier_describe_services');
    expect(await describeChecks(policies)).toEqual([]);
  });

  it('fails when a copy of its ECS policy is widened to a cluster, to "*" or to ecs:*', async () => {
    const widened = (change: (statement: PolicyDocument['Statement'][number]) => void) => {
      const copy = structuredClone(identityPoliciesOf(stack, roleId));
      change(copy.find((p) => p.name === 'slack_notifier_describe_services')!.policy.Statement[0]!);
      return describeChecks(copy);
    };
    expect(await widened((st) => (st.Resource = [ecsService('apps-qa', '*')]))).toEqual([
      'describe batch-job: ecs:DescribeServices on arn:aws:ecs:ap-northeast-2:210987654321:service/batch-qa/batch-job is ImplicitlyDenied, expected Allowed',
      'describe report-job: ecs:DescribeServices on arn:aws:ecs:ap-northeast-2:210987654321:service/batch-qa/report-job is ImplicitlyDenied, expected Allowed',
      'describe an unscheduled service of a scheduled cluster: ecs:DescribeServices on arn:aws:ecs:ap-northeast-2:210987654321:service/apps-qa/other is Allowed, expected Denied',
    ]);
    expect(await widened((st) => (st.Resource = '*'))).toHaveLength(3);
    expect(await widened((st) => (st.Action = 'ecs:*'))).toEqual([
      'scale a scheduled service: ecs:UpdateService on arn:aws:ecs:ap-northeast-2:210987654321:service/apps-qa/api is Allowed, expected Denied',
    ]);
  });

  it("splits the ARNs over several policies, each within IAM's 6,144 characters, never widening them", () => {
    const many = testEnvironment({ scheduler: { services: numberedServices(300, 'apps-qa', 'service-name') } });
    const big = synthJson(many);
    const documents = Object.values(big.resource.aws_iam_policy ?? {}).map((p) => decodeJsonencode(p.policy));
    expect(documents.length).toBeGreaterThan(1);
    for (const document of documents) expect(JSON.stringify(document).length).toBeLessThanOrEqual(6144);
    const granted = documents.flatMap((d) => (d as PolicyDocument).Statement.flatMap((st) => [st.Resource].flat()));
    expect([...granted].sort()).toEqual(
      numberedServices(300, 'apps-qa', 'service-name')
        .map((svc) => ecsService(svc.cluster, svc.service))
        .sort(),
    );
    const attached = Object.values(big.resource.aws_iam_role_policy_attachment ?? {}).filter(
      (a) => a.role === '${aws_iam_role.slack_notifier_lambda_role.name}',
    );
    expect(attached).toHaveLength(documents.length + 1); // and the basic execution policy
  });
});

describe('the alert-service role', () => {
  const roleId = 'cloudwatch_alert_exec';
  const deliveries = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/qteam-alert-deliveries-qa`;
  const checks: Check[] = [
    ['read its webhook secret', 'secretsmanager:GetSecretValue', secretArn('test/qa/alarms-webhook'), 'Allowed'],
    ["read the notifier's secret", 'secretsmanager:GetSecretValue', secretArn('test/qa/notifier-webhook'), 'Denied'],
    ['keep a failed alarm in its queue', 'sqs:SendMessage', queueArn('qteam-alert-service-failures-qa'), 'Allowed'],
    ["send to the notifier's queue", 'sqs:SendMessage', queueArn('ecs-scheduler-alerts-qa'), 'Denied'],
    ['read its failures queue', 'sqs:ReceiveMessage', queueArn('qteam-alert-service-failures-qa'), 'Denied'],
    ['publish to the alarm topic', 'sns:Publish', `arn:aws:sns:${REGION}:${ACCOUNT}:qteam-db-alarm-topic-qa`, 'Denied'],
    ['claim or record a delivery', 'dynamodb:UpdateItem', deliveries, 'Allowed'],
    ['read a delivery record', 'dynamodb:GetItem', deliveries, 'Allowed'],
    ['put or delete delivery records', 'dynamodb:DeleteItem', deliveries, 'Denied'],
    ['scan its table', 'dynamodb:Scan', deliveries, 'Denied'],
    [
      "write the notifier's waves table",
      'dynamodb:UpdateItem',
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/ecs-scheduler-waves-qa`,
      'Denied',
    ],
  ];
  it('reads only its secret, writes only its failures queue and its deliveries table', async () => {
    expect(await findings(roleArn(stack, roleId), identityPoliciesOf(stack, roleId), checks)).toEqual([]);
  });
});

describe('the wave deadline role', () => {
  const roleId = 'slack_notifier_wave_deadline_role';
  const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  it('invokes only the notifier function', async () => {
    const checks: Check[] = [
      ['invoke the notifier', 'lambda:InvokeFunction', fn('ecs-scheduler-slack-notifier-qa'), 'Allowed'],
      ['invoke the alert service', 'lambda:InvokeFunction', fn('qteam-alert-service-qa'), 'Denied'],
      ['change the notifier', 'lambda:UpdateFunctionCode', fn('ecs-scheduler-slack-notifier-qa'), 'Denied'],
      [
        'keep a close it could not invoke',
        'sqs:SendMessage',
        queueArn('ecs-scheduler-wave-deadline-dlq-qa'),
        'Allowed',
      ],
      ['send to the notifier queue', 'sqs:SendMessage', queueArn('ecs-scheduler-alerts-qa'), 'Denied'],
      ['read its dead-letter queue', 'sqs:ReceiveMessage', queueArn('ecs-scheduler-wave-deadline-dlq-qa'), 'Denied'],
    ];
    expect(await findings(roleArn(stack, roleId), identityPoliciesOf(stack, roleId), checks)).toEqual([]);
  });
});

describe('resource policies', () => {
  const queue = queueArn('ecs-scheduler-alerts-qa');
  const ruleArn = `arn:aws:events:${REGION}:${ACCOUNT}:rule/ecs-scheduler-update-service-qa`;
  const queuePolicy = resourcePolicyOf(stack, 'aws_sqs_queue_policy', 'slack_notifier_allow_eventbridge');
  const send = (principal: string, context: Record<string, string>) =>
    decide({ principal, action: 'sqs:SendMessage', resource: queue, context, resourcePolicy: queuePolicy });

  it('the queue admits EventBridge only from the rule, over TLS', async () => {
    expect(await send('events.amazonaws.com', { 'aws:SourceArn': ruleArn, 'aws:SecureTransport': 'true' })).toBe(
      'Allowed',
    );
    expect(
      await send('events.amazonaws.com', { 'aws:SourceArn': `${ruleArn}-other`, 'aws:SecureTransport': 'true' }),
    ).toBe('ImplicitlyDenied');
    expect(await send('events.amazonaws.com', { 'aws:SourceArn': ruleArn, 'aws:SecureTransport': 'false' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await send('sns.amazonaws.com', { 'aws:SourceArn': ruleArn, 'aws:SecureTransport': 'true' })).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await send(`arn:aws:iam::${OTHER_ACCOUNT}:root`, { 'aws:SourceArn': ruleArn, 'aws:SecureTransport': 'true' }),
    ).toBe('ImplicitlyDenied');
  });

  it.each([
    ['slack_notifier_alerts_dlq_policy', 'ecs-scheduler-alerts-dlq-qa'],
    ['cloudwatch_alert_service_failures_policy', 'qteam-alert-service-failures-qa'],
    ['slack_notifier_wave_deadline_dlq_policy', 'ecs-scheduler-wave-deadline-dlq-qa'],
  ])('%s denies plain HTTP to everyone', async (id, name) => {
    const policy = resourcePolicyOf(stack, 'aws_sqs_queue_policy', id);
    const decision = await decide({
      principal: roleArn(stack, 'slack_notifier_lambda_role'),
      action: 'sqs:ReceiveMessage',
      resource: queueArn(name),
      context: { 'aws:SecureTransport': 'false' },
      resourcePolicy: policy,
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  it("the alarm topic admits only this account's CloudWatch alarms", async () => {
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:qteam-db-alarm-topic-qa`;
    const policy = resourcePolicyOf(stack, 'aws_sns_topic_policy', 'cloudwatch_db_alarm_topic_policy');
    const publish = (account: string) =>
      decide({
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: topic,
        context: { 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${account}:alarm:x` },
        resourcePolicy: policy,
      });
    expect(await publish(ACCOUNT)).toBe('Allowed');
    expect(await publish(OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
  });

  it('the operations topic and its key admit only the failure alarms of this account', async () => {
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:ecs-scheduler-operations-qa`;
    const topicPolicy = resourcePolicyOf(stack, 'aws_sns_topic_policy', 'operations_topic_policy');
    const keyPolicy = resourcePolicyOf(stack, 'aws_kms_key', 'operations_topic_key');
    const use = (alarm: string, { account = ACCOUNT, principal = 'cloudwatch.amazonaws.com' } = {}) => {
      const context = {
        'aws:SourceAccount': account,
        'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${account}:alarm:${alarm}`,
      };
      return Promise.all([
        decide({ principal, action: 'sns:Publish', resource: topic, context, resourcePolicy: topicPolicy }),
        decide({
          principal,
          action: 'kms:GenerateDataKey',
          resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/operations_topic_key`,
          context,
          resourcePolicy: keyPolicy,
        }),
      ]);
    };
    const allowed = ['Allowed', 'Allowed'];
    const denied = ['ImplicitlyDenied', 'ImplicitlyDenied'];
    expect(await use('ecs-scheduler-alerts-dlq-not-empty-qa')).toEqual(allowed);
    expect(await use('qteam-alert-service-failures-not-empty-qa')).toEqual(allowed);
    expect(await use('ecs-scheduler-wave-deadline-dlq-not-empty-qa')).toEqual(allowed);
    expect(await use('qteam-alert-service-errors-qa')).toEqual(allowed);
    expect(await use('OTT-Aurora-Cluster-CPU-Utilization-High-qa')).toEqual(denied);
    expect(await use('ecs-scheduler-alerts-dlq-not-empty-qa*')).toEqual(denied);
    expect(await use('ecs-scheduler-alerts-dlq-not-empty-qa', { account: OTHER_ACCOUNT })).toEqual(denied);
    expect(await use('ecs-scheduler-alerts-dlq-not-empty-qa', { principal: 'events.amazonaws.com' })).toEqual(denied);
    expect(
      await decide({
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
        action: 'sns:Subscribe',
        resource: topic,
        resourcePolicy: topicPolicy,
      }),
    ).toBe('ImplicitlyDenied');
  });

  it('the alert function may be invoked by SNS only for the alarm topic', async () => {
    const policy = lambdaPermissionPolicy(stack, 'cloudwatch_allow_sns');
    const invoke = (topic: string) =>
      decide({
        principal: 'sns.amazonaws.com',
        action: 'lambda:InvokeFunction',
        resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:qteam-alert-service-qa`,
        context: { 'aws:SourceArn': `arn:aws:sns:${REGION}:${ACCOUNT}:${topic}` },
        resourcePolicy: policy,
      });
    expect(await invoke('qteam-db-alarm-topic-qa')).toBe('Allowed');
    expect(await invoke('another-topic')).toBe('ImplicitlyDenied');
  });
});

describe('trust policies', () => {
  const roles = Object.keys(stack.resource.aws_iam_role ?? {});
  const services: Record<string, string> = {
    slack_notifier_lambda_role: 'lambda.amazonaws.com',
    cloudwatch_alert_exec: 'lambda.amazonaws.com',
    slack_notifier_wave_deadline_role: 'scheduler.amazonaws.com',
  };
  const principalOf = (id: string) => services[id] ?? 'scheduler.amazonaws.com';

  it('cover every role of the stack', () => {
    expect(roles).toHaveLength(config.scheduler.services.length + 3);
  });

  it.each(roles)('%s admits only its service principal, for this account', async (id) => {
    const assume = (principal: string, account: string) =>
      decide({
        principal,
        action: 'sts:AssumeRole',
        resource: roleArn(stack, id),
        context: { 'aws:SourceAccount': account },
        resourcePolicy: trustPolicyOf(stack, id),
      });
    const own = principalOf(id);
    const stranger = own === 'lambda.amazonaws.com' ? 'scheduler.amazonaws.com' : 'lambda.amazonaws.com';
    expect(await assume(own, ACCOUNT)).toBe('Allowed');
    expect(await assume(own, OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
    expect(await assume(stranger, ACCOUNT)).toBe('ImplicitlyDenied');
    expect(await assume(`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT)).toBe('ImplicitlyDenied');
  });
});

describe('wildcards', () => {
  it('appear in an Allow only where no narrower form exists (the exceptions help/security.md lists)', () => {
    const withTrail = testEnvironment({ slackNotifier: { managementEventsTrail: { mode: 'create' } } });
    const withEcsAlarms = testEnvironment({ name: 'qb', cloudwatch: { ecsAlarms: { services: ['api', 'worker'] } } });
    const stacks = [stack, synthJson(withEcsAlarms), synthJson(withTrail)];
    const found = stacks
      .flatMap(allPolicies)
      .flatMap(({ where, policy }) => wildcardStatements(policy).map((s) => `${where}: ${s.Sid ?? '(no Sid)'}`));
    expect([...new Set(found)].sort()).toEqual([
      'aws_iam_role_policy_attachment.cloudwatch_alert_basic: (no Sid)',
      'aws_iam_role_policy_attachment.slack_notifier_lambda_basic: (no Sid)',
      'aws_kms_key.cloudwatch_db_alarm_topic_key: AccountAdministersKeyThroughIam',
      'aws_kms_key.cloudwatch_db_alarm_topic_key: CloudWatchAlarmsEncryptMessages',
      'aws_kms_key.operations_topic_key: AccountAdministersKeyThroughIam',
      'aws_kms_key.operations_topic_key: CloudWatchAlarmsEncryptMessages',
      'aws_s3_bucket_policy.slack_notifier_trail_policy: CloudTrailWrite',
    ]);
  });
});

// help/security.md's tables come from these (npm run docs, scripts/docs/generated.ts); that the document holds the
// live stack's tables is a live-config check, not this test's.
describe('the permission tables', () => {
  it('list each role once (the scheduler roles as one row), with the account written <account>', () => {
    const rows = permissionTable(stack, 'qa').split('\n');
    expect(rows.slice(0, 2)).toEqual(['| Role | Assumed by | Allowed |', '|---|---|---|']);
    expect(rows.slice(2).map((row) => row.split(' | ')[0])).toEqual([
      '| `qteam-alert-service-role-qa`',
      '| `ecs-scheduler-slack-notifier-role-qa`',
      '| `ecs-scheduler-wave-deadline-role-qa`',
      '| each of the 4 `<svc>-scheduler-role-qa`',
    ]);
    expect(rows.at(-1)).toBe(
      '| each of the 4 `<svc>-scheduler-role-qa` | scheduler.amazonaws.com (account <account> only) | ecs:UpdateService on arn:aws:ecs:ap-northeast-2:<account>:service/<cluster>/<svc><br>sqs:SendMessage on arn:aws:sqs:ap-northeast-2:<account>:ecs-scheduler-scaling-dlq-qa |',
    );
    expect(rows.find((row) => row.startsWith('| `ecs-scheduler-slack-notifier-role-qa`'))).toContain(
      '<br>ecs:DescribeServices on each of the 4 scheduled services by its ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<svc>)',
    );
    expect(rows.join('\n')).not.toContain(ACCOUNT);
  });

  it('list who may use each queue, topic, key and function, and where each topic delivers', () => {
    const rows = resourcePolicyTable(stack).split('\n');
    expect(rows.slice(0, 2)).toEqual(['| Resource | Principal | Allowed | Only when |', '|---|---|---|---|']);
    expect(rows).toContain(
      '| `ecs-scheduler-alerts-qa` (SQS queue) `slack_notifier_allow_eventbridge` | events.amazonaws.com | sqs:SendMessage | aws:SourceArn = arn:aws:events:ap-northeast-2:<account>:rule/ecs-scheduler-update-service-qa |',
    );
    expect(rows).toContain(
      '| `ecs-scheduler-operations-qa` (SNS topic) `operations_email_oncall_qa_ops_test` | delivers to email oncall-qa@ops.test | (subscription) | once the address confirmed it |',
    );
    expect(rows.join('\n')).not.toContain(ACCOUNT);
  });
});
