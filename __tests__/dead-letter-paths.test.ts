// Every asynchronous hop has a dead-letter path that reaches the operations topic (issue 22, 3): the
// walk (support/dead-letter-walk.ts) over stacks built from the test environment, and what it must
// catch; the EventBridge rule targets' and the scale schedules' retries and dead-letter queues.
import { ConfigError, parseEnvironment, type EnvironmentInput } from '../environments';
import { deadLetterGaps } from './support/dead-letter-walk';
import { numberedServices, TEST_ACCOUNT, testEnvironment } from './support/environment-builder';
import { decide, resourcePolicyOf } from './support/iam';
import { resourceOf, resourcesOf, synthJson, type TerraformJson } from './support/synth';

const env = testEnvironment();
const json = synthJson(env);
const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

describe('the walk over a synthesized stack', () => {
  it('finds no hop without a dead-letter queue whose alarm reaches the operations topic', async () => {
    expect(await deadLetterGaps(json)).toEqual([]);
  });

  it('walks every hop: 1 rule target, 10 schedules (2 per service, 2 deadlines, 2 settle checks), 2 async functions, 1 queue source', async () => {
    expect(Object.keys(resourcesOf(json, 'aws_cloudwatch_event_target'))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, 'aws_scheduler_schedule'))).toHaveLength(2 * 3 + 2 + 2);
    // Each kind of hop, stripped of its dead-letter queue, is reported.
    const gapsWithout = async (change: (copy: TerraformJson) => void) => {
      const copy = structuredClone(json);
      change(copy);
      return deadLetterGaps(copy);
    };
    expect(
      await gapsWithout(
        (c) => delete resourceOf(c, 'aws_cloudwatch_event_target', 'slack_notifier_send_to_sqs').dead_letter_config,
      ),
    ).toEqual(['aws_cloudwatch_event_target.slack_notifier_send_to_sqs: no dead-letter queue']);
    expect(
      await gapsWithout(
        (c) => delete resourceOf(c, 'aws_cloudwatch_event_target', 'slack_notifier_send_to_sqs').retry_policy,
      ),
    ).toEqual(['aws_cloudwatch_event_target.slack_notifier_send_to_sqs: no retry policy']);
    expect(
      await gapsWithout(
        (c) =>
          delete (resourceOf(c, 'aws_scheduler_schedule', 'api_scheduler_scale_up').target as Record<string, unknown>)
            .dead_letter_config,
      ),
    ).toEqual(['aws_scheduler_schedule.api_scheduler_scale_up: no dead-letter queue']);
    expect(
      await gapsWithout(
        (c) => delete resourcesOf(c, 'aws_lambda_function_event_invoke_config').cloudwatch_alert_service_async,
      ),
    ).toEqual(['asynchronous invocations of aws_lambda_function.cloudwatch_alert_service: no dead-letter queue']);
    expect(
      await gapsWithout((c) => delete resourceOf(c, 'aws_sqs_queue', 'slack_notifier_alerts').redrive_policy),
    ).toEqual([
      'aws_lambda_event_source_mapping.slack_notifier_sqs_trigger (queue slack_notifier_alerts): no dead-letter queue',
    ]);
  });

  it('reports a dead-letter queue whose alarm does not reach the operations topic, or that its policy does not admit', async () => {
    const unrouted = structuredClone(json);
    resourceOf(unrouted, 'aws_cloudwatch_metric_alarm', 'ecs_scheduler_scaling_dlq_not_empty').alarm_actions = [];
    expect(await deadLetterGaps(unrouted)).toEqual(
      Object.keys(resourcesOf(json, 'aws_scheduler_schedule'))
        .filter((id) => !id.startsWith('slack_notifier_'))
        .sort()
        .map(
          (id) =>
            `aws_scheduler_schedule.${id}: no alarm on its dead-letter queue ecs_scheduler_scaling_dlq reaches the operations topic`,
        ),
    );

    const renamed = structuredClone(json);
    resourceOf(renamed, 'aws_cloudwatch_metric_alarm', 'slack_notifier_update_service_failed').alarm_name =
      'someone-else';
    expect(await deadLetterGaps(renamed)).toEqual([
      "alarm someone-else (FailedInvocations of aws_cloudwatch_event_rule.slack_notifier_ecs_update_service): the operations topic's policy does not admit it",
    ]);
  });

  it('finds none at 100 services either (3 rules, 200 schedules)', async () => {
    const large = synthJson(
      testEnvironment({ scheduler: { services: numberedServices(100) }, cloudwatch: { ecsAlarms: undefined } }),
    );
    expect(Object.keys(resourcesOf(large, 'aws_cloudwatch_event_rule')).length).toBeGreaterThan(1);
    expect(await deadLetterGaps(large)).toEqual([]);
  });

  it('with an existing operations topic: every alarm is routed to it (its policy is its owner`s)', async () => {
    const topicArn = `arn:aws:sns:ap-northeast-2:${TEST_ACCOUNT}:oncall-pager`;
    const existing = synthJson(testEnvironment({ operations: { emails: undefined, topicArn } }));
    expect(await deadLetterGaps(existing, { operationsTopic: topicArn })).toEqual([]);
    expect(await deadLetterGaps(existing)).toEqual(['no operations topic: the stack has none, and none was named']);
  });
});

describe('the EventBridge rule targets', () => {
  it('retry for an hour at most, then keep the event in a dead-letter queue only these rules may send to', async () => {
    expect(resourceOf(json, 'aws_cloudwatch_event_target', 'slack_notifier_send_to_sqs')).toMatchObject({
      retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 10 },
      dead_letter_config: { arn: ref('aws_sqs_queue', 'slack_notifier_update_service_dlq', 'arn') },
    });
    expect(resourceOf(json, 'aws_sqs_queue', 'slack_notifier_update_service_dlq')).toMatchObject({
      name: 'ecs-scheduler-update-service-dlq-qa',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 14 * 24 * 3600,
    });
    const policy = resourcePolicyOf(json, 'aws_sqs_queue_policy', 'slack_notifier_update_service_dlq_policy');
    const send = (sourceArn: string) =>
      decide({
        principal: 'events.amazonaws.com',
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:ap-northeast-2:${TEST_ACCOUNT}:ecs-scheduler-update-service-dlq-qa`,
        context: { 'aws:SourceArn': sourceArn, 'aws:SecureTransport': 'true' },
        resourcePolicy: policy,
      });
    expect(await send(`arn:aws:events:ap-northeast-2:${TEST_ACCOUNT}:rule/ecs-scheduler-update-service-qa`)).toBe(
      'Allowed',
    );
    expect(await send(`arn:aws:events:ap-northeast-2:${TEST_ACCOUNT}:rule/another-rule`)).toBe('ImplicitlyDenied');
  });

  it('each rule has a FailedInvocations alarm to the operations topic', () => {
    expect(resourceOf(json, 'aws_cloudwatch_metric_alarm', 'slack_notifier_update_service_failed')).toMatchObject({
      alarm_name: 'ecs-scheduler-update-service-failed-qa',
      namespace: 'AWS/Events',
      metric_name: 'FailedInvocations',
      dimensions: { RuleName: ref('aws_cloudwatch_event_rule', 'slack_notifier_ecs_update_service', 'name') },
      statistic: 'Sum',
      threshold: 1,
      alarm_actions: [ref('aws_sns_topic', 'operations_topic', 'arn')],
      ok_actions: [ref('aws_sns_topic', 'operations_topic', 'arn')],
    });
  });
});

describe('the scale schedules', () => {
  it("stop retrying by the wave's deadline, then keep the call in the scaling dead-letter queue", () => {
    const grace = 20; // slackNotifier.waveGraceMinutes default
    const flexible = env.scheduler.flexibleWindowMinutes!;
    for (const id of ['api_scheduler_scale_up', 'batch_job_scheduler_scale_down']) {
      const target = resourceOf(json, 'aws_scheduler_schedule', id).target as Record<string, Record<string, unknown>>;
      expect(target.dead_letter_config).toEqual({ arn: ref('aws_sqs_queue', 'ecs_scheduler_scaling_dlq', 'arn') });
      expect(target.retry_policy!.maximum_event_age_in_seconds).toBe((grace - flexible) * 60);
    }
    expect(resourceOf(json, 'aws_cloudwatch_metric_alarm', 'ecs_scheduler_scaling_dlq_not_empty')).toMatchObject({
      alarm_name: 'ecs-scheduler-scaling-dlq-not-empty-qa',
      dimensions: { QueueName: ref('aws_sqs_queue', 'ecs_scheduler_scaling_dlq', 'name') },
      alarm_actions: [ref('aws_sns_topic', 'operations_topic', 'arn')],
    });
  });

  it("each service's role may send to that queue (Scheduler dead-letters with the schedule's role)", () => {
    const policy = resourceOf(json, 'aws_iam_role_policy', 'api_scheduler_ecs_scheduler_policy').policy as string;
    expect(policy).toContain('"Sid" = "KeepFailedScalingCalls"');
    expect(policy).toContain('aws_sqs_queue.ecs_scheduler_scaling_dlq.arn');
  });

  it('a retry age reaching past the deadline is refused at synth time, naming the field and the fix', () => {
    const problems = (input: EnvironmentInput) => {
      try {
        parseEnvironment(input);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    };
    const late = testEnvironment({ scheduler: { retry: { maximumEventAgeMinutes: 60 } } });
    expect(problems(late).join('\n')).toContain(
      'scheduler.retry.maximumEventAgeMinutes: retries (60 min) plus the flexible window (5 min) reach 65 min past the wave, beyond its deadline (slackNotifier.waveGraceMinutes 20)',
    );
    expect(problems(late).join('\n')).toContain('Use at most 15, or raise waveGraceMinutes to at least 65');
    expect(
      problems(
        testEnvironment({
          scheduler: { retry: { maximumEventAgeMinutes: 60 } },
          slackNotifier: { waveGraceMinutes: 65 },
        }),
      ),
    ).toEqual([]);
  });
});
