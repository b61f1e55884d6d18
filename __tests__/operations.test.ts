// The operations path: failures of the alerting itself reach a person by a way that passes through
// neither Slack nor the alert function. Proven on a synthesized test stack (every dead-letter or
// failure queue, every function and every deadline schedule has an alarm whose actions include the
// operations topic, whose subscribers are people, not functions), and end to end with a revoked
// webhook (the local Slack stand-in answers 404 no_service) while the failure queues fill.
import type { SNSEvent } from 'aws-lambda';
import { AlertDeliveryError, createHandler as alertService } from '../functions/alert-service/handler';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { waveManifest } from '../constructs/slack-notifier/wave-manifest';
import { ConfigError, parseEnvironment } from '../environments/validate';
import { MISSING_OPERATIONS } from '../environments/operations-schema';
import { startLocalWaveTable } from '../scripts/local-wave-table';
import { fixture } from './support/alert-service';
import { messageIds, sqsEventFor } from './support/cloudtrail-events';
import { TEST_ACCOUNT as ACCOUNT, TEST_REGION as REGION, testEnvironment } from './support/environment-builder';
import type { EnvironmentInput } from '../environments/schema';
import { decide, OTHER_ACCOUNT, policyOf, resourcePolicyOf } from './support/iam';
import { decodeJsonencode } from './support/jsonencode';
import { capturing, lambdaContext } from './support/lambda';
import { startFakeSlack, type FakeSlack } from './support/slack-server';
import { resourceOf, resourcesOf, synthJson, type TerraformJson } from './support/synth';
import { waveHandler } from './support/waves';

const OPERATIONS_TOPIC = '${aws_sns_topic.operations_topic.arn}';
const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

type Resource = Record<string, unknown>;
const alarmsOf = (json: TerraformJson) => Object.entries(resourcesOf(json, 'aws_cloudwatch_metric_alarm'));
const dimensionsOf = (alarm: Resource) => (alarm.dimensions ?? {}) as Record<string, string>;

/** Logical IDs of every queue that holds what could not be delivered: redrive, Lambda, Scheduler and EventBridge DLQs. */
function failureQueues(json: TerraformJson): string[] {
  const idOf = (arn: unknown) => /^\$\{aws_sqs_queue\.([a-z0-9_]+)\.arn\}$/.exec(String(arn))?.[1];
  const redrive = Object.values(resourcesOf(json, 'aws_sqs_queue')).map(
    (q) =>
      q.redrive_policy && (decodeJsonencode(q.redrive_policy) as { deadLetterTargetArn: string }).deadLetterTargetArn,
  );
  const destinations = Object.values(resourcesOf(json, 'aws_lambda_function_event_invoke_config')).map(
    (c) => (c.destination_config as { on_failure?: { destination: string } } | undefined)?.on_failure?.destination,
  );
  const schedulerDlqs = Object.values(resourcesOf(json, 'aws_scheduler_schedule')).map(
    (s) => (s.target as { dead_letter_config?: { arn: string } }).dead_letter_config?.arn,
  );
  const ruleTargetDlqs = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target')).map(
    (t) => (t.dead_letter_config as { arn?: string } | undefined)?.arn,
  );
  return [
    ...new Set(
      [...redrive, ...destinations, ...schedulerDlqs, ...ruleTargetDlqs].map(idOf).filter((id) => id !== undefined),
    ),
  ].sort();
}

/** The alarms watching a queue's visible messages. */
function queueAlarms(json: TerraformJson, queueId: string): [string, Resource][] {
  return alarmsOf(json).filter(
    ([, a]) =>
      a.namespace === 'AWS/SQS' &&
      a.metric_name === 'ApproximateNumberOfMessagesVisible' &&
      dimensionsOf(a).QueueName === ref('aws_sqs_queue', queueId, 'name'),
  );
}

/** Topics a function is subscribed to: the Slack path goes through these. */
function topicsWithFunctionSubscribers(json: TerraformJson): string[] {
  return Object.values(resourcesOf(json, 'aws_sns_topic_subscription'))
    .filter((s) => s.protocol === 'lambda')
    .map((s) => String(s.topic_arn));
}

/** True when the alarm would post to Slack. */
function isEvaluatedAlarm(alarm: Resource, visibleMessages: number): boolean {
  const threshold = alarm.threshold as number;
  expect(alarm.comparison_operator).toBe('GreaterThanOrEqualToThreshold');
  return visibleMessages >= threshold;
}

describe('a stack with its own operations topic (one address)', () => {
  const json = synthJson(testEnvironment());
  const slackPath = topicsWithFunctionSubscribers(json);

  it('has an operations topic whose subscribers are people (email), not a function', () => {
    expect(resourceOf(json, 'aws_sns_topic', 'operations_topic')).toMatchObject({
      name: 'ecs-scheduler-operations-qa',
      kms_master_key_id: ref('aws_kms_key', 'operations_topic_key', 'arn'),
    });
    const subscriptions = Object.values(resourcesOf(json, 'aws_sns_topic_subscription')).filter(
      (s) => s.topic_arn === OPERATIONS_TOPIC,
    );
    expect(subscriptions).toEqual([{ topic_arn: OPERATIONS_TOPIC, protocol: 'email', endpoint: 'oncall-qa@ops.test' }]);
    expect(slackPath).not.toContain(OPERATIONS_TOPIC);
  });

  it('finds the five failure queues: notifier DLQ, alert failures, deadline DLQ, rule DLQ, scaling DLQ', () => {
    expect(failureQueues(json)).toEqual([
      'cloudwatch_alert_service_failures',
      'ecs_scheduler_scaling_dlq',
      'slack_notifier_alerts_dlq',
      'slack_notifier_update_service_dlq',
      'slack_notifier_wave_deadline_dlq',
    ]);
  });

  it.each([
    'cloudwatch_alert_service_failures',
    'ecs_scheduler_scaling_dlq',
    'slack_notifier_alerts_dlq',
    'slack_notifier_update_service_dlq',
    'slack_notifier_wave_deadline_dlq',
  ])('announces %s filling on the operations topic (ALARM and OK), never only on the Slack path', (queueId) => {
    const alarms = queueAlarms(json, queueId);
    expect(alarms).toHaveLength(1);
    for (const [, alarm] of alarms) {
      expect(alarm.alarm_actions).toContain(OPERATIONS_TOPIC);
      expect(alarm.ok_actions).toContain(OPERATIONS_TOPIC);
      expect((alarm.alarm_actions as string[]).some((topic) => !slackPath.includes(topic))).toBe(true);
    }
  });

  it('keeps the failure alarms at their names', () => {
    const names = failureQueues(json).flatMap((id) => queueAlarms(json, id).map(([, a]) => a.alarm_name));
    expect(names).toEqual(
      expect.arrayContaining([
        'ecs-scheduler-alerts-dlq-not-empty-qa',
        'qteam-alert-service-failures-not-empty-qa',
        'ecs-scheduler-wave-deadline-dlq-not-empty-qa',
      ]),
    );
  });

  it.each(['Errors', 'Throttles'])('alarms on %s of every function, to the operations topic only', (metric) => {
    const functions = Object.values(resourcesOf(json, 'aws_lambda_function')).map((f) => String(f.function_name));
    expect(functions.sort()).toEqual(['ecs-scheduler-slack-notifier-qa', 'qteam-alert-service-qa']);
    for (const name of functions) {
      const alarms = alarmsOf(json).filter(
        ([, a]) => a.namespace === 'AWS/Lambda' && a.metric_name === metric && dimensionsOf(a).FunctionName === name,
      );
      expect(alarms).toHaveLength(1);
      expect(alarms[0]![1]).toMatchObject({
        alarm_actions: [OPERATIONS_TOPIC],
        ok_actions: [OPERATIONS_TOPIC],
        statistic: 'Sum',
        threshold: 1,
        treat_missing_data: 'notBreaching',
      });
    }
  });

  it('gives each wave-deadline schedule a dead-letter queue its role may send to', async () => {
    const deadlines = Object.entries(resourcesOf(json, 'aws_scheduler_schedule')).filter(([id]) =>
      id.startsWith('slack_notifier_wave_deadline_'),
    );
    expect(deadlines).toHaveLength(2);
    for (const [, schedule] of deadlines) {
      expect(schedule.target).toMatchObject({
        dead_letter_config: { arn: ref('aws_sqs_queue', 'slack_notifier_wave_deadline_dlq', 'arn') },
        role_arn: ref('aws_iam_role', 'slack_notifier_wave_deadline_role', 'arn'),
      });
    }
    const policy = policyOf(
      json,
      resourceOf(json, 'aws_iam_role_policy', 'slack_notifier_wave_deadline_invoke').policy,
    );
    const send = (queue: string) =>
      decide({
        principal: `arn:aws:iam::${ACCOUNT}:role/ecs-scheduler-wave-deadline-role-qa`,
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
        identityPolicies: [{ name: 'deadline', policy }],
      });
    expect(await send('ecs-scheduler-wave-deadline-dlq-qa')).toBe('Allowed');
    expect(await send('ecs-scheduler-alerts-qa')).toBe('ImplicitlyDenied');
  });
});

describe('a revoked webhook (Slack answers 404 no_service) while the failure queues fill', () => {
  // Scale-up at 09:00 KST (the wave `sqsEventFor` times its calls in) of the two services it calls.
  const input = testEnvironment({
    scheduler: {
      scaleUp: { time: '09:00' },
      services: [
        { cluster: 'apps-qa', service: 'api' },
        { cluster: 'apps-qa', service: 'worker' },
      ],
    },
  });
  const json = synthJson(input);
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
    slack.answer({ status: 404, body: 'no_service' });
  });
  afterAll(() => slack.close());

  /** The alarm on a queue goes to ALARM at one message, and who it tells may publish and read it. */
  async function expectOperationsToldAbout(queueId: string, messagesInQueue: number): Promise<void> {
    const [[, alarm]] = queueAlarms(json, queueId) as [[string, Resource]];
    expect(isEvaluatedAlarm(alarm, messagesInQueue)).toBe(true);
    expect(alarm.alarm_actions).toContain(OPERATIONS_TOPIC);

    const alarmArn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${String(alarm.alarm_name)}`;
    const context = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': alarmArn };
    const topicPolicy = resourcePolicyOf(json, 'aws_sns_topic_policy', 'operations_topic_policy');
    const keyPolicy = resourcePolicyOf(json, 'aws_kms_key', 'operations_topic_key');
    expect(
      await decide({
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: `arn:aws:sns:${REGION}:${ACCOUNT}:ecs-scheduler-operations-qa`,
        context,
        resourcePolicy: topicPolicy,
      }),
    ).toBe('Allowed');
    expect(
      await decide({
        principal: 'cloudwatch.amazonaws.com',
        action: 'kms:GenerateDataKey',
        resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/operations_topic_key`,
        context,
        resourcePolicy: keyPolicy,
      }),
    ).toBe('Allowed');
  }

  it('alert-service: the alarm is not delivered, lands in its failures queue, and the operations topic gets the alarm', async () => {
    slack.posts.length = 0;
    const handler = alertService({
      webhookUrl: fixedWebhookUrl(slack.url),
      settings: { environment: 'qa', displayTimeZone: 'Asia/Seoul' },
      delivery: { baseBackoffMs: 5, maxBackoffMs: 10, attemptTimeoutMs: 5_000, maxAttempts: 3 },
    });
    const event: SNSEvent = fixture('aurora-cpu-alarm');
    const { result, output } = await capturing(() =>
      handler(event, lambdaContext('qteam-alert-service-qa', 30_000)).then(
        () => 'delivered',
        (error: unknown) => error,
      ),
    );
    expect(result).toBeInstanceOf(AlertDeliveryError);
    expect(output.text()).toMatch(/HTTP 404 no_service/);
    expect(slack.posts).toHaveLength(1);

    // A failed asynchronous invocation goes, after Lambda's retries, to the failures queue.
    const invokeConfig = resourceOf(json, 'aws_lambda_function_event_invoke_config', 'cloudwatch_alert_service_async');
    expect(invokeConfig.destination_config).toEqual({
      on_failure: { destination: ref('aws_sqs_queue', 'cloudwatch_alert_service_failures', 'arn') },
    });
    await expectOperationsToldAbout('cloudwatch_alert_service_failures', 1);
  });

  it('slack-notifier: the wave is not posted, its records reach the dead-letter queue, and the operations topic gets the alarm', async () => {
    slack.posts.length = 0;
    const table = await startLocalWaveTable();
    try {
      const event = sqsEventFor([
        { cluster: 'apps-qa', service: 'api' },
        { cluster: 'apps-qa', service: 'worker' },
      ]);
      const { handler } = waveHandler(table, slack.url, waveManifest(parseEnvironment(input)));
      const { result } = await capturing(() => handler(event, lambdaContext('slack-notifier', 30_000)));
      expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
      expect(slack.posts).toHaveLength(1);
    } finally {
      await table.close();
    }
    // Returned records are received again; after maxReceiveCount receives SQS moves them to the DLQ.
    const queue = resourceOf(json, 'aws_sqs_queue', 'slack_notifier_alerts');
    expect(decodeJsonencode(queue.redrive_policy)).toMatchObject({
      deadLetterTargetArn: ref('aws_sqs_queue', 'slack_notifier_alerts_dlq', 'arn'),
    });
    await expectOperationsToldAbout('slack_notifier_alerts_dlq', 2);
  });

  it('the operations topic admits exactly the failure alarms, of this account', async () => {
    const topicPolicy = resourcePolicyOf(json, 'aws_sns_topic_policy', 'operations_topic_policy');
    const publish = (alarmName: string, account = ACCOUNT, principal = 'cloudwatch.amazonaws.com') =>
      decide({
        principal,
        action: 'sns:Publish',
        resource: `arn:aws:sns:${REGION}:${ACCOUNT}:ecs-scheduler-operations-qa`,
        context: {
          'aws:SourceAccount': account,
          'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${account}:alarm:${alarmName}`,
        },
        resourcePolicy: topicPolicy,
      });
    for (const name of [
      'ecs-scheduler-alerts-dlq-not-empty-qa',
      'qteam-alert-service-failures-not-empty-qa',
      'ecs-scheduler-wave-deadline-dlq-not-empty-qa',
      'ecs-scheduler-slack-notifier-errors-qa',
      'ecs-scheduler-slack-notifier-throttles-qa',
      'qteam-alert-service-errors-qa',
      'qteam-alert-service-throttles-qa',
    ]) {
      expect(await publish(name)).toBe('Allowed');
    }
    expect(await publish('OTT-Aurora-Cluster-CPU-Utilization-High-qa')).toBe('ImplicitlyDenied');
    expect(await publish('ecs-scheduler-alerts-dlq-not-empty-qa', OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
    expect(await publish('ecs-scheduler-alerts-dlq-not-empty-qa', ACCOUNT, 'events.amazonaws.com')).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('an existing operations topic', () => {
  const existing = `arn:aws:sns:ap-northeast-2:${ACCOUNT}:qa-oncall`;
  const json = synthJson(testEnvironment({ operations: { emails: undefined, topicArn: existing } }));

  it('receives every failure alarm; the stack creates no topic and subscribes nobody', () => {
    expect(resourcesOf(json, 'aws_sns_topic').operations_topic).toBeUndefined();
    expect(resourcesOf(json, 'aws_sns_topic_policy').operations_topic_policy).toBeUndefined();
    const routed = alarmsOf(json).filter(([, a]) => (a.alarm_actions as string[]).includes(existing));
    expect(routed.map(([id]) => id).sort()).toEqual([
      'cloudwatch_alert_service_errors',
      'cloudwatch_alert_service_failures_not_empty',
      'cloudwatch_alert_service_slack_refused',
      'cloudwatch_alert_service_throttles',
      'ecs_scheduler_scaling_dlq_not_empty',
      'slack_notifier_alerts_dlq_not_empty',
      'slack_notifier_function_errors',
      'slack_notifier_function_slack_refused',
      'slack_notifier_function_throttles',
      'slack_notifier_update_service_dlq_not_empty',
      'slack_notifier_update_service_failed',
      'slack_notifier_wave_deadline_dlq_not_empty',
    ]);
  });
});

describe('config', () => {
  const problems = (change: (env: EnvironmentInput) => void): string[] => {
    const input = testEnvironment();
    change(input);
    try {
      parseEnvironment(input);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('refuses an environment without an operations path, naming the file, the field and the fix', () => {
    const input = testEnvironment({ operations: undefined });
    expect(input).not.toHaveProperty('operations');
    expect(() => parseEnvironment(input)).toThrow(
      `Invalid configuration for environment "qa" (environments/qa.ts):\n  - operations: ${MISSING_OPERATIONS}`,
    );
    expect(MISSING_OPERATIONS).toContain('operations: { emails: [');
    expect(MISSING_OPERATIONS).toContain('operations: { topicArn: "arn:aws:sns:');
  });

  it.each([
    [
      'no address and no topic',
      { emails: [] },
      'operations: no operations path: emails is empty and there is no topicArn',
    ],
    ['an empty object', {}, 'operations: no operations path'],
    [
      'both',
      { emails: ['a@b.co'], topicArn: `arn:aws:sns:ap-northeast-2:${ACCOUNT}:ops` },
      'operations: give either emails (a topic this stack creates) or topicArn (an existing topic), not both',
    ],
    [
      'a bad address',
      { emails: ['oncall'] },
      'operations.emails[0]: each of operations.emails must be an email address',
    ],
    ['a bad topic', { topicArn: 'ops-topic' }, 'operations.topicArn: topicArn must be an SNS topic ARN'],
    ['an unknown field', { email: ['a@b.co'] }, 'operations: unknown field "email"'],
    [
      'an address twice',
      { emails: ['oncall@b.co', 'OnCall@b.co'] },
      'operations: "OnCall@b.co" is listed twice in emails; list each address once',
    ],
  ])('refuses %s', (_what, operations, message) => {
    expect(problems((env) => (env.operations = operations as EnvironmentInput['operations']))[0]).toContain(message);
  });

  it('accepts several addresses, each its own subscription', () => {
    const input = testEnvironment({ operations: { emails: ['oncall@b.co', 'lead@b.co'] } });
    const subscriptions = resourcesOf(synthJson(input), 'aws_sns_topic_subscription');
    expect(Object.keys(subscriptions).sort()).toEqual([
      'cloudwatch_alert_sub',
      'operations_email_lead_b_co',
      'operations_email_oncall_b_co',
    ]);
  });
});
